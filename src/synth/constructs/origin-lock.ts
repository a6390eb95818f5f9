import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';

const { ApiKey, UsagePlan } = requireCdk('aws-cdk-lib/aws-apigateway') as typeof apigateway;
const { Secret } = requireCdk('aws-cdk-lib/aws-secretsmanager') as typeof secretsmanager;
const { RemovalPolicy, Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

/** The header CloudFront adds to every origin request and API Gateway checks (API keys, source HEADER). */
export const ORIGIN_KEY_HEADER = 'x-api-key';

export interface OriginLockProps {
  api: apigateway.RestApi;
  /**
   * The generation of the secret CloudFront sends (`originSecret.generation`, default 1). Raising it by one
   * creates a new secret and key, keeps the previous one valid while CloudFront switches, and drops the one
   * before it: zero-downtime rotation in one deploy (docs/security.md).
   */
  generation: number;
}

/**
 * Only CloudFront may call the API. The execute-api endpoint stays on the internet (a REGIONAL API cannot be
 * hidden), so every method requires an API key, and the only holder of a key is the distribution, which
 * sends it as an origin custom header (CloudFront overwrites a viewer's header of the same name). This is
 * AWS's "custom header the origin requires" pattern with API Gateway itself as the checker: it works in every
 * environment, WAF or not. A resource policy cannot do it: its conditions see the caller's IP, VPC or
 * principal, never a header, and CloudFront's addresses are shared by every distribution.
 *
 * The key values are secrets CloudFormation generates in Secrets Manager and resolves at deploy time through
 * dynamic references: the template holds `{{resolve:secretsmanager:…}}`, never the value.
 */
export class OriginLock extends Construct {
  /** A dynamic reference to the current generation's secret: the value CloudFront must send. */
  readonly headerValue: string;
  /** The usage plan keys of the generations that are accepted; CloudFront must not send one before it exists. */
  readonly acceptedKeys: Construct[];

  constructor(scope: Construct, id: string, props: OriginLockProps) {
    super(scope, id);
    const plan = new UsagePlan(this, 'UsagePlan', {
      description: 'CloudFront origin key: the only caller of the API',
      apiStages: [{ api: props.api, stage: props.api.deploymentStage }],
    });
    let current: secretsmanager.Secret | undefined;
    // The previous generation stays accepted while CloudFront's edges move to the current one.
    for (const generation of [props.generation - 1, props.generation].filter((g) => g >= 1)) {
      const secret = new Secret(this, `Secret${generation}`, {
        description: `API key CloudFront sends to the API (origin secret, generation ${generation})`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
        // A key, not data: a later rotation removes it, and destroy removes it with the stack.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by a deploy, not by a rotation Lambda: raising originSecret.generation creates a new secret ' +
          'and API key while the previous one stays valid until CloudFront has switched (docs/security.md).',
      });
      const key = new ApiKey(this, `Key${generation}`, {
        description: `CloudFront origin key, generation ${generation}`,
        value: secret.secretValue.unsafeUnwrap(), // a dynamic reference, resolved by CloudFormation
      });
      plan.addApiKey(key);
      current = secret;
    }
    this.acceptedKeys = plan.node.children.filter((child) =>
      child.node.id.startsWith('UsagePlanKeyResource'),
    );
    this.headerValue = current!.secretValue.unsafeUnwrap();
  }
}
