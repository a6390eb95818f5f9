import {
  App,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  type CfnResource,
  CliCredentialsStackSynthesizer,
  Fn,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Alias, type CfnAlias, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';

/**
 * A small stack shaped like the product's (D5): a function with a retained version, an alias `live`
 * whose version is Fn::If on a parameter, a CodeDeploy group with an alarm, a bucket, a table, a topic,
 * outputs through Ref/GetAtt/Join/Sub. `code` changes the function's code (a new version).
 */
export interface FixtureOptions {
  stackName?: string;
  code?: string;
  bucketName?: string;
  extraTopic?: boolean;
}

const synthesized = new Map<string, Record<string, unknown>>();

/** Synthesizes once per distinct options (a synth costs ~1 s). */
export function fixtureTemplate(options: FixtureOptions = {}): Record<string, unknown> {
  const key = JSON.stringify(options);
  const cached = synthesized.get(key);
  if (cached) return structuredClone(cached);
  const template = synthesizeFixture(options);
  synthesized.set(key, template);
  return structuredClone(template);
}

function synthesizeFixture(options: FixtureOptions): Record<string, unknown> {
  const app = new App();
  const stack = new Stack(app, options.stackName ?? 'FixtureStack', {
    synthesizer: new CliCredentialsStackSynthesizer(),
  });
  const liveVersion = new CfnParameter(stack, 'LiveAliasVersion', { type: 'String', default: '' });
  const first = new CfnCondition(stack, 'FirstDeploy', {
    expression: Fn.conditionEquals(liveVersion.valueAsString, ''),
  });

  const fn = new LambdaFunction(stack, 'Handler', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline(options.code ?? 'exports.handler = async () => ({ statusCode: 200 });'),
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
  });
  const version = fn.currentVersion;
  const alias = new Alias(stack, 'Live', { aliasName: 'live', version });
  const cfnAlias = alias.node.defaultChild as CfnAlias;
  cfnAlias.addPropertyOverride(
    'FunctionVersion',
    Fn.conditionIf(first.logicalId, version.version, liveVersion.valueAsString),
  );

  const errors = new Alarm(stack, 'AliasErrors', {
    metric: alias.metricErrors(),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  const application = new LambdaApplication(stack, 'Release');
  const group = new LambdaDeploymentGroup(stack, 'ReleaseGroup', {
    application,
    alias,
    deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
    alarms: [errors],
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
  });
  // D5: the release is the CLI's, not the stack update's.
  (alias.node.defaultChild as CfnResource).cfnOptions.updatePolicy = undefined;

  const bucket = new Bucket(stack, 'Storage', {
    ...(options.bucketName ? { bucketName: options.bucketName } : {}),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const table = new Table(stack, 'Items', {
    partitionKey: { name: 'id', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  table.addGlobalSecondaryIndex({
    indexName: 'byStatus',
    partitionKey: { name: 'status', type: AttributeType.STRING },
    sortKey: { name: 'createdAt', type: AttributeType.STRING },
  });
  const topic = new Topic(stack, 'Notifications');
  if (options.extraTopic) new Topic(stack, 'Extra');

  new CfnOutput(stack, 'FunctionName', { value: fn.functionName });
  new CfnOutput(stack, 'AliasArn', { value: alias.functionArn });
  new CfnOutput(stack, 'NewVersion', { value: version.version });
  new CfnOutput(stack, 'BucketName', { value: bucket.bucketName });
  new CfnOutput(stack, 'BucketUrl', {
    value: Fn.join('', ['https://', bucket.bucketRegionalDomainName, '/']),
  });
  new CfnOutput(stack, 'TableName', { value: table.tableName });
  new CfnOutput(stack, 'TopicArn', { value: topic.topicArn });
  new CfnOutput(stack, 'CodeDeployApplication', { value: application.applicationName });
  new CfnOutput(stack, 'CodeDeployDeploymentGroup', { value: group.deploymentGroupName });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax, not a JS template
  new CfnOutput(stack, 'Where', { value: Fn.sub('${AWS::StackName} in ${AWS::Region}:${AWS::AccountId}') });
  return app.synth().getStackByName(stack.stackName).template;
}
