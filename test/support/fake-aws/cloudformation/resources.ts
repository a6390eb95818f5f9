import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { CodeDeployService } from '../codedeploy.js';
import type { LambdaService } from '../lambda.js';
import type { Json } from './template.js';

/**
 * What creating, updating and deleting a resource does. Lambda and CodeDeploy resources materialize in
 * the fake's own Lambda/CodeDeploy state; buckets, tables, topics and alarms are created in moto (so the
 * handler's stores and alarm-driven rollback are real); every other type gets a plausible physical id
 * and attributes and exists only in the stack.
 */
export interface ProvisionContext {
  stackName: string;
  region: string;
  accountId: string;
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  moto: MotoClients;
  /** Buckets a Custom::S3AutoDeleteObjects resource of the stack empties before they are deleted. */
  autoDeleteBuckets: Set<string>;
}

export interface Provisioned {
  physicalId: string;
  attributes: Record<string, Json>;
}

export interface MotoClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  cloudwatch: CloudWatchClient;
}

export function motoClients(endpoint: string, region: string): MotoClients {
  const config = {
    endpoint,
    region,
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    maxAttempts: 3,
  };
  return {
    s3: new S3Client({ ...config, forcePathStyle: true }),
    dynamodb: new DynamoDBClient(config),
    sns: new SNSClient(config),
    cloudwatch: new CloudWatchClient(config),
  };
}

/** A resource operation that failed: the reason shows in the resource's *_FAILED event. */
export class ResourceFailure extends Error {}

/** Properties whose change replaces the resource ('*': any change does). */
const IMMUTABLE: Record<string, string[] | '*'> = {
  'AWS::S3::Bucket': ['BucketName', 'ObjectLockEnabled'],
  'AWS::S3::BucketPolicy': ['Bucket'],
  'AWS::DynamoDB::Table': ['TableName', 'KeySchema', 'LocalSecondaryIndexes'],
  'AWS::Lambda::Function': ['FunctionName', 'PackageType'],
  'AWS::Lambda::Version': '*',
  'AWS::Lambda::Alias': ['FunctionName', 'Name'],
  'AWS::Lambda::Permission': '*',
  'AWS::CodeDeploy::Application': ['ApplicationName', 'ComputePlatform'],
  'AWS::CodeDeploy::DeploymentGroup': ['ApplicationName', 'DeploymentGroupName'],
  'AWS::SNS::Topic': ['TopicName', 'FifoTopic'],
  'AWS::SNS::Subscription': ['Endpoint', 'Protocol', 'TopicArn'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::ApiGateway::Resource': ['ParentId', 'PathPart', 'RestApiId'],
  'AWS::ApiGateway::Method': ['RestApiId', 'ResourceId'],
  'AWS::ApiGateway::Deployment': ['RestApiId'],
  'AWS::ApiGateway::Stage': ['RestApiId', 'StageName'],
  'AWS::ApiGateway::Account': [],
};

/** Properties that, when they change, replace the resource (name: which ones; '*' means all). */
export function replacingProperties(type: string, changed: string[]): string[] {
  const immutable = IMMUTABLE[type] ?? [];
  if (immutable === '*') return changed;
  return changed.filter((name) => immutable.includes(name));
}

/** CloudFormation cannot replace a resource whose name the template fixes. */
export const CUSTOM_NAME: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
};

const alphanumeric = (length: number, lower = false) => {
  const chars = lower ? 'abcdefghijklmnopqrstuvwxyz0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(length)].map((byte) => chars[byte % chars.length]).join('');
};

/** CloudFormation's generated names: <stack>-<logicalId>-<random>, shortened to fit the type's limit. */
export function generatedName(stackName: string, logicalId: string, max: number, lower = false): string {
  const suffix = alphanumeric(lower ? 12 : 13, lower);
  const room = max - suffix.length - 2;
  const stackPart = stackName.slice(0, Math.floor(room / 2));
  const idPart = logicalId.slice(0, room - stackPart.length);
  const name = `${stackPart}-${idPart}-${suffix}`;
  return lower ? name.toLowerCase().replace(/[^a-z0-9.-]/g, '') : name;
}

