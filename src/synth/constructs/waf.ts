import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
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
}

/**
 * A REGIONAL web ACL on the API stage, in this stack and region (a CLOUDFRONT-scope ACL must live in
 * us-east-1, i.e. a second stack: see docs/security.md). Every request CloudFront does not answer from
 * its cache reaches the stage, and the ones it answers are cached GETs.
 *
 * Behind CloudFront, the stage sees CloudFront's addresses, not the viewer's: the rate rule aggregates on
 * the client IP CloudFront puts in X-Forwarded-For. A request with no valid address there did not come
 * through CloudFront and is blocked.
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
      rules: [
        {
          name: WAF_RULES.rateLimit,
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimit,
              evaluationWindowSec: 300,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
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
