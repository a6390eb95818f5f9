/**
 * The fake's Resource Groups Tagging API (GetResources): moto's resources and the fake's own (stacks,
 * functions) in one answer, filtered as the API reference says (support/fake-aws/tagging.ts cites it).
 */
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';

const REGION = 'ap-southeast-2';
let fake: FakeAws;
let tagging: ResourceGroupsTaggingAPIClient;
const checker = responseChecker();
/** Unique per run: moto is shared by the whole test run. */
const run = `t${Date.now().toString(36)}`;

beforeAll(async () => {
  fake = await startFakeAws({ region: REGION, accountId: '100000000015', onResponse: checker.onResponse });
  tagging = new ResourceGroupsTaggingAPIClient(fake.sdkConfig);
  const lambda = new LambdaClient(fake.sdkConfig);
  for (const [name, team] of [
    ['api', 'blue'],
    ['worker', 'green'],
  ] as const) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: `${run}-${name}`,
        Role: 'arn:aws:iam::100000000015:role/r',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: new TextEncoder().encode(name) },
        Tags: { run, team },
      }),
    );
  }
  // In moto (the data plane), in the same region.
  await new SNSClient(fake.motoSdkConfig).send(
    new CreateTopicCommand({
      Name: `${run}-topic`,
      Tags: [
        { Key: 'run', Value: run },
        { Key: 'team', Value: 'blue' },
      ],
    }),
  );
});

afterAll(async () => {
  await fake?.stop();
});

/** "lambda <name>", "sns <name>": the service and the resource's last name segment. */
const short = (arn: string) => `${arn.split(':')[2]} ${arn.split(/[:/]/).at(-1)}`;

async function arns(input: GetResourcesCommandInput): Promise<string[]> {
  const out = await tagging.send(new GetResourcesCommand(input));
  expect(out.PaginationToken ?? '').toBe('');
  return (out.ResourceTagMappingList ?? []).map((m) => short(m.ResourceARN ?? '')).sort();
}

describe('fake Resource Groups Tagging API: GetResources', () => {
  it('one answer from both places: the fake’s functions and moto’s topic, with their tags', async () => {
    const out = await tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'run', Values: [run] }] }));
    const byArn = Object.fromEntries((out.ResourceTagMappingList ?? []).map((m) => [m.ResourceARN, m.Tags]));
    expect(byArn[`arn:aws:lambda:${REGION}:100000000015:function:${run}-api`]).toEqual(
      expect.arrayContaining([
        { Key: 'run', Value: run },
        { Key: 'team', Value: 'blue' },
      ]),
    );
    expect(
      Object.keys(byArn).some(
        (arn) => arn.startsWith(`arn:aws:sns:${REGION}:`) && arn.endsWith(`:${run}-topic`),
      ),
    ).toBe(true);
    expect(Object.keys(byArn)).toHaveLength(3);
  });

  it('filters: every filter must match, any of its values, any value when none is given; by service or type', async () => {
    expect(
      await arns({
        TagFilters: [
          { Key: 'run', Values: [run] },
          { Key: 'team', Values: ['blue'] },
        ],
      }),
    ).toEqual([`lambda ${run}-api`, `sns ${run}-topic`]);
    expect(
      await arns({
        TagFilters: [
          { Key: 'run', Values: [run] },
          { Key: 'team', Values: ['blue', 'green'] },
        ],
      }),
    ).toHaveLength(3);
    expect(await arns({ TagFilters: [{ Key: 'run', Values: [run] }, { Key: 'team' }] })).toHaveLength(3);
    expect(await arns({ TagFilters: [{ Key: 'run', Values: [run] }, { Key: 'nosuch' }] })).toEqual([]);
    expect(
      await arns({ TagFilters: [{ Key: 'run', Values: [run] }], ResourceTypeFilters: ['lambda:function'] }),
    ).toEqual([`lambda ${run}-api`, `lambda ${run}-worker`]);
    expect(await arns({ TagFilters: [{ Key: 'run', Values: [run] }], ResourceTypeFilters: ['sns'] })).toEqual(
      [`sns ${run}-topic`],
    );
  });

  it('another region of the account sees none of them (moto: buckets aside, which it lists everywhere)', async () => {
    const elsewhere = new ResourceGroupsTaggingAPIClient(fake.sdkConfigFor({ region: 'us-west-1' }));
    const out = await elsewhere.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'run', Values: [run] }] }),
    );
    expect(out.ResourceTagMappingList).toEqual([]);
  });

  it('ResourceARNList with TagFilters: InvalidParameterException, as the reference says', async () => {
    await expect(
      tagging.send(
        new GetResourcesCommand({ ResourceARNList: ['arn:aws:sns:x'], TagFilters: [{ Key: 'run' }] }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answered every call above with responses that match the botocore model', () => {
    expect(checker.problems()).toEqual([]);
  });
});