export async function createResource(
  ctx: ProvisionContext,
  logicalId: string,
  type: string,
  props: Record<string, Json>,
  previous?: Provisioned,
): Promise<Provisioned> {
  const { region, accountId, stackName } = ctx;
  const arn = (service: string, resource: string, withRegion = true) =>
    `arn:aws:${service}:${withRegion ? region : ''}:${service === 's3' ? '' : accountId}:${resource}`;
  const name = (key: string, max: number, lower = false) =>
    (props[key] as string | undefined) ?? generatedName(stackName, logicalId, max, lower);

  switch (type) {
    case 'AWS::S3::Bucket': {
      const bucket = name('BucketName', 63, true);
      await moto(() =>
        ctx.moto.s3.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
          }),
        ),
      );
      return {
        physicalId: bucket,
        attributes: {
          Arn: `arn:aws:s3:::${bucket}`,
          DomainName: `${bucket}.s3.amazonaws.com`,
          RegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          DualStackDomainName: `${bucket}.s3.dualstack.${region}.amazonaws.com`,
          WebsiteURL: `http://${bucket}.s3-website-${region}.amazonaws.com`,
        },
      };
    }
    case 'AWS::DynamoDB::Table': {
      const table = name('TableName', 255);
      await moto(() => ctx.moto.dynamodb.send(new CreateTableCommand(tableInput(table, props))));
      return {
        physicalId: table,
        attributes: {
          Arn: arn('dynamodb', `table/${table}`),
          StreamArn: arn('dynamodb', `table/${table}/stream/${new Date().toISOString()}`),
        },
      };
    }
    case 'AWS::SNS::Topic': {
      const topic = name('TopicName', 256);
      const answer = await moto(() => ctx.moto.sns.send(new CreateTopicCommand({ Name: topic })));
      const topicArn = answer.TopicArn ?? arn('sns', topic);
      return { physicalId: topicArn, attributes: { TopicArn: topicArn, TopicName: topic } };
    }
    case 'AWS::CloudWatch::Alarm': {
      const alarm = name('AlarmName', 255);
      // Best effort: moto does not take every alarm shape (metric math); the alarm exists in the stack anyway.
      await ctx.moto.cloudwatch
        .send(new PutMetricAlarmCommand(alarmInput(alarm, props)))
        .catch(() => undefined);
      return { physicalId: alarm, attributes: { Arn: arn('cloudwatch', `alarm:${alarm}`) } };
    }
    case 'AWS::Lambda::Function': {
      const functionName =
        previous?.physicalId && !props.FunctionName ? previous.physicalId : name('FunctionName', 64);
      const code = await functionCode(ctx, props.Code ?? {});
      const config = ctx.lambda.putFunction({
        FunctionName: functionName,
        Role: props.Role,
        Runtime: props.Runtime,
        Handler: props.Handler,
        Description: props.Description,
        Timeout: props.Timeout,
        MemorySize: props.MemorySize,
        Environment: props.Environment,
        TracingConfig: props.TracingConfig,
        Architectures: props.Architectures,
        ReservedConcurrentExecutions:
          props.ReservedConcurrentExecutions === undefined
            ? undefined
            : Number(props.ReservedConcurrentExecutions),
        Tags: Object.fromEntries(
          ((props.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]),
        ),
        code,
      });
      return { physicalId: functionName, attributes: { Arn: config.FunctionArn } };
    }
    case 'AWS::Lambda::Version': {
      const fn = String(props.FunctionName);
      try {
        const version = ctx.lambda.publishVersion(fn, props.Description);
        return {
          physicalId: version.FunctionArn,
          attributes: { Version: version.Version, FunctionArn: version.FunctionArn },
        };
      } catch (error) {
        throw new ResourceFailure((error as Error).message);
      }
    }
    case 'AWS::Lambda::Alias': {
      try {
        const alias = ctx.lambda.putAlias(String(props.FunctionName), String(props.Name), {
          FunctionVersion: String(props.FunctionVersion),
          Description: props.Description,
          RoutingConfig: routing(props.RoutingConfig),
        });
        return { physicalId: alias.AliasArn, attributes: { AliasArn: alias.AliasArn } };
      } catch (error) {
        throw new ResourceFailure((error as Error).message);
      }
    }
    case 'AWS::CodeDeploy::Application': {
      const app = name('ApplicationName', 100);
      ctx.codedeploy.putApplication(app, props.ComputePlatform ?? 'Server');
      return { physicalId: app, attributes: {} };
    }
    case 'AWS::CodeDeploy::DeploymentGroup': {
      const group =
        previous?.physicalId && !props.DeploymentGroupName
          ? previous.physicalId
          : name('DeploymentGroupName', 100);
      try {
        ctx.codedeploy.putDeploymentGroup({
          applicationName: String(props.ApplicationName),
          deploymentGroupName: group,
          deploymentConfigName: props.DeploymentConfigName,
          serviceRoleArn: props.ServiceRoleArn,
          alarms: ((props.AlarmConfiguration?.Alarms ?? []) as { Name: string }[]).map((a) => a.Name),
          alarmsEnabled:
            props.AlarmConfiguration?.Enabled === undefined
              ? undefined
              : String(props.AlarmConfiguration.Enabled) === 'true',
          ignorePollAlarmFailure: String(props.AlarmConfiguration?.IgnorePollAlarmFailure) === 'true',
          autoRollback: props.AutoRollbackConfiguration
            ? {
                enabled: String(props.AutoRollbackConfiguration.Enabled) === 'true',
                events: props.AutoRollbackConfiguration.Events ?? [],
              }
            : undefined,
        });
      } catch (error) {
        throw new ResourceFailure((error as Error).message);
      }
      return { physicalId: group, attributes: {} };
    }
    case 'AWS::IAM::Role': {
      const role = name('RoleName', 64);
      return {
        physicalId: role,
        attributes: {
          Arn: `arn:aws:iam::${accountId}:role${props.Path ?? '/'}${role}`,
          RoleId: `AROA${alphanumeric(17)}`,
        },
      };
    }
    case 'AWS::KMS::Key': {
      const id = randomUUID();
      return { physicalId: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
    }
    case 'AWS::Logs::LogGroup': {
      const group = name('LogGroupName', 512);
      return { physicalId: group, attributes: { Arn: arn('logs', `log-group:${group}:*`) } };
    }
    case 'AWS::ApiGateway::RestApi': {
      const id = alphanumeric(10, true);
      return { physicalId: id, attributes: { RestApiId: id, RootResourceId: alphanumeric(10, true) } };
    }
    case 'AWS::ApiGateway::Resource':
      return { physicalId: alphanumeric(6, true), attributes: {} };
    case 'AWS::ApiGateway::Deployment': {
      const id = alphanumeric(6, true);
      return { physicalId: id, attributes: { DeploymentId: id } };
    }
    case 'AWS::ApiGateway::Stage':
      return {
        physicalId: String(props.StageName ?? generatedName(stackName, logicalId, 64)),
        attributes: {},
      };
    case 'AWS::CloudFront::Distribution': {
      const id = `E${alphanumeric(13)}`;
      return {
        physicalId: id,
        attributes: { Id: id, DomainName: `d${alphanumeric(13, true)}.cloudfront.net` },
      };
    }
    case 'AWS::SNS::Subscription':
      return { physicalId: `${props.TopicArn}:${randomUUID()}`, attributes: {} };
    default:
      return genericResource(ctx, logicalId, type, props);
  }
}

