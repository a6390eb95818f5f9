import { randomUUID } from 'node:crypto';
import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeleteBucketOwnershipControlsCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  DeletePublicAccessBlockCommand,
  type LifecycleRule,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  SetTopicAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import type { Json } from './template.js';

/**
 * The resources that live in moto (buckets, bucket policies, tables, topics, topic policies, KMS keys and
 * aliases, alarms, Cognito user pools and their clients), created in the stack's region with the properties the template gives them, so a
 * client reading them back (the CLI, `aws s3api get-bucket-versioning`) sees what AWS would have made.
 * A moto error fails the resource with moto's message.
 */
export interface MotoClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  cloudwatch: CloudWatchClient;
  kms: KMSClient;
  cognito: CognitoIdentityProviderClient;
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
    kms: new KMSClient(config),
    cognito: new CognitoIdentityProviderClient(config),
  };
}

/** A resource operation that failed: the reason shows in the resource's *_FAILED event. */
export class ResourceFailure extends Error {}

/** Runs a moto call; its error becomes the resource's failure reason. */
export async function moto<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as Error;
    if (/AlreadyExists|AlreadyOwnedByYou|ResourceInUse/.test(e.name)) {
      throw new ResourceFailure(`Resource of this name already exists (${e.name}: ${e.message})`);
    }
    throw new ResourceFailure(`${e.name}: ${e.message}`);
  }
}

const changed = (before: Json, after: Json) => JSON.stringify(before) !== JSON.stringify(after);
const bool = (value: Json) => String(value) === 'true';
const tagList = (tags: Json) => ((tags ?? []) as { Key: string; Value: string }[]).map((t) => ({ ...t }));

// --- S3 ---

export async function createBucket(
  clients: MotoClients,
  bucket: string,
  region: string,
  props: Record<string, Json>,
): Promise<void> {
  await moto(() =>
    clients.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    ),
  );
  await configureBucket(clients, bucket, props, {});
}

/**
 * Applies the bucket's configuration: versioning, default encryption, public access block, lifecycle,
 * ownership controls, tags. On an update only what changed is sent; what was removed is deleted
 * (versioning, once enabled, can only be suspended, as in S3).
 */
export async function configureBucket(
  clients: MotoClients,
  Bucket: string,
  props: Record<string, Json>,
  before: Record<string, Json>,
): Promise<void> {
  const { s3 } = clients;
  if (changed(before.VersioningConfiguration, props.VersioningConfiguration)) {
    const status =
      props.VersioningConfiguration?.Status ?? (before.VersioningConfiguration ? 'Suspended' : undefined);
    if (status) {
      await moto(() =>
        s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: status } })),
      );
    }
  }
  if (changed(before.BucketEncryption, props.BucketEncryption)) {
    const rules = props.BucketEncryption?.ServerSideEncryptionConfiguration as Json[] | undefined;
    await moto(() =>
      rules
        ? s3.send(
            new PutBucketEncryptionCommand({
              Bucket,
              ServerSideEncryptionConfiguration: {
                Rules: rules.map((rule) => ({
                  ApplyServerSideEncryptionByDefault: rule.ServerSideEncryptionByDefault && {
                    SSEAlgorithm: rule.ServerSideEncryptionByDefault.SSEAlgorithm,
                    KMSMasterKeyID: rule.ServerSideEncryptionByDefault.KMSMasterKeyID,
                  },
                  BucketKeyEnabled:
                    rule.BucketKeyEnabled === undefined ? undefined : bool(rule.BucketKeyEnabled),
                })),
              },
            }),
          )
        : s3.send(new DeleteBucketEncryptionCommand({ Bucket })),
    );
  }
  if (changed(before.PublicAccessBlockConfiguration, props.PublicAccessBlockConfiguration)) {
    const block = props.PublicAccessBlockConfiguration;
    await moto(() =>
      block
        ? s3.send(
            new PutPublicAccessBlockCommand({
              Bucket,
              PublicAccessBlockConfiguration: {
                BlockPublicAcls: bool(block.BlockPublicAcls),
                BlockPublicPolicy: bool(block.BlockPublicPolicy),
                IgnorePublicAcls: bool(block.IgnorePublicAcls),
                RestrictPublicBuckets: bool(block.RestrictPublicBuckets),
              },
            }),
          )
        : s3.send(new DeletePublicAccessBlockCommand({ Bucket })),
    );
  }
  if (changed(before.LifecycleConfiguration, props.LifecycleConfiguration)) {
    const rules = props.LifecycleConfiguration?.Rules as Json[] | undefined;
    await moto(() =>
      rules
        ? s3.send(
            new PutBucketLifecycleConfigurationCommand({
              Bucket,
              LifecycleConfiguration: { Rules: rules.map(lifecycleRule) },
            }),
          )
        : s3.send(new DeleteBucketLifecycleCommand({ Bucket })),
    );
  }
  if (changed(before.OwnershipControls, props.OwnershipControls)) {
    const rules = props.OwnershipControls?.Rules as { ObjectOwnership: string }[] | undefined;
    await moto(() =>
      rules
        ? s3.send(
            new PutBucketOwnershipControlsCommand({
              Bucket,
              OwnershipControls: {
                Rules: rules.map((r) => ({ ObjectOwnership: r.ObjectOwnership as never })),
              },
            }),
          )
        : s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket })),
    );
  }
  if (changed(before.Tags, props.Tags) && props.Tags) {
    await moto(() =>
      s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: tagList(props.Tags) } })),
    );
  }
}

