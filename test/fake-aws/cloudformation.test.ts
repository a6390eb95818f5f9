import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { fixtureTemplate } from './fixture-stack.js';

describe('fake CloudFormation', () => {
  let fake: FakeAws;
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    fake = await startFakeAws();
    cfn = new CloudFormationClient(fake.sdkConfig);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  beforeEach(() => fake.reset());

  async function createAndExecute(
    stackName: string,
    template: object,
    type: 'CREATE' | 'UPDATE',
    parameters: Record<string, string> = {},
  ) {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: stackName,
        ChangeSetName: `cs-${type.toLowerCase()}`,
        ChangeSetType: type,
        TemplateBody: JSON.stringify(template),
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
      }),
    );
    await fake.clock.advance(1000);
    const described = await cfn.send(
      new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: `cs-${type.toLowerCase()}` }),
    );
    return described;
  }

  it('creates a stack from a synthesized template with per-resource events and outputs', async () => {
    const template = fixtureTemplate({ stackName: 'fixture' });
    const cs = await createAndExecute('fixture', template, 'CREATE');
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.Changes?.every((c) => c.ResourceChange?.Action === 'Add')).toBe(true);
    const reviewing = await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }));
    expect(reviewing.Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');

    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'fixture', ChangeSetName: 'cs-create' }));
    await fake.clock.advance(0);
    expect(
      (await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }))).Stacks?.[0]?.StackStatus,
    ).toBe('CREATE_IN_PROGRESS');
    await fake.clock.runAll();
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'fixture' }))).Stacks?.[0];
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs.NewVersion).toBe('1');
    expect(outputs.Where).toBe(`fixture in ${fake.region}:${fake.accountId}`);
    expect(outputs.BucketUrl).toBe(`https://${outputs.BucketName}.s3.${fake.region}.amazonaws.com/`);
    expect(outputs.AliasArn).toBe(
      `arn:aws:lambda:${fake.region}:${fake.accountId}:function:${outputs.FunctionName}:live`,
    );

    const events: StackEvent[] =
      (await cfn.send(new DescribeStackEventsCommand({ StackName: 'fixture' }))).StackEvents ?? [];
    const order = [...events].reverse().map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    expect(order[0]).toBe('fixture REVIEW_IN_PROGRESS');
    expect(order.at(-1)).toBe('fixture CREATE_COMPLETE');
    const index = (id: string, status: string) =>
      order.findIndex((line) => line.startsWith(id) && line.endsWith(status));
    const fnId = Object.keys(template.Resources as object).find((k) => k.startsWith('Handler8')) as string;
    const versionId = Object.keys(template.Resources as object).find((k) =>
      k.startsWith('HandlerCurrentVersion'),
    ) as string;
    expect(index(fnId, 'CREATE_COMPLETE')).toBeLessThan(index(versionId, 'CREATE_IN_PROGRESS'));
    expect(index('Live', 'CREATE_COMPLETE')).toBeGreaterThan(index(versionId, 'CREATE_COMPLETE'));
  });
});