/** An update in place: only resources whose state lives somewhere (Lambda, CodeDeploy) change it. */
export async function updateResource(
  ctx: ProvisionContext,
  logicalId: string,
  type: string,
  props: Record<string, Json>,
  current: Provisioned,
): Promise<Provisioned> {
  switch (type) {
    case 'AWS::Lambda::Function':
    case 'AWS::Lambda::Alias':
    case 'AWS::CodeDeploy::DeploymentGroup':
      return createResource(ctx, logicalId, type, props, current);
    case 'AWS::CodeDeploy::Application':
      return current;
    default:
      return { physicalId: current.physicalId, attributes: current.attributes };
  }
}

export async function deleteResource(
  ctx: ProvisionContext,
  type: string,
  physicalId: string,
  props: Record<string, Json>,
): Promise<void> {
  switch (type) {
    case 'AWS::S3::Bucket':
      if (ctx.autoDeleteBuckets.has(physicalId)) await emptyBucket(ctx.moto.s3, physicalId);
      await ctx.moto.s3.send(new DeleteBucketCommand({ Bucket: physicalId })).catch((error: Error) => {
        if (error.name === 'BucketNotEmpty') {
          throw new ResourceFailure(
            `The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: ${randomUUID()})`,
          );
        }
      });
      return;
    case 'AWS::DynamoDB::Table':
      await ctx.moto.dynamodb.send(new DeleteTableCommand({ TableName: physicalId })).catch(() => undefined);
      return;
    case 'AWS::SNS::Topic':
      await ctx.moto.sns.send(new DeleteTopicCommand({ TopicArn: physicalId })).catch(() => undefined);
      return;
    case 'AWS::CloudWatch::Alarm':
      await ctx.moto.cloudwatch
        .send(new DeleteAlarmsCommand({ AlarmNames: [physicalId] }))
        .catch(() => undefined);
      return;
    case 'AWS::Lambda::Function':
      ctx.lambda.deleteFunction(physicalId);
      return;
    case 'AWS::Lambda::Version': {
      const [fn, version] = [physicalId.split(':')[6] as string, physicalId.split(':')[7] as string];
      ctx.lambda.deleteVersion(fn, version);
      return;
    }
    case 'AWS::Lambda::Alias':
      ctx.lambda.deleteAlias(String(props.FunctionName), String(props.Name));
      return;
    case 'AWS::CodeDeploy::Application':
      ctx.codedeploy.deleteApplication(physicalId);
      return;
    case 'AWS::CodeDeploy::DeploymentGroup':
      ctx.codedeploy.deleteDeploymentGroup(String(props.ApplicationName), physicalId);
      return;
  }
}

