import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';

const zip = (text: string) => new TextEncoder().encode(text);

describe('fake Lambda and STS', () => {
  let fake: FakeAws;
  const checker = responseChecker();
  let lambda: LambdaClient;
  beforeAll(async () => {
    fake = await startFakeAws({ accountId: '210987654321', onResponse: checker.onResponse });
    lambda = new LambdaClient(fake.sdkConfig);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  const create = (FunctionName: string) =>
    lambda.send(
      new CreateFunctionCommand({
        FunctionName,
        Role: 'arn:aws:iam::210987654321:role/r',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: zip('v1') },
      }),
    );

  it('PublishVersion returns the latest version when neither code nor configuration changed', async () => {
    await create('fn');
    const first = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));
    expect(first.Version).toBe('1');
    expect(again.Version).toBe('1');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fn', ZipFile: zip('v2') }));
    const second = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));
    expect(second.Version).toBe('2');
    expect(second.CodeSha256).not.toBe(first.CodeSha256);
  });

  it('pages versions with Marker/MaxItems and moves alias weights with UpdateAlias', async () => {
    await create('paged');
    for (const code of ['a', 'b', 'c']) {
      await lambda.send(
        new UpdateFunctionCodeCommand({ FunctionName: 'paged', ZipFile: zip(code), Publish: true }),
      );
    }
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await lambda.send(
        new ListVersionsByFunctionCommand({ FunctionName: 'paged', MaxItems: 2, Marker }),
      );
      seen.push(...(page.Versions ?? []).map((v) => v.Version as string));
      Marker = page.NextMarker;
    } while (Marker);
    expect(seen).toEqual(['$LATEST', '1', '2', '3']);
    await lambda.send(new CreateAliasCommand({ FunctionName: 'paged', Name: 'live', FunctionVersion: '2' }));
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'paged',
        Name: 'live',
        RoutingConfig: { AdditionalVersionWeights: { '3': 0.25 } },
      }),
    );
    const alias = await lambda.send(new GetAliasCommand({ FunctionName: 'paged', Name: 'live' }));
    expect(alias).toMatchObject({
      FunctionVersion: '2',
      RoutingConfig: { AdditionalVersionWeights: { '3': 0.25 } },
    });
    await expect(
      lambda.send(new UpdateAliasCommand({ FunctionName: 'paged', Name: 'live', FunctionVersion: '9' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      lambda.send(new GetAliasCommand({ FunctionName: 'nope', Name: 'live' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:210987654321:function:nope',
    });
  });

  it('reports account concurrency and throttles on demand with TooManyRequestsException', async () => {
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    expect(settings.AccountLimit?.ConcurrentExecutions).toBe(1000);
    fake.faults.throttle('GetAccountSettings', 1);
    const once = new LambdaClient({ ...fake.sdkConfig, maxAttempts: 1 });
    await expect(once.send(new GetAccountSettingsCommand({}))).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
  });

  it('STS tells who the dummy credentials are; expired credentials are refused', async () => {
    const sts = new STSClient({ ...fake.sdkConfig, maxAttempts: 1 });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('210987654321');
    fake.faults.expireCredentials();
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
    await expect(lambda.send(new GetAccountSettingsCommand({}))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
    });
  });

  it('answered every call above with responses that match the botocore models', () => {
    expect(checker.problems()).toEqual([]);
  });
});
