import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { SMOKE_HOOK_ENV } from '../../runtime/contract.js';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { Policy, PolicyStatement, Role, ServicePrincipal } = requireCdk('aws-cdk-lib/aws-iam') as typeof iam;
const { Function: LambdaFunction, Runtime } = requireCdk('aws-cdk-lib/aws-lambda') as typeof lambda;
const { LogGroup, RetentionDays } = requireCdk('aws-cdk-lib/aws-logs') as typeof logs;
const { Duration } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface SmokeHookProps {
  /** The hook's bundle (src/runtime/smoke-hook.ts, plus the user's smoke.mjs when there is one). */
  code: Code;
  /** SMOKE_CHECKS: the items API's checks or, with the user's own handler, "GET /items is not 5xx". */
  checks: string;
  /** The function whose versions the hook invokes. */
  target: lambda.IFunction;
  deploymentGroup: codedeploy.ILambdaDeploymentGroup;
  /** CodeDeploy's service role for the group: it invokes the hook. */
  codeDeployRole: iam.IRole;
  retainData: boolean;
}

/**
 * The release's smoke test: a CodeDeploy lifecycle hook function that `shift` names in the AppSpec as
 * BeforeAllowTraffic and AfterAllowTraffic (docs/release.md). Least privilege: it may invoke only this
 * function's versions, read only this group's deployment targets and report only to this group.
 */
export class SmokeHook extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SmokeHookProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: removalPolicyFor(props.retainData),
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'serverless-infra release smoke test (CodeDeploy lifecycle hook)',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'InvokeTheVersions',
        actions: ['lambda:InvokeFunction'],
        // A version's ARN is the function's ARN with `:<number>`: the target is known only at shift time.
        resources: [`${props.target.functionArn}:*`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReportToTheGroup',
        // Scoped to this group, as AWS's SAM guide scopes a hook's PutLifecycleEventHookExecutionStatus
        // (deploymentgroup ARNs). NOT verified on AWS: a generated copy of the Service Authorization Reference
        // lists no resource type for these three (then only "*" would grant them, and the hook, denied, would
        // fail the shift closed). docs/release.md, "The smoke test".
        actions: [
          'codedeploy:ListDeploymentTargets',
          'codedeploy:GetDeploymentTarget',
          'codedeploy:PutLifecycleEventHookExecutionStatus',
        ],
        resources: [props.deploymentGroup.deploymentGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'OwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new LambdaFunction(this, 'Function', {
      runtime: Runtime.NODEJS_24_X,
      code: props.code,
      handler: 'index.handler',
      role,
      memorySize: 256,
      // The target's timeout is 30 s: two invocations (a cold start each) and the report fit in 2 minutes.
      timeout: Duration.minutes(2),
      logGroup: this.logGroup,
      environment: {
        [SMOKE_HOOK_ENV.targetFunction]: props.target.functionName,
        [SMOKE_HOOK_ENV.checks]: props.checks,
      },
    });
    // CodeDeploy invokes the hook with its service role (AWSCodeDeployRoleForLambdaLimited would allow only
    // functions named CodeDeployHook_*). A policy of its own, not inline in the role: the group depends on
    // the role, the hook's role on the group.
    new Policy(this, 'CodeDeployInvokesHook', {
      roles: [props.codeDeployRole],
      statements: [
        new PolicyStatement({
          sid: 'InvokeTheSmokeHook',
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.functionArn],
        }),
      ],
    });
  }
}