/** A CloudFormation lifecycle rule in S3's own shape (ExpirationInDays -> Expiration.Days, Prefix -> Filter). */
function lifecycleRule(rule: Json): LifecycleRule {
  const days = (value: Json) => (value === undefined ? undefined : Number(value));
  const expiration =
    rule.ExpirationInDays !== undefined || rule.ExpirationDate || rule.ExpiredObjectDeleteMarker !== undefined
      ? {
          Days: days(rule.ExpirationInDays),
          ...(rule.ExpirationDate ? { Date: new Date(rule.ExpirationDate) } : {}),
          ...(rule.ExpiredObjectDeleteMarker !== undefined
            ? { ExpiredObjectDeleteMarker: bool(rule.ExpiredObjectDeleteMarker) }
            : {}),
        }
      : undefined;
  const noncurrentDays =
    rule.NoncurrentVersionExpiration?.NoncurrentDays ?? rule.NoncurrentVersionExpirationInDays ?? undefined;
  return {
    ID: rule.Id,
    Status: rule.Status,
    Filter: { Prefix: rule.Prefix ?? '' },
    ...(expiration ? { Expiration: expiration } : {}),
    ...(noncurrentDays !== undefined
      ? {
          NoncurrentVersionExpiration: {
            NoncurrentDays: days(noncurrentDays),
            ...(rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions !== undefined
              ? { NewerNoncurrentVersions: days(rule.NoncurrentVersionExpiration.NewerNoncurrentVersions) }
              : {}),
          },
        }
      : {}),
    ...(rule.AbortIncompleteMultipartUpload
      ? {
          AbortIncompleteMultipartUpload: {
            DaysAfterInitiation: days(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation),
          },
        }
      : {}),
    ...(rule.Transitions
      ? {
          Transitions: (rule.Transitions as Json[]).map((t) => ({
            Days: days(t.TransitionInDays),
            StorageClass: t.StorageClass,
          })),
        }
      : {}),
  } as LifecycleRule;
}

/**
 * The bucket's policy, less the statements that deny `aws:SecureTransport: false`: moto is reached over plain
 * HTTP and denies any request a conditioned statement names (it does not evaluate the condition), so they
 * would deny every request, while AWS's clients always use TLS, where they deny nothing.
 */
