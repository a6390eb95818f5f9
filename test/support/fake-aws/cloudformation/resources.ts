import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { CodeDeployService } from '../codedeploy.js';
import type { LambdaService } from '../lambda.js';
import { partitionOf } from '../partition.js';
import {
  configureBucket,
  createBucket,
  createKey,
  createKeyAlias,
  createTable,
  createTopic,
  createUserPool,
  createUserPoolClient,
  deleteAlarm,
  deleteBucket,
  deleteBucketPolicy,
  deleteKey,
  deleteKeyAlias,
  deleteTable,
  deleteTopic,
  deleteUserPool,
  deleteUserPoolClient,
  type MotoClients,
  putAlarm,
  putBucketPolicy,
  ResourceFailure,
  setTopicPolicy,
  updateKey,
  updateTable,
  updateTopic,
} from './moto-resources.js';
import type { Json } from './template.js';

export { type MotoClients, motoClients, ResourceFailure } from './moto-resources.js';

/**
 * What creating, updating and deleting a resource does. Lambda and CodeDeploy resources materialize in
 * the fake's own Lambda/CodeDeploy state; buckets, bucket policies, tables, topics, topic policies, KMS
 * keys and aliases and alarms are created in moto with the template's properties (moto-resources.ts: the
 * handler's stores, alarm-driven rollback and what a client reads back are real); every other type gets
 * a plausible physical id and attributes and exists only in the stack.
 */
export interface ProvisionContext {
  stackName: string;
  region: string;
  accountId: string;
  lambda: LambdaService;
  codedeploy: CodeDeployService;
  moto: MotoClients;
  /** The fake clock's time (ms), for the timestamps resources carry. */
  now: number;
  /** Buckets a Custom::S3AutoDeleteObjects resource of the stack empties before they are deleted. */
  autoDeleteBuckets: Set<string>;
}

export interface Provisioned {
  physicalId: string;
  attributes: Record<string, Json>;
}

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
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion'],
  'AWS::EC2::Instance': ['AvailabilityZone', 'ImageId', 'KeyName', 'NetworkInterfaces', 'SubnetId'],
};

/**
 * Properties whose change may replace the resource ("Update requires: Some interruptions" or replacement
 * depending on the value: RequiresRecreation Conditionally), from the resource reference.
 */
const CONDITIONAL: Record<string, string[]> = {
  'AWS::EC2::Instance': ['InstanceType', 'UserData', 'EbsOptimized', 'SecurityGroups'],
  'AWS::Lambda::Alias': [],
};

/** What changing a property does to the resource: Always (replaced), Conditionally, Never. */
export function recreation(type: string, property: string): 'Always' | 'Conditionally' | 'Never' {
  if (replacingProperties(type, [property]).length > 0) return 'Always';
  return CONDITIONAL[type]?.includes(property) ? 'Conditionally' : 'Never';
}

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
  const { partition, urlSuffix } = partitionOf(region);
  const arn = (service: string, resource: string, withRegion = true) =>
    `arn:${partition}:${service}:${withRegion ? region : ''}:${service === 's3' ? '' : accountId}:${resource}`;
  const name = (key: string, max: number, lower = false) =>
    (props[key] as string | undefined) ?? generatedName(stackName, logicalId, max, lower);

  switch (type) {
    case 'AWS::S3::Bucket': {
      const bucket = name('BucketName', 63, true);
      await createBucket(ctx.moto, bucket, region, props);
      return {
        physicalId: bucket,
        attributes: {
          Arn: `arn:${partition}:s3:::${bucket}`,
          DomainName: `${bucket}.s3.${urlSuffix}`,
          RegionalDomainName: `${bucket}.s3.${region}.${urlSuffix}`,
          DualStackDomainName: `${bucket}.s3.dualstack.${region}.${urlSuffix}`,
          WebsiteURL: `http://${bucket}.s3-website-${region}.${urlSuffix}`,
        },
      };
    }
    case 'AWS::DynamoDB::Table': {
      const table = name('TableName', 255);
      await createTable(ctx.moto, table, props);
      return {
        physicalId: table,
        attributes: {
          Arn: arn('dynamodb', `table/${table}`),
          StreamArn: arn('dynamodb', `table/${table}/stream/${new Date(ctx.now).toISOString()}`),
        },
      };
    }
    case 'AWS::SNS::Topic': {
      const topic = name('TopicName', 256);
      const topicArn = await createTopic(ctx.moto, topic, props);
      return { physicalId: topicArn, attributes: { TopicArn: topicArn, TopicName: topic } };
    }
    case 'AWS::SNS::TopicPolicy':
      await setTopicPolicy(ctx.moto, props);
      return { physicalId: generatedName(stackName, logicalId, 128), attributes: {} };
    case 'AWS::S3::BucketPolicy':
      await putBucketPolicy(ctx.moto, props);
      return { physicalId: generatedName(stackName, logicalId, 128), attributes: {} };
    case 'AWS::Cognito::UserPool': {
      const poolId = await createUserPool(ctx.moto, name('UserPoolName', 128), props);
      return {
        physicalId: poolId,
        attributes: {
          Arn: arn('cognito-idp', `userpool/${poolId}`),
          ProviderName: `cognito-idp.${region}.${urlSuffix}/${poolId}`,
          UserPoolId: poolId,
        },
      };
    }
    case 'AWS::Cognito::UserPoolClient': {
      const clientId = await createUserPoolClient(ctx.moto, name('ClientName', 128), props);
      return { physicalId: clientId, attributes: { ClientId: clientId } };
    }
    case 'AWS::CloudWatch::Alarm': {
      const alarm = name('AlarmName', 255);
      await putAlarm(ctx.moto, alarm, props);
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
        KMSKeyArn: props.KmsKeyArn,
        TracingConfig: props.TracingConfig,
        Architectures: props.Architectures,
        LoggingConfig: props.LoggingConfig,
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
          Arn: `arn:${partition}:iam::${accountId}:role${props.Path ?? '/'}${role}`,
          RoleId: `AROA${alphanumeric(17)}`,
        },
      };
    }
    case 'AWS::KMS::Key': {
      const key = await createKey(ctx.moto, props);
      return { physicalId: key.keyId, attributes: { Arn: key.arn, KeyId: key.keyId } };
    }
    case 'AWS::KMS::Alias':
      await createKeyAlias(ctx.moto, props);
      return { physicalId: String(props.AliasName), attributes: {} };
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
  current: Provisioned & { properties: Record<string, Json> },
): Promise<Provisioned> {
  const before = current.properties ?? {};
  switch (type) {
    case 'AWS::S3::Bucket':
      await configureBucket(ctx.moto, current.physicalId, props, before);
      break;
    case 'AWS::S3::BucketPolicy':
      await putBucketPolicy(ctx.moto, props);
      break;
    case 'AWS::DynamoDB::Table':
      await updateTable(ctx.moto, current.physicalId, props, before);
      break;
    case 'AWS::SNS::Topic':
      await updateTopic(ctx.moto, current.physicalId, props, before);
      break;
    case 'AWS::SNS::TopicPolicy':
      await setTopicPolicy(ctx.moto, props);
      break;
    case 'AWS::KMS::Key':
      await updateKey(ctx.moto, current.physicalId, props, before);
      break;
    case 'AWS::CloudWatch::Alarm':
      await putAlarm(ctx.moto, current.physicalId, props);
      break;
    case 'AWS::Lambda::Function':
    case 'AWS::Lambda::Alias':
    case 'AWS::CodeDeploy::DeploymentGroup':
      return createResource(ctx, logicalId, type, props, current);
    case 'AWS::CodeDeploy::Application':
      return current;
  }
  return { physicalId: current.physicalId, attributes: current.attributes };
}

