import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import type { FakeAws } from '../support/fake-aws/index.js';
import { type FixtureOptions, fixtureTemplate } from './fixture-stack.js';

/** Deploys the fixture stack through the CloudFormation SDK client and lets it settle; returns its outputs. */
export async function deployFixture(
  fake: FakeAws,
  stackName: string,
  options: FixtureOptions = {},
  parameters: Record<string, string> = {},
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(fake.sdkConfig);
  const existing = await cfn
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .then((answer) => answer.Stacks?.[0])
    .catch(() => undefined);
  const type = existing && existing.StackStatus !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
  const name = `cs-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await cfn.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: name,
      ChangeSetType: type,
      TemplateBody: JSON.stringify(fixtureTemplate({ stackName, ...options })),
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    }),
  );
  await fake.clock.advance(1000);
  await cfn.send(new ExecuteChangeSetCommand({ StackName: stackName, ChangeSetName: name }));
  await fake.clock.runAll();
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  if (!stack?.StackStatus?.endsWith('_COMPLETE'))
    throw new Error(`fixture deploy ended in ${stack?.StackStatus}: ${stack?.StackStatusReason}`);
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
}