export async function putBucketPolicy(clients: MotoClients, props: Record<string, Json>): Promise<void> {
  const document = props.PolicyDocument ?? {};
  const statements = [document.Statement ?? []].flat() as Json[];
  const kept = statements.filter((s) => !(s.Effect === 'Deny' && deniesInsecureTransport(s.Condition)));
  const Bucket = String(props.Bucket);
  if (kept.length === 0) {
    await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket })).catch(() => undefined);
    return;
  }
  await moto(() =>
    clients.s3.send(
      new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify({ ...document, Statement: kept }) }),
    ),
  );
}

function deniesInsecureTransport(condition: Json): boolean {
  return String(condition?.Bool?.['aws:SecureTransport']) === 'false';
}

export async function deleteBucketPolicy(clients: MotoClients, props: Record<string, Json>): Promise<void> {
  await clients.s3
    .send(new DeleteBucketPolicyCommand({ Bucket: String(props.Bucket) }))
    .catch(() => undefined);
}

/** Deletes a bucket; a non-empty one fails as in AWS (unless the stack empties it first). */
export async function deleteBucket(clients: MotoClients, bucket: string, empty: boolean): Promise<void> {
  if (empty) await emptyBucket(clients.s3, bucket);
  await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch((error: Error) => {
    if (error.name === 'BucketNotEmpty') {
      throw new ResourceFailure(
        `The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: ${randomUUID()})`,
      );
    }
  });
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

// --- DynamoDB ---

export async function createTable(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
): Promise<void> {
  await moto(() => clients.dynamodb.send(new CreateTableCommand(tableInput(name, props))));
  if (bool(props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled)) {
    await setPointInTimeRecovery(clients, name, true);
  }
}

/** Deletion protection, SSE and point-in-time recovery follow the template on an update. */
export async function updateTable(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
  before: Record<string, Json>,
): Promise<void> {
  const update: Record<string, Json> = {};
  if (changed(before.DeletionProtectionEnabled, props.DeletionProtectionEnabled)) {
    update.DeletionProtectionEnabled = bool(props.DeletionProtectionEnabled);
  }
  if (changed(before.SSESpecification, props.SSESpecification)) {
    update.SSESpecification = sseSpecification(props.SSESpecification) ?? { Enabled: false };
  }
  if (Object.keys(update).length > 0) {
    await moto(() => clients.dynamodb.send(new UpdateTableCommand({ TableName: name, ...update })));
  }
  const pitr = (p: Record<string, Json>) =>
    bool(p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled);
  if (pitr(before) !== pitr(props)) await setPointInTimeRecovery(clients, name, pitr(props));
}

/** A table with deletion protection cannot be deleted (the resource fails, as in AWS). */
export async function deleteTable(clients: MotoClients, name: string): Promise<void> {
  await clients.dynamodb.send(new DeleteTableCommand({ TableName: name })).catch((error: Error) => {
    if (/deletion protection/i.test(error.message))
      throw new ResourceFailure(`${error.name}: ${error.message}`);
  });
}

async function setPointInTimeRecovery(clients: MotoClients, name: string, enabled: boolean): Promise<void> {
  await moto(() =>
    clients.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: enabled },
      }),
    ),
  );
}

function sseSpecification(spec: Json) {
  if (!spec) return undefined;
  return {
    Enabled: bool(spec.SSEEnabled),
    ...(spec.SSEType ? { SSEType: spec.SSEType } : {}),
    ...(spec.KMSMasterKeyId ? { KMSMasterKeyId: spec.KMSMasterKeyId } : {}),
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
    ...(props.SSESpecification ? { SSESpecification: sseSpecification(props.SSESpecification) } : {}),
    ...(props.DeletionProtectionEnabled !== undefined
      ? { DeletionProtectionEnabled: bool(props.DeletionProtectionEnabled) }
      : {}),
    ...(props.Tags ? { Tags: tagList(props.Tags) } : {}),
  } as never;
}

// --- SNS ---

