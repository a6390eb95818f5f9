import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { CORS } from '../../runtime/contract.js';
import { requireCdk } from '../cdk-modules.js';

const { CfnWebACL, CfnWebACLAssociation } = requireCdk('aws-cdk-lib/aws-wafv2') as typeof wafv2;

/** WAF rule names (also their CloudWatch metric names). */
export const WAF_RULES = {
  rateLimit: 'RateLimitPerClientIp',
  common: 'AWSManagedRulesCommonRuleSet',
  knownBadInputs: 'AWSManagedRulesKnownBadInputsRuleSet',
} as const;

export interface WafProps {
  /** The API stage every request reaches, through CloudFront or not. */
  stage: Stage;
  /** Requests one client IP may send in any 5-minute window. */
  rateLimit: number;
  /** The header CloudFront sets to the viewer's address (Cdn's VIEWER_ADDRESS_HEADER). */
  viewerAddressHeader: string;
}

/** The body of the rate rule's 429 (custom response bodies are defined once per web ACL). */
const TOO_MANY_REQUESTS_BODY = 'TooManyRequests';

/**
 * A REGIONAL web ACL on the API stage, in this stack and region (a CLOUDFRONT-scope ACL must live in
 * us-east-1, i.e. a second stack: see docs/security.md). Every request CloudFront does not answer from
 * its cache reaches the stage, and the ones it answers are cached GETs.
 *
 * Behind CloudFront, the stage sees CloudFront's addresses, not the viewer's: the rate rule aggregates on
 * the viewer's address, which a CloudFront function writes into its own header (the viewer cannot set it:
 * the function overwrites it). Requests that skip CloudFront never get past API Gateway (OriginLock).
 * The rate rule answers 429 with CORS headers; blocks by the managed rule groups are API Gateway's
 * WAF_FILTERED 403, which the DEFAULT_4XX gateway response gives CORS headers (the Api construct).
 */
export class Waf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (
      name: string,
      priority: number,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(ruleActionOverrides ? { ruleActionOverrides } : {}),
        },
      },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'serverless-infra API: per-client rate limit and AWS managed rule groups',
      visibilityConfig: visibility('ServerlessInfraApi'),
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ message: 'Too Many Requests' }),
        },
      },
      rules: [
        {
          name: WAF_RULES.rateLimit,
          priority: 0,
          // A custom response takes precedence over API Gateway's gateway responses: give it CORS itself.
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: TOO_MANY_REQUESTS_BODY,
                responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: CORS.allowOrigin }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimit,
              evaluationWindowSec: 300,
              aggregateKeyType: 'FORWARDED_IP',
              // An invalid address in the header counts as a match; a missing header skips the rule (AWS
              // WAF's documented behaviour) but only CloudFront reaches the API, and it always sets it.
              forwardedIpConfig: { headerName: props.viewerAddressHeader, fallbackBehavior: 'MATCH' },
            },
          },
          visibilityConfig: visibility(WAF_RULES.rateLimit),
        },
        // The common set blocks bodies over 8 KB; the handler takes up to 16 KiB and answers 413 beyond.
        managed(WAF_RULES.common, 1, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(WAF_RULES.knownBadInputs, 2),
      ],
    });

    const association = new CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    association.node.addDependency(props.stage);
  }
}