function genericResource(
  ctx: ProvisionContext,
  logicalId: string,
  type: string,
  props: Record<string, Json>,
): Provisioned {
  const [, service = 'custom', kind = 'resource'] = type.toLowerCase().split('::');
  const physicalId =
    type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource'
      ? `${ctx.stackName}-${logicalId}-${alphanumeric(12)}`
      : generatedName(ctx.stackName, logicalId, 128);
  const attributes = new Proxy({} as Record<string, Json>, {
    // Any attribute a template asks of a type the fake does not model gets a plausible value.
    get: (_target, attribute: string) => {
      if (attribute === 'Arn' || attribute.endsWith('Arn')) {
        return `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${kind}/${physicalId}`;
      }
      if (attribute.endsWith('Id')) return physicalId;
      if (attribute.endsWith('Name')) return physicalId;
      if (attribute.endsWith('DomainName') || attribute.endsWith('Url'))
        return `${physicalId.toLowerCase()}.${service}.amazonaws.com`;
      return `${physicalId}.${attribute}`;
    },
  });
  void props;
  return { physicalId, attributes };
}

async function moto<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    if (/AlreadyExists|AlreadyOwnedByYou|ResourceInUse/.test(e.name)) {
      throw new ResourceFailure(`Resource of this name already exists (${e.name}: ${e.message})`);
    }
    throw new ResourceFailure(`${e.name}: ${e.message}`);
  }
}

async function functionCode(ctx: ProvisionContext, code: Json): Promise<{ sha256: string; size: number }> {
  if (code.ZipFile !== undefined) {
    const bytes = Buffer.from(String(code.ZipFile));
    return { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
  }
  if (code.S3Bucket && code.S3Key) {
    try {
      const object = await ctx.moto.s3.send(new GetObjectCommand({ Bucket: code.S3Bucket, Key: code.S3Key }));
      const bytes = Buffer.from(
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      return { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length };
    } catch (error) {
      const e = error as Error;
      throw new ResourceFailure(
        `Resource handler returned message: "Error occurred while GetObject. S3 Error Code: ${e.name}. S3 Error Message: ${e.message}" (RequestToken: ${randomUUID()}, HandlerErrorCode: InvalidRequest)`,
      );
    }
  }
  if (code.ImageUri)
    return { sha256: createHash('sha256').update(String(code.ImageUri)).digest('base64'), size: 0 };
  throw new ResourceFailure(
    'Properties validation failed for resource: Code must have ZipFile, S3Bucket/S3Key or ImageUri',
  );
}

function routing(config: Json): { AdditionalVersionWeights: Record<string, number> } | null {
  const weights = (config?.AdditionalVersionWeights ?? []) as {
    FunctionVersion: string;
    FunctionWeight: Json;
  }[];
  if (weights.length === 0) return null;
  return {
    AdditionalVersionWeights: Object.fromEntries(
      weights.map((w) => [String(w.FunctionVersion), Number(w.FunctionWeight)]),
    ),
  };
}

function tableInput(name: string, props: Json) {
  const payPerRequest = props.BillingMode === 'PAY_PER_REQUEST';
  const throughput = (p: Json) =>
    payPerRequest
      ? undefined
      : {
          ReadCapacityUnits: Number(p?.ReadCapacityUnits ?? 5),
          WriteCapacityUnits: Number(p?.WriteCapacityUnits ?? 5),
        };
  return {
    TableName: name,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: payPerRequest ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ProvisionedThroughput: throughput(props.ProvisionedThroughput),
    GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as Json[] | undefined)?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ProvisionedThroughput: throughput(index.ProvisionedThroughput),
    })),
  } as never;
}

function alarmInput(name: string, props: Json) {
  return {
    AlarmName: name,
    AlarmDescription: props.AlarmDescription,
    MetricName: props.MetricName,
    Namespace: props.Namespace,
    Statistic: props.Statistic,
    ExtendedStatistic: props.ExtendedStatistic,
    Dimensions: props.Dimensions,
    Period: props.Period === undefined ? undefined : Number(props.Period),
    EvaluationPeriods: Number(props.EvaluationPeriods ?? 1),
    DatapointsToAlarm: props.DatapointsToAlarm === undefined ? undefined : Number(props.DatapointsToAlarm),
    Threshold: props.Threshold === undefined ? undefined : Number(props.Threshold),
    ComparisonOperator: props.ComparisonOperator,
    TreatMissingData: props.TreatMissingData,
    Metrics: props.Metrics,
    ActionsEnabled: props.ActionsEnabled === undefined ? undefined : String(props.ActionsEnabled) === 'true',
  } as never;
}

async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listing = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
    const objects = [...(listing?.Versions ?? []), ...(listing?.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId,
    }));
    if (objects.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
  }
}
