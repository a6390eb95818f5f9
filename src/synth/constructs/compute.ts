import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { CfnAlias, Code } from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type * as cdk from 'aws-cdk-lib/core';
import type { CfnCondition, CfnParameter } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { CORS, METADATA_PREFIX, RUNTIME_ENV, TABLE_KEYS } from '../../runtime/contract.js';
import { LIVE_ALIAS } from '../../stack-contract.js';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { PolicyStatement, Role, ServicePrincipal } = requireCdk('aws-cdk-lib/aws-iam') as typeof iam;
const {
  Alias,
  Function: LambdaFunction,
  Runtime,
  Tracing,
} = requireCdk('aws-cdk-lib/aws-lambda') as typeof lambda;
const { LogGroup, RetentionDays } = requireCdk('aws-cdk-lib/aws-logs') as typeof logs;
const { Duration, Fn, RemovalPolicy } = requireCdk('aws-cdk-lib/core') as typeof cdk;

export interface ComputeProps {
  /** The handler's code asset and entry (`index.handler`): the built-in bundle or the user's. */
  code: Code;
  handler: string;
  environmentName: string;
  key: IKey;
  table: ITable;
  statusIndexArn: string;
  bucket: IBucket;
  topic: ITopic;
  /** Only when the project file sets it: a reservation fails in accounts with a small concurrency quota. */
  reservedConcurrency?: number | undefined;
  /** The version the alias serves now (stack parameter) and the condition "none yet: serve the new one". */
  liveVersion: { parameter: CfnParameter; isFirstDeploy: CfnCondition };
  retainData: boolean;
}

/**
 * The function, the version this deploy publishes (retained, so the alias can keep serving an older one),
 * and the alias `live` that API Gateway invokes. The alias moves only through CodeDeploy (`shift`), never
 * through the stack update: its version is the LiveAliasVersion parameter (DESIGN D5).
 */
export class Compute extends Construct {
  readonly function: lambda.Function;
  readonly alias: lambda.Alias;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: removalPolicyFor(props.retainData),
    });

    // Our own role: no AWS managed policy, exactly the statements the handler needs.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'serverless-infra items API handler',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ItemsTable',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [props.table.tableArn, props.statusIndexArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ItemMetadataObjects',
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [props.bucket.arnForObjects(`${METADATA_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
    );
    // The bucket and the topic are encrypted with the customer key: writing to them needs a data key.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'CustomerKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
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
      handler: props.handler,
      role,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      environmentEncryption: props.key,
      environment: {
        [RUNTIME_ENV.tableName]: props.table.tableName,
        [RUNTIME_ENV.statusIndex]: TABLE_KEYS.statusIndex.name,
        [RUNTIME_ENV.bucketName]: props.bucket.bucketName,
        [RUNTIME_ENV.topicArn]: props.topic.topicArn,
        [RUNTIME_ENV.environment]: props.environmentName,
        [RUNTIME_ENV.corsAllowOrigin]: CORS.allowOrigin,
      },
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      // A code change must not delete the version the alias may still serve.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });

    const newVersion = this.function.currentVersion;
    this.alias = new Alias(this, 'LiveAlias', { aliasName: LIVE_ALIAS, version: newVersion });
    const cfnAlias = this.alias.node.defaultChild as CfnAlias;
    cfnAlias.functionVersion = Fn.conditionIf(
      props.liveVersion.isFirstDeploy.logicalId,
      newVersion.version,
      props.liveVersion.parameter.valueAsString,
    ).toString();
  }
}
