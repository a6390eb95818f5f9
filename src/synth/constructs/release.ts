import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Alias, CfnAlias } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';

const { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } = requireCdk(
  'aws-cdk-lib/aws-codedeploy',
) as typeof codedeploy;
const { PolicyDocument, PolicyStatement, Role, ServicePrincipal } = requireCdk(
  'aws-cdk-lib/aws-iam',
) as typeof iam;

export interface ReleaseProps {
  alias: Alias;
  /** CodeDeploy predefined Lambda config, without the `CodeDeployDefault.` prefix. */
  releaseConfig: string;
  /** Any of these in ALARM stops a shift and rolls it back. */
  alarms: IAlarm[];
}

/**
 * The CodeDeploy application and deployment group that `shift` uses to move the alias `live` (DESIGN D5).
 * The stack update never shifts traffic: the CodeDeployLambdaAliasUpdate policy that LambdaDeploymentGroup
 * puts on the alias is removed again.
 */
export class Release extends Construct {
  readonly application: codedeploy.LambdaApplication;
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** CodeDeploy's service role for the group (the smoke hook lets it invoke the hook function). */
  readonly serviceRole: iam.Role;

  constructor(scope: Construct, id: string, props: ReleaseProps) {
    super(scope, id);
    const aliasArn = props.alias.functionArn;

    // What AWSCodeDeployRoleForLambdaLimited grants, narrowed to this alias and these alarms.
    const role = new Role(this, 'ServiceRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'CodeDeploy: shifts the alias live of the items API',
      inlinePolicies: {
        ShiftLiveAlias: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'MoveTheAlias',
              actions: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
              resources: [aliasArn],
            }),
            new PolicyStatement({
              sid: 'WatchTheAlarms',
              actions: ['cloudwatch:DescribeAlarms'],
              resources: props.alarms.map((alarm) => alarm.alarmArn),
            }),
          ],
        }),
      },
    });
    this.serviceRole = role;

    this.application = new LambdaApplication(this, 'Application');
    this.deploymentGroup = new LambdaDeploymentGroup(this, 'DeploymentGroup', {
      application: this.application,
      alias: props.alias,
      // LambdaDeploymentGroup attaches the managed AWSCodeDeployRoleForLambdaLimited to its role: an
      // immutable view of ours turns that into a no-op and keeps only the scoped inline policy.
      role: role.withoutPolicyUpdates(),
      deploymentConfig: LambdaDeploymentConfig.fromLambdaDeploymentConfigName(
        this,
        'Config',
        `CodeDeployDefault.${props.releaseConfig}`,
      ),
      alarms: props.alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });

    const cfnAlias = props.alias.node.defaultChild as CfnAlias;
    cfnAlias.cfnOptions.updatePolicy = undefined;
  }
}