export async function deleteResource(
  ctx: ProvisionContext,
  type: string,
  physicalId: string,
  props: Record<string, Json>,
): Promise<void> {
  switch (type) {
    case 'AWS::S3::Bucket':
      await deleteBucket(ctx.moto, physicalId, ctx.autoDeleteBuckets.has(physicalId));
      return;
    case 'AWS::S3::BucketPolicy':
      await deleteBucketPolicy(ctx.moto, props);
      return;
    case 'AWS::DynamoDB::Table':
      await deleteTable(ctx.moto, physicalId);
      return;
    case 'AWS::SNS::Topic':
      await deleteTopic(ctx.moto, physicalId);
      return;
    case 'AWS::KMS::Key':
      await deleteKey(ctx.moto, physicalId, props);
      return;
    case 'AWS::KMS::Alias':
      await deleteKeyAlias(ctx.moto, physicalId);
      return;
    case 'AWS::CloudWatch::Alarm':
      await deleteAlarm(ctx.moto, physicalId);
      return;
    case 'AWS::Cognito::UserPool':
      await deleteUserPool(ctx.moto, physicalId);
      return;
    case 'AWS::Cognito::UserPoolClient':
      await deleteUserPoolClient(ctx.moto, String(props.UserPoolId), physicalId);
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
        return `arn:${partitionOf(ctx.region).partition}:${service}:${ctx.region}:${ctx.accountId}:${kind}/${physicalId}`;
      }
      if (attribute.endsWith('Id')) return physicalId;
      if (attribute.endsWith('Name')) return physicalId;
      if (attribute.endsWith('DomainName') || attribute.endsWith('Url'))
        return `${physicalId.toLowerCase()}.${service}.${partitionOf(ctx.region).urlSuffix}`;
      return `${physicalId}.${attribute}`;
    },
  });
  void props;
  return { physicalId, attributes };
}

async function functionCode(
  ctx: ProvisionContext,
  code: Json,
): Promise<{ sha256: string; size: number; zip?: Buffer; inline?: string }> {
  if (code.ZipFile !== undefined) {
    const bytes = Buffer.from(String(code.ZipFile));
    return {
      sha256: createHash('sha256').update(bytes).digest('base64'),
      size: bytes.length,
      inline: String(code.ZipFile),
    };
  }
  if (code.S3Bucket && code.S3Key) {
    try {
      const object = await ctx.moto.s3.send(new GetObjectCommand({ Bucket: code.S3Bucket, Key: code.S3Key }));
      const bytes = Buffer.from(
        await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      return { sha256: createHash('sha256').update(bytes).digest('base64'), size: bytes.length, zip: bytes };
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
