import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as cdk from 'aws-cdk-lib/core';
import type { StackProps } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { securitySettings, securityWarnings } from '../auth/settings.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import { throttlingOf } from '../config/throttling.js';
import { RUNTIME_ENV, type SMOKE_CHECKS, WRITE_AUTH } from '../runtime/contract.js';
import { LIVE_ALIAS, OUTPUTS, type OutputName, PARAMETERS, STACK_TAGS } from '../stack-contract.js';
import { requireCdk } from './cdk-modules.js';
import { Api } from './constructs/api.js';
import { Auth } from './constructs/auth.js';
import { Cdn, VIEWER_ADDRESS_HEADER } from './constructs/cdn.js';
import { Compute } from './constructs/compute.js';
import { Data } from './constructs/data.js';
import { Encryption } from './constructs/encryption.js';
import { Notifications } from './constructs/notifications.js';
import { Observability } from './constructs/observability.js';
import { ORIGIN_KEY_HEADER, OriginLock } from './constructs/origin-lock.js';
import { Release } from './constructs/release.js';
import { SmokeHook } from './constructs/smoke-hook.js';
import { Storage } from './constructs/storage.js';
import { Waf } from './constructs/waf.js';
import { acknowledgeAllowListedWildcards } from './iam-allow-list.js';

const { Code } = requireCdk('aws-cdk-lib/aws-lambda') as typeof lambda;
const { Annotations, CfnCondition, CfnOutput, CfnParameter, Fn, Stack, Tags } = requireCdk(
  'aws-cdk-lib/core',
) as typeof cdk;

/** The Lambda code: a directory holding the bundle, and the handler inside it; and the release's smoke hook. */
export interface HandlerCode {
  directory: string;
  handler: string;
  hook: HookCode;
}

/** The smoke-test hook's bundle (index.mjs, and smoke.mjs when the user has one) and its built-in checks. */
export interface HookCode {
  directory: string;
  checks: (typeof SMOKE_CHECKS)[keyof typeof SMOKE_CHECKS];
}

export interface ServerlessStackProps extends StackProps {
  environment: ResolvedEnvironment;
  code: HandlerCode;
}

export function stackTags(environment: ResolvedEnvironment): Record<string, string> {
  return { ...environment.tags, ...STACK_TAGS, Environment: environment.name };
}

/** The whole serverless API of one environment. Construct ids are part of the logical ids: never rename. */
export class ServerlessStack extends Stack {
  readonly storage: Storage;
  readonly data: Data;
  readonly notifications: Notifications;
  readonly compute: Compute;
  readonly api: Api;
  readonly cdn: Cdn;
  readonly originLock: OriginLock;
  readonly observability: Observability;
  readonly release: Release;
  readonly smokeHook: SmokeHook;
  /** Absent under `auth: none` (never in Production). */
  readonly auth: Auth | undefined;
  /** Absent when WAF is off (the default outside Production). */
  readonly waf: Waf | undefined;