/** A topic with its KMS key and display name; moto answers with the topic's ARN. */
export async function createTopic(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
): Promise<string> {
  const attributes: Record<string, string> = {};
  if (props.KmsMasterKeyId) attributes.KmsMasterKeyId = String(props.KmsMasterKeyId);
  if (props.DisplayName) attributes.DisplayName = String(props.DisplayName);
  if (props.FifoTopic !== undefined) attributes.FifoTopic = String(bool(props.FifoTopic));
  const answer = await moto(() =>
    clients.sns.send(
      new CreateTopicCommand({
        Name: name,
        ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
        ...(props.Tags ? { Tags: tagList(props.Tags) } : {}),
      }),
    ),
  );
  return answer.TopicArn as string;
}

export async function updateTopic(
  clients: MotoClients,
  topicArn: string,
  props: Record<string, Json>,
  before: Record<string, Json>,
): Promise<void> {
  for (const key of ['KmsMasterKeyId', 'DisplayName'] as const) {
    if (!changed(before[key], props[key])) continue;
    await moto(() =>
      clients.sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: key,
          AttributeValue: String(props[key] ?? ''),
        }),
      ),
    );
  }
}

export async function deleteTopic(clients: MotoClients, topicArn: string): Promise<void> {
  await clients.sns.send(new DeleteTopicCommand({ TopicArn: topicArn })).catch(() => undefined);
}

/** AWS::SNS::TopicPolicy: the policy document set on each of its topics. */
export async function setTopicPolicy(clients: MotoClients, props: Record<string, Json>): Promise<void> {
  for (const topicArn of (props.Topics ?? []) as string[]) {
    await moto(() =>
      clients.sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: 'Policy',
          AttributeValue: JSON.stringify(props.PolicyDocument),
        }),
      ),
    );
  }
}

// --- KMS ---

/** A KMS key with its policy, description, rotation and tags; moto answers with its id and ARN. */
export async function createKey(
  clients: MotoClients,
  props: Record<string, Json>,
): Promise<{ keyId: string; arn: string }> {
  const answer = await moto(() =>
    clients.kms.send(
      new CreateKeyCommand({
        ...(props.KeyPolicy ? { Policy: JSON.stringify(props.KeyPolicy) } : {}),
        ...(props.Description ? { Description: String(props.Description) } : {}),
        ...(props.KeyUsage ? { KeyUsage: props.KeyUsage } : {}),
        ...(props.KeySpec ? { KeySpec: props.KeySpec } : {}),
        ...(props.Tags
          ? { Tags: tagList(props.Tags).map((t) => ({ TagKey: t.Key, TagValue: t.Value })) }
          : {}),
      }),
    ),
  );
  const keyId = answer.KeyMetadata?.KeyId as string;
  if (bool(props.EnableKeyRotation))
    await moto(() => clients.kms.send(new EnableKeyRotationCommand({ KeyId: keyId })));
  return { keyId, arn: answer.KeyMetadata?.Arn as string };
}

export async function updateKey(
  clients: MotoClients,
  keyId: string,
  props: Record<string, Json>,
  before: Record<string, Json>,
): Promise<void> {
  const { kms } = clients;
  if (changed(before.KeyPolicy, props.KeyPolicy) && props.KeyPolicy) {
    await moto(() =>
      kms.send(
        new PutKeyPolicyCommand({
          KeyId: keyId,
          PolicyName: 'default',
          Policy: JSON.stringify(props.KeyPolicy),
        }),
      ),
    );
  }
  if (changed(before.Description, props.Description)) {
    await moto(() =>
      kms.send(
        new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: String(props.Description ?? '') }),
      ),
    );
  }
  if (bool(before.EnableKeyRotation) !== bool(props.EnableKeyRotation)) {
    await moto(() =>
      kms.send(
        bool(props.EnableKeyRotation)
          ? new EnableKeyRotationCommand({ KeyId: keyId })
          : new DisableKeyRotationCommand({ KeyId: keyId }),
      ),
    );
  }
}

