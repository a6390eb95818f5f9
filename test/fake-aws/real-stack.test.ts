import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AssetManifest, AssetPublishing, DefaultAwsClient } from '@aws-cdk/cdk-assets-lib';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { synthesize } from '../../src/synth/index.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/** The project's real stack (src/synth) deployed through the CloudFormation SDK client against the fake. */
describe('deploying the real synthesized stack', () => {
  let fake: FakeAws;
  const saved = { ...process.env };
  let outputs: Record<string, string> = {};

  beforeAll(async () => {
    fake = await startFakeAws();
    // cdk-assets-lib builds its own SDK clients from the environment, as the CLI does.
    Object.assign(process.env, fake.env);
  });
  afterAll(async () => {
    process.env = saved;
    await fake?.stop();
  });

  it('publishes the assets to moto S3, creates and executes a change set, and shows events and outputs', async () => {
    const env: ResolvedEnvironment = {
      name: 'Development',
      email: 'dev@example.com',
      region: fake.region as ResolvedEnvironment['region'],
      stackName: 'ServerlessInfra-Development',
      // Bucket names are global in moto too: unique per run.
      resourceId: randomBytes(4).toString('hex'),
      releaseStrategy: 'LambdaCanary10Percent5Minutes',
      handler: 'fixtures/handler.mjs',
    };
    const { assembly, stack } = await synthesize(env, { projectDir: here });

    const s3 = new S3Client(fake.motoSdkConfig);
    const assetsBucket = `serverless-infra-assets-${fake.accountId}-${fake.region}`;
    await s3.send(new CreateBucketCommand({ Bucket: assetsBucket })).catch(() => undefined);
    const manifests = assembly.artifacts.filter(
      (a) => a instanceof AssetManifestArtifact,
    ) as AssetManifestArtifact[];
    for (const manifest of manifests) {
      const publishing = new AssetPublishing(AssetManifest.fromFile(manifest.file), {
        aws: new DefaultAwsClient(),
        throwOnError: true,
      });
      await publishing.publish();
    }

    const body = JSON.stringify(stack.template);
    const templateKey = `templates/${env.stackName}.json`;
    await s3.send(new PutObjectCommand({ Bucket: assetsBucket, Key: templateKey, Body: body }));
    const cfn = new CloudFormationClient(fake.sdkConfig);
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: env.stackName,
        ChangeSetName: 'first-deploy',
        ChangeSetType: 'CREATE',
        ...(body.length > 51_200
          ? { TemplateURL: `https://s3.${fake.region}.amazonaws.com/${assetsBucket}/${templateKey}` }
          : { TemplateBody: body }),
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await fake.clock.advance(1000);
    const changeSet = await cfn.send(
      new DescribeChangeSetCommand({ StackName: env.stackName, ChangeSetName: 'first-deploy' }),
    );
    expect(changeSet.Status).toBe('CREATE_COMPLETE');
    expect(changeSet.Changes?.length).toBe(Object.keys(stack.template.Resources).length);

    await cfn.send(new ExecuteChangeSetCommand({ StackName: env.stackName, ChangeSetName: 'first-deploy' }));
    await fake.clock.advance(5000);
    const midway = (await cfn.send(new DescribeStacksCommand({ StackName: env.stackName }))).Stacks?.[0];
    expect(midway?.StackStatus).toBe('CREATE_IN_PROGRESS');
    await fake.clock.runAll();

    const deployed = (await cfn.send(new DescribeStacksCommand({ StackName: env.stackName }))).Stacks?.[0];
    expect(deployed?.StackStatus, deployed?.StackStatusReason).toBe('CREATE_COMPLETE');
    outputs = Object.fromEntries(
      (deployed?.Outputs ?? []).map((o) => [o.OutputKey as string, o.OutputValue as string]),
    );
    for (const key of [
      'ApiUrl',
      'CloudFrontUrl',
      'DistributionId',
      'TableName',
      'BucketName',
      'LogsBucketName',
      'TopicArn',
      'FunctionName',
      'AliasName',
      'AliasArn',
      'NewVersion',
      'CodeDeployApplication',
      'CodeDeployDeploymentGroup',
    ]) {
      expect(outputs[key], key).toBeTruthy();
    }
    expect(outputs.CloudFrontUrl).toMatch(/^https:\/\//);
    expect(outputs.NewVersion).toBe('1');
    expect(outputs.AliasName).toBe('live');
    expect(deployed?.Tags).toEqual(expect.arrayContaining([{ Key: 'Environment', Value: 'Development' }]));

    const events: StackEvent[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.send(
        new DescribeStackEventsCommand({ StackName: env.stackName, NextToken: token }),
      );
      events.push(...(page.StackEvents ?? []));
      token = page.NextToken;
    } while (token);
    const completed = new Set(
      events.filter((e) => e.ResourceStatus === 'CREATE_COMPLETE').map((e) => e.LogicalResourceId),
    );
    for (const id of Object.keys(stack.template.Resources)) expect(completed.has(id), id).toBe(true);

    const lambda = new LambdaClient(fake.sdkConfig);
    const alias = await lambda.send(
      new GetAliasCommand({ FunctionName: outputs.FunctionName, Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('1');
  });

  it("created the buckets, table, topic and key in moto with the template's properties (read back with the aws CLI)", async () => {
    expect(outputs.BucketName, 'the deploy above ran').toBeTruthy();
    const env = {
      ...process.env,
      ...fake.env,
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const aws = async (...args: string[]) =>
      JSON.parse((await run('aws', [...args, '--output', 'json'], { env })).stdout || '{}');
    const bucket = outputs.BucketName as string;
    const logs = outputs.LogsBucketName as string;
    const table = outputs.TableName as string;
    const topic = outputs.TopicArn as string;

    const [versioning, encryption, block, lifecycle] = await Promise.all([
      aws('s3api', 'get-bucket-versioning', '--bucket', bucket),
      aws('s3api', 'get-bucket-encryption', '--bucket', bucket),
      aws('s3api', 'get-public-access-block', '--bucket', bucket),
      aws('s3api', 'get-bucket-lifecycle-configuration', '--bucket', bucket),
    ]);
    expect(versioning.Status).toBe('Enabled');
    const sse = encryption.ServerSideEncryptionConfiguration.Rules[0];
    expect(sse.ApplyServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(sse.BucketKeyEnabled).toBe(true);
    const keyArn = sse.ApplyServerSideEncryptionByDefault.KMSMasterKeyID as string;
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(lifecycle.Rules).toEqual([
      expect.objectContaining({
        ID: 'ExpireOldVersions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: expect.objectContaining({ NoncurrentDays: 30 }),
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }),
    ]);

    const [logsOwnership, logsEncryption, logsLifecycle, logsPolicy] = await Promise.all([
      aws('s3api', 'get-bucket-ownership-controls', '--bucket', logs),
      aws('s3api', 'get-bucket-encryption', '--bucket', logs),
      aws('s3api', 'get-bucket-lifecycle-configuration', '--bucket', logs),
      aws('s3api', 'get-bucket-policy', '--bucket', logs),
    ]);
    expect(logsOwnership.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerPreferred' }]);
    expect(
      logsEncryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('AES256');
    expect(logsLifecycle.Rules[0]).toMatchObject({ ID: 'ExpireLogs', Expiration: { Days: 90 } });
    // The bucket policy, less its TLS-only statement (moto is plain HTTP: docs/testing.md, limits of the model).
    expect(JSON.parse(logsPolicy.Policy).Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' } }),
    ]);

    const [backups, described] = await Promise.all([
      aws('dynamodb', 'describe-continuous-backups', '--table-name', table),
      aws('dynamodb', 'describe-table', '--table-name', table),
    ]);
    expect(
      backups.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus,
    ).toBe('ENABLED');
    expect(described.Table.DeletionProtectionEnabled).toBe(false);
    expect(described.Table.SSEDescription?.Status).toBe('ENABLED');

    const [attributes, rotation, keyPolicy] = await Promise.all([
      aws('sns', 'get-topic-attributes', '--topic-arn', topic),
      aws('kms', 'get-key-rotation-status', '--key-id', keyArn),
      aws('kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'),
    ]);
    expect(attributes.Attributes.KmsMasterKeyId).toBe(keyArn);
    expect(JSON.parse(attributes.Attributes.Policy).Statement).toContainEqual(
      expect.objectContaining({ Sid: 'AllowPublishThroughSSLOnly', Effect: 'Deny' }),
    );
    expect(rotation.KeyRotationEnabled).toBe(true);
    expect(JSON.parse(keyPolicy.Policy).Statement).toContainEqual(
      expect.objectContaining({ Sid: 'AccountAdministrationAndUse' }),
    );
  });
});