  constructor(scope: Construct, id: string, props: ServerlessStackProps) {
    const env = props.environment;
    const security = securitySettings(env);
    const production = env.name === 'Production';
    super(scope, id, {
      ...props,
      stackName: env.stackName,
      description: `serverless-infra: items API (${env.name})`,
      terminationProtection: production,
      tags: stackTags(env),
    });
    // With explicitStackTags (pinned), stack tags stay on the stack: tag every taggable resource too.
    for (const [key, value] of Object.entries(stackTags(env))) Tags.of(this).add(key, value);
    const retainData = production;

    const liveAliasVersion = new CfnParameter(this, PARAMETERS.liveAliasVersion, {
      type: 'String',
      default: '',
      description:
        'Version the alias live serves now; empty on the first deploy (set by serverless-infra deploy)',
    });
    const isFirstDeploy = new CfnCondition(this, 'IsFirstDeploy', {
      expression: Fn.conditionEquals(liveAliasVersion.valueAsString, ''),
    });

    const encryption = new Encryption(this, 'Encryption', { retainData });
    this.storage = new Storage(this, 'Storage', {
      resourceId: env.resourceId,
      key: encryption.key,
      retainData,
    });
    this.data = new Data(this, 'Data', { retainData });
    this.notifications = new Notifications(this, 'Notifications', { email: env.email, key: encryption.key });
    this.compute = new Compute(this, 'Compute', {
      // Only the bundle: dist/runtime also holds tsc output (contract.js) that the function must not carry.
      code: Code.fromAsset(props.code.directory, { exclude: ['**', '!index.mjs'] }),
      handler: props.code.handler,
      environmentName: env.name,
      key: encryption.key,
      table: this.data.table,
      statusIndexArn: this.data.statusIndexArn,
      bucket: this.storage.bucket,
      topic: this.notifications.topic,
      reservedConcurrency: env.reservedConcurrency,
      liveVersion: { parameter: liveAliasVersion, isFirstDeploy },
      retainData,
    });
    this.auth = security.auth === 'cognito' ? new Auth(this, 'Auth', { production }) : undefined;
    // Defence in depth: the handler itself refuses writes without an authorizer identity (runtime/access.ts).
    this.compute.function.addEnvironment(
      RUNTIME_ENV.writeAuth,
      this.auth ? WRITE_AUTH.required : WRITE_AUTH.none,
    );
    this.api = new Api(this, 'Api', {
      handler: this.compute.alias,
      throttling: throttlingOf(env),
      retainData,
      writeAuthorizer: this.auth?.authorizer,
      firewall: security.waf.enabled,
    });
    this.originLock = new OriginLock(this, 'OriginLock', {
      api: this.api.api,
      generation: env.originSecret?.generation ?? 1,
    });
    this.waf = security.waf.enabled
      ? new Waf(this, 'Waf', {
          stage: this.api.api.deploymentStage,
          rateLimit: security.waf.rateLimit,
          viewerAddressHeader: VIEWER_ADDRESS_HEADER,
        })
      : undefined;
    this.cdn = new Cdn(this, 'Cdn', {
      api: this.api.api,
      logsBucket: this.storage.logsBucket,
      geoAllowList: env.geoAllowList,
      customDomain: security.customDomain,
      firewallOnOrigin: security.waf.enabled,
      originKey: {
        header: ORIGIN_KEY_HEADER,
        value: this.originLock.headerValue,
        acceptedKeys: this.originLock.acceptedKeys,
      },
    });
    this.observability = new Observability(this, 'Observability', {
      alias: this.compute.alias,
      api: this.api.api,
      topic: this.notifications.topic,
    });
    this.release = new Release(this, 'Release', {
      alias: this.compute.alias,
      releaseConfig: env.releaseStrategy,
      alarms: [this.observability.aliasErrors, this.observability.api5xx],
    });
    this.smokeHook = new SmokeHook(this, 'SmokeHook', {
      code: Code.fromAsset(props.code.hook.directory, { exclude: ['**', '!index.mjs', '!smoke.mjs'] }),
      checks: props.code.hook.checks,
      target: this.compute.function,
      deploymentGroup: this.release.deploymentGroup,
      codeDeployRole: this.release.serviceRole,
      retainData,
    });

    this.addOutputs();
    // synth and deploy print construct warnings: open writes or no WAF in Production never pass unnoticed.
    for (const [index, warning] of securityWarnings(env).entries()) {
      Annotations.of(this).addWarningV2(`serverless-infra:security-${index}`, warning);
    }
    // After every construct (and any extension, e.g. auth/WAF) has added its statements.
    this.node.addValidation({
      validate: () => {
        acknowledgeAllowListedWildcards(this);
        return [];
      },
    });
  }

  /** The stack's interface to deploy, release, auth and status (src/stack-contract.ts). */
  private addOutputs(): void {
    const outputs: Partial<Record<OutputName, string>> = {
      apiUrl: this.api.url,
      cloudFrontUrl: this.cdn.url,
      distributionId: this.cdn.distribution.distributionId,
      tableName: this.data.table.tableName,
      bucketName: this.storage.bucket.bucketName,
      logsBucketName: this.storage.logsBucket.bucketName,
      topicArn: this.notifications.topic.topicArn,
      functionName: this.compute.function.functionName,
      aliasName: LIVE_ALIAS,
      aliasArn: this.compute.alias.functionArn,
      newVersion: this.compute.function.currentVersion.version,
      codeDeployApplication: this.release.application.applicationName,
      codeDeployDeploymentGroup: this.release.deploymentGroup.deploymentGroupName,
      logGroupName: this.compute.logGroup.logGroupName,
      smokeHookFunctionName: this.smokeHook.function.functionName,
      smokeHookLogGroupName: this.smokeHook.logGroup.logGroupName,
      // Read by `serverless-infra user add` and `token` (absent under `auth: none`).
      ...(this.auth
        ? { userPoolId: this.auth.userPool.userPoolId, userPoolClientId: this.auth.client.userPoolClientId }
        : {}),
    };
    for (const [name, value] of Object.entries(outputs)) {
      new CfnOutput(this, OUTPUTS[name as OutputName], { value });
    }
  }
}