/** A deleted key is scheduled for deletion (PendingWindowInDays, default 30), as CloudFormation does. */
export async function deleteKey(
  clients: MotoClients,
  keyId: string,
  props: Record<string, Json>,
): Promise<void> {
  await clients.kms
    .send(
      new ScheduleKeyDeletionCommand({
        KeyId: keyId,
        PendingWindowInDays: Number(props.PendingWindowInDays ?? 30),
      }),
    )
    .catch(() => undefined);
}

export async function createKeyAlias(clients: MotoClients, props: Record<string, Json>): Promise<void> {
  await moto(() =>
    clients.kms.send(
      new CreateAliasCommand({ AliasName: String(props.AliasName), TargetKeyId: String(props.TargetKeyId) }),
    ),
  );
}

export async function deleteKeyAlias(clients: MotoClients, aliasName: string): Promise<void> {
  await clients.kms.send(new DeleteAliasCommand({ AliasName: aliasName })).catch(() => undefined);
}

// --- CloudWatch ---

export async function putAlarm(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
): Promise<void> {
  // Best effort: moto does not take every alarm shape (metric math); the alarm exists in the stack anyway.
  await clients.cloudwatch.send(new PutMetricAlarmCommand(alarmInput(name, props))).catch(() => undefined);
}

export async function deleteAlarm(clients: MotoClients, name: string): Promise<void> {
  await clients.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [name] })).catch(() => undefined);
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
    // On an existing alarm PutMetricAlarm ignores Tags (API reference, PutMetricAlarm "Tags"): creation only.
    ...(props.Tags ? { Tags: tagList(props.Tags) } : {}),
  } as never;
}

// --- Cognito ---

/**
 * AWS::Cognito::UserPool properties that CreateUserPool takes under the same names (the CloudFormation
 * resource mirrors the API; EnabledMfas and UserPoolTier are set by other operations and left out).
 */
const USER_POOL_FIELDS = [
  'AccountRecoverySetting',
  'AdminCreateUserConfig',
  'AliasAttributes',
  'AutoVerifiedAttributes',
  'DeletionProtection',
  'EmailConfiguration',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'MfaConfiguration',
  'Policies',
  'Schema',
  'SmsVerificationMessage',
  'UserAttributeUpdateSettings',
  'UserPoolAddOns',
  'UserPoolTags',
  'UsernameAttributes',
  'UsernameConfiguration',
  'VerificationMessageTemplate',
] as const;

/** Creates the pool in moto, so `user add` and `token` find it by the stack's output; returns its id. */
export async function createUserPool(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
): Promise<string> {
  const input = Object.fromEntries(
    USER_POOL_FIELDS.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]),
  );
  const answer = await moto(() =>
    clients.cognito.send(
      new CreateUserPoolCommand({ ...(input as object), PoolName: name } as ConstructorParameters<
        typeof CreateUserPoolCommand
      >[0]),
    ),
  );
  return answer.UserPool?.Id as string;
}

export async function deleteUserPool(clients: MotoClients, poolId: string): Promise<void> {
  await moto(() => clients.cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId })));
}

/** The app client; AWS::Cognito::UserPoolClient's properties are CreateUserPoolClient's. Returns the client id. */
export async function createUserPoolClient(
  clients: MotoClients,
  name: string,
  props: Record<string, Json>,
): Promise<string> {
  const answer = await moto(() =>
    clients.cognito.send(
      new CreateUserPoolClientCommand({ ...(props as object), ClientName: name } as ConstructorParameters<
        typeof CreateUserPoolClientCommand
      >[0]),
    ),
  );
  return answer.UserPoolClient?.ClientId as string;
}

export async function deleteUserPoolClient(
  clients: MotoClients,
  poolId: string,
  clientId: string,
): Promise<void> {
  await moto(() =>
    clients.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })),
  );
}
