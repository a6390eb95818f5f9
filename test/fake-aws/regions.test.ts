import { randomInt } from 'node:crypto';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, GetApplicationCommand } from '@aws-sdk/client-codedeploy';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolkitStackSource } from '../../src/deploy/toolkit-stack.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';

/**
 * AWS keeps state per account and region, and a template's pseudo parameters are the region and account
 * it is deployed in. The fake takes both from each request (the SigV4 credential scope, the access key),
 * not from its own setting: a client in another region than the fake's default is answered there.
 */
describe('fake-aws per account and region', () => {
  let fake: FakeAws;
  const checker = responseChecker();
  // An account of its own: the toolkit bucket's name is global in the run's shared moto.
  const account = `4${String(randomInt(10 ** 10, 10 ** 11))}`;
  const regions = ['us-east-1', 'eu-west-1'] as const;

  beforeAll(async () => {
    fake = await startFakeAws({ onResponse: checker.onResponse });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  const cfnIn = (region: string, accountId = account) =>
    new CloudFormationClient(fake.sdkConfigFor({ region, accountId }));

  async function deploy(cfn: CloudFormationClient, stackName: string, template: object) {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: JSON.stringify(template),
      }),
    );
    await fake.clock.advance(1000);
    await cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: 'first' }));
    await fake.clock.runAll();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    return {
      stack,
      outputs: Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue])),
    };
  }

  it('the same stack name in two regions: two stacks, each resolving AWS::Region to its own region', async () => {
    const toolkit = toolkitStackSource();
    const deployed = await Promise.all(
      regions.map((region) => deploy(cfnIn(region), toolkit.stackName, toolkit.template)),
    );
    for (const [i, region] of regions.entries()) {
      const { stack, outputs } = deployed[i] as (typeof deployed)[number];
      expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
      expect(stack?.StackId).toMatch(new RegExp(`^arn:aws:cloudformation:${region}:${account}:stack/`));
      expect(outputs.BucketName).toBe(`serverless-infra-assets-${account}-${region}`);
    }
    expect(deployed[0]?.stack?.StackId).not.toBe(deployed[1]?.stack?.StackId);

    // The buckets were created in moto in their own regions, with the template's versioning.
    const s3 = new S3Client(fake.motoSdkConfig);
    const location = async (Bucket: string) =>
      (await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint ?? 'us-east-1';
    expect(await location(`serverless-infra-assets-${account}-eu-west-1`)).toBe('eu-west-1');
    expect(await location(`serverless-infra-assets-${account}-us-east-1`)).toBe('us-east-1');
    expect(
      (
        await s3.send(
          new GetBucketVersioningCommand({ Bucket: `serverless-infra-assets-${account}-eu-west-1` }),
        )
      ).Status,
    ).toBe('Enabled');
    // Its TLS-only policy does not stop a client of moto's plain HTTP (docs/testing.md, limits of the model).
    await expect(
      s3.send(
        new PutObjectCommand({
          Bucket: `serverless-infra-assets-${account}-eu-west-1`,
          Key: 'asset.zip',
          Body: 'x',
        }),
      ),
    ).resolves.toBeDefined();

    // Deleting one leaves the other; the default account and region never saw either.
    await cfnIn('eu-west-1').send(new DeleteStackCommand({ StackName: toolkit.stackName }));
    await fake.clock.runAll();
    await expect(
      cfnIn('eu-west-1').send(new DescribeStacksCommand({ StackName: toolkit.stackName })),
    ).rejects.toThrow(`Stack with id ${toolkit.stackName} does not exist`);
    const kept = await cfnIn('us-east-1').send(new DescribeStacksCommand({ StackName: toolkit.stackName }));
    expect(kept.Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    await expect(
      new CloudFormationClient(fake.sdkConfig).send(
        new DescribeStacksCommand({ StackName: toolkit.stackName }),
      ),
    ).rejects.toThrow(/does not exist/);
    expect(
      fake.scope({ region: 'us-east-1', accountId: account }).cloudformation.inspect(toolkit.stackName),
    ).toMatchObject({ status: 'CREATE_COMPLETE' });
  });

  it('pseudo parameters come from the request: region, account, partition and URL suffix', async () => {
    const template = {
      Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      Outputs: Object.fromEntries(
        ['Region', 'AccountId', 'Partition', 'URLSuffix'].map((name) => [
          name,
          { Value: { Ref: `AWS::${name}` } },
        ]),
      ),
    };
    const { outputs: eu } = await deploy(cfnIn('eu-central-1'), 'pseudo', template);
    expect(eu).toEqual({
      Region: 'eu-central-1',
      AccountId: account,
      Partition: 'aws',
      URLSuffix: 'amazonaws.com',
    });
    const { outputs: cn } = await deploy(cfnIn('cn-north-1'), 'pseudo', template);
    expect(cn).toEqual({
      Region: 'cn-north-1',
      AccountId: account,
      Partition: 'aws-cn',
      URLSuffix: 'amazonaws.com.cn',
    });
  });

  it('Lambda, CodeDeploy and STS answer per account and region too', async () => {
    const eu = fake.sdkConfigFor({ region: 'eu-west-1', accountId: account });
    const created = await new LambdaClient(eu).send(
      new CreateFunctionCommand({
        FunctionName: 'regional',
        Role: `arn:aws:iam::${account}:role/r`,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: new TextEncoder().encode('code') },
      }),
    );
    expect(created.FunctionArn).toBe(`arn:aws:lambda:eu-west-1:${account}:function:regional`);
    await expect(
      new LambdaClient(fake.sdkConfigFor({ region: 'us-east-1', accountId: account })).send(
        new GetFunctionCommand({ FunctionName: 'regional' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    fake
      .scope({ region: 'eu-west-1', accountId: account })
      .codedeploy.putApplication('regional-app', 'Lambda');
    await expect(
      new CodeDeployClient(eu).send(new GetApplicationCommand({ applicationName: 'regional-app' })),
    ).resolves.toMatchObject({ application: { applicationName: 'regional-app' } });
    await expect(
      new CodeDeployClient(fake.sdkConfig).send(
        new GetApplicationCommand({ applicationName: 'regional-app' }),
      ),
    ).rejects.toMatchObject({ name: 'ApplicationDoesNotExistException' });

    const who = await new STSClient(eu).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(account);
    expect((await new STSClient(fake.sdkConfig).send(new GetCallerIdentityCommand({}))).Account).toBe(
      fake.accountId,
    );
  });

  it('envFor gives a child process (or the aws CLI) another region and account', () => {
    const env = fake.envFor({ region: 'ap-southeast-2', accountId: account });
    expect(env.AWS_REGION).toBe('ap-southeast-2');
    expect(env.AWS_DEFAULT_REGION).toBe('ap-southeast-2');
    expect(env.AWS_ACCESS_KEY_ID).toBe(`AKIA${account}FAKE`);
    expect(env.AWS_ENDPOINT_URL_CLOUDFORMATION).toBe(fake.endpoint);
    expect(fake.env.AWS_REGION).toBe(fake.region);
  });

  it('answered every call above with responses that match the botocore models', () => {
    expect(checker.problems()).toEqual([]);
  });
});
