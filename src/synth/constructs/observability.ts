import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Alias } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';

const { Alarm, ComparisonOperator, TreatMissingData } = requireCdk(
  'aws-cdk-lib/aws-cloudwatch',
) as typeof cloudwatch;
const { SnsAction } = requireCdk('aws-cdk-lib/aws-cloudwatch-actions') as typeof cwActions;
const { Duration } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface ObservabilityProps {
  alias: Alias;
  api: RestApi;
  topic: ITopic;
}

/**
 * The alarms that stop a traffic shift (the CodeDeploy group rolls back when one fires) and mail the owner:
 * any error of the alias `live` or any 5xx of the API stage within a minute.
 */
export class Observability extends Construct {
  readonly aliasErrors: cloudwatch.Alarm;
  readonly api5xx: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    const common = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    this.aliasErrors = new Alarm(this, 'AliasErrors', {
      ...common,
      alarmDescription: 'The Lambda alias live returned errors',
      metric: props.alias.metricErrors({ period, statistic: 'Sum' }),
    });
    this.api5xx = new Alarm(this, 'Api5xx', {
      ...common,
      alarmDescription: 'The API answered 5xx',
      metric: props.api.deploymentStage.metricServerError({ period, statistic: 'Sum' }),
    });
    const notify = new SnsAction(props.topic);
    for (const alarm of [this.aliasErrors, this.api5xx]) alarm.addAlarmAction(notify);
  }
}
