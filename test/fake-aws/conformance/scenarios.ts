import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CancelUpdateStackCommand,
  type Capability,
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  type CreateAliasCommandInput,
  CreateFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { FakeAws } from '../../support/fake-aws/index.js';
import type { Answer, Step } from './compare.js';

/**
 * The corpus's scenarios (test/conformance/fixtures), driven through the fake the way the recording drove
 * AWS (the LocalStack test named in each fixture's source; for documented fixtures, the situation the
 * document describes). Each returns one answer per recorded call, in order, or says why a call cannot be
 * made against the fake.
 */
export interface Clients {
  fake: FakeAws;
  cfn: CloudFormationClient;
  lambda: LambdaClient;
  codedeploy: CodeDeployClient;
  sts: STSClient;
}

export interface Scenario {
  /** The fixture, under test/conformance/fixtures/. */
  fixture: string;
  drive(clients: Clients): Promise<Step[]>;
  /** Paths whose values the fixture calls its own (compared by presence only). */
  ours?: string[];
  /** How the recording kept its events (see eventSequence); `dropFake`: statuses only the fake's side has for a reason given in the departures. */
  events?: { collapse?: boolean; drop?: string[]; reasons?: boolean };
}

export function clientsFor(fake: FakeAws): Clients {
  const config = { ...fake.sdkConfig, maxAttempts: 1 };
  return {
    fake,
    cfn: new CloudFormationClient(config),
    lambda: new LambdaClient(config),
    codedeploy: new CodeDeployClient(config),
    sts: new STSClient(config),
  };
}

/** The SDK's answer as the comparison reads it: the parsed output, or the error's name, message and status. */
export async function capture(call: Promise<unknown>): Promise<Answer> {
  try {
    const { $metadata: _, ...answer } = (await call) as Record<string, unknown>;
    // A blob payload (Lambda Invoke's) compared as its text.
    const output = Object.fromEntries(
      Object.entries(answer).map(([k, v]) => [k, v instanceof Uint8Array ? new TextDecoder().decode(v) : v]),
    );
    return { output };
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { error: { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode ?? 0 } };
  }
}

const skip = (reason: string): Step => ({ skipped: reason });
const NO_CREATE_STACK =
  'recorded after CreateStack, which the fake does not implement (no client calls it; stacks are created through change sets)';

// LocalStack's deploy_cfn_template and capture_update_process acknowledge all three.
const CAPABILITIES: Capability[] = ['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

const MINIMAL = {
  Resources: { SimpleParam: { Type: 'AWS::SSM::Parameter', Properties: { Value: 'test', Type: 'String' } } },
};
const SNS_TOPIC_SIMPLE = {
  AWSTemplateFormatVersion: '2010-09-09',
  Metadata: { TopicName: 'sns-topic-simple' },
  Parameters: { TopicName: { Type: 'String', Default: 'sns-topic-simple' } },
  Resources: {
    topic123: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: { Ref: 'TopicName' } },
      UpdateReplacePolicy: 'Delete',
      DeletionPolicy: 'Delete',
    },
  },
};
const SIMPLE_API = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { ApiName: { Type: 'String' } },
  Resources: { Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: { Ref: 'ApiName' } } } },
};
const SIMPLE_API_UPDATE = {
  ...SIMPLE_API,
  Resources: { ...SIMPLE_API.Resources, Bucket: { Type: 'AWS::S3::Bucket' } },
};

let unique = 0;
/** A name no other scenario of the run uses (moto is shared: topic and bucket names are its own). */
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++unique}`;

async function settle(c: Clients): Promise<void> {
  await c.fake.clock.runAll();
}

function params(values: Record<string, string>) {
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
}

/** LocalStack's deploy_cfn_template: a CREATE (or UPDATE) change set with all capabilities, executed. */
async function deploy(
  c: Clients,
  stackName: string,
  template: object,
  parameters: Record<string, string> = {},
  type: 'CREATE' | 'UPDATE' = 'CREATE',
): Promise<{ stackId: string; changeSetId: string }> {
  const created = await c.cfn.send(
    new CreateChangeSetCommand({
      StackName: stackName,
      ChangeSetName: fresh('cs'),
      ChangeSetType: type,
      TemplateBody: JSON.stringify(template),
      Capabilities: CAPABILITIES,
      Parameters: params(parameters),
    }),
  );
  await settle(c);
  await c.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
  await settle(c);
  return { stackId: created.StackId as string, changeSetId: created.Id as string };
}

const describeStack = (c: Clients, StackName: string) =>
  capture(c.cfn.send(new DescribeStacksCommand({ StackName })));

// --- Lambda and CodeDeploy set-ups (documented fixtures name their function, application and group) ---

const zip = (text: string) => new TextEncoder().encode(text);

/** my-function with versions 1..4, alias live on 3; my-app/my-group with two alarms and auto-rollback. */
function releaseSetUp(c: Clients): void {
  const { lambda, codedeploy } = c.fake.state;
  for (let v = 1; v <= 4; v++) {
    lambda.putFunction({
      FunctionName: 'my-function',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      code: { sha256: `code-${v}`, size: 10 },
    });
    lambda.publishVersion('my-function');
  }
  lambda.putAlias('my-function', 'live', { FunctionVersion: '3' });
  codedeploy.putApplication('my-app', 'Lambda');
  codedeploy.putDeploymentGroup({
    applicationName: 'my-app',
    deploymentGroupName: 'my-group',
    deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy-role',
    alarms: ['my-function-errors', 'my-api-5xx'],
    alarmsEnabled: true,
    autoRollback: {
      enabled: true,
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
    },
  });
  c.fake.faults.setAlarm('my-function-errors', 'OK');
  c.fake.faults.setAlarm('my-api-5xx', 'OK');
}

/** The CLI's shift: a canary from `current` to `target`, described as the CLI describes it. */
function shift(c: Clients, current: string, target: string) {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        'my-function': {
          Type: 'AWS::Lambda::Function',
          Properties: { Name: 'my-function', Alias: 'live', CurrentVersion: current, TargetVersion: target },
        },
      },
    ],
  });
  return c.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: 'my-app',
      deploymentGroupName: 'my-group',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      description: `serverless-infra shift: version ${current} -> ${target}`,
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
    }),
  );
}

const MINUTE = 60_000;

async function target(c: Clients, deploymentId: string): Promise<Answer> {
  const { targetIds } = await c.codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
  return capture(
    c.codedeploy.send(new GetDeploymentTargetCommand({ deploymentId, targetId: targetIds?.[0] })),
  );
}

export const SCENARIOS: Scenario[] = [
  // --- CloudFormation ---
  {
    fixture: 'cloudformation/cancel-update-stack.json',
    async drive(c) {
      const name = fresh('cancel');
      await deploy(c, name, MINIMAL);
      const changed = structuredClone(MINIMAL);
      changed.Resources.SimpleParam.Properties.Value = 'changed';
      await deploy(c, name, changed, {}, 'UPDATE').catch(() => undefined);
      // deploy() settled the update; start another and cancel it while it runs.
      const again = structuredClone(MINIMAL);
      again.Resources.SimpleParam.Properties.Value = 'again';
      const cs = await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: 'again',
          ChangeSetType: 'UPDATE',
          TemplateBody: JSON.stringify(again),
        }),
      );
      await c.fake.clock.advance(1000);
      await c.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: cs.Id }));
      await c.fake.clock.advance(0);
      return [await capture(c.cfn.send(new CancelUpdateStackCommand({ StackName: name })))];
    },
  },
  {
    fixture: 'cloudformation/change-set-create-on-new-stack.json',
    async drive(c) {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: 'test <env>.test.net',
        Resources: {
          TestResource: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'DummyValue' } },
        },
      };
      const created = await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: fresh('stack'),
          ChangeSetName: fresh('cs'),
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(template),
        }),
      );
      await settle(c);
      const changeSet = await capture(
        c.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id })),
      );
      const before = await describeStack(c, created.StackId as string);
      await c.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
      await settle(c);
      return [changeSet, before, await describeStack(c, created.StackId as string)];
    },
  },
  {
    fixture: 'cloudformation/change-set-empty.json',
    async drive(c) {
      const name = fresh('stack');
      const template = JSON.stringify({
        Resources: {
          CDKMetadata: {
            Type: 'AWS::CDK::Metadata',
            Properties: { Analytics: 'v2:deflate64:H4sIAAAAAAAA' },
            Metadata: { 'aws:cdk:path': 'CdkTestStack/CDKMetadata/Default' },
          },
        },
      });
      const create = (type: 'CREATE' | 'UPDATE') =>
        capture(
          c.cfn.send(
            new CreateChangeSetCommand({
              StackName: name,
              ChangeSetName: fresh('change-set'),
              TemplateBody: template,
              Capabilities: CAPABILITIES,
              ChangeSetType: type,
            }),
          ),
        );
      const first = await create('CREATE');
      await settle(c);
      const firstId = first.output?.Id as string;
      const describeFirst = await capture(
        c.cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: firstId })),
      );
      await c.cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: firstId }));
      await settle(c);
      const nochange = await create('UPDATE');
      await settle(c);
      const nochangeId = nochange.output?.Id as string;
      return [
        first,
        describeFirst,
        nochange,
        await capture(
          c.cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: nochangeId })),
        ),
        await capture(
          c.cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: nochangeId })),
        ),
      ];
    },
  },
  {
    fixture: 'cloudformation/change-set-errors.json',
    async drive(c) {
      return [
        await capture(
          c.cfn.send(new DeleteChangeSetCommand({ StackName: 'nostack', ChangeSetName: 'DoesNotExist' })),
        ),
        await capture(c.cfn.send(new DeleteChangeSetCommand({ ChangeSetName: 'DoesNotExist' }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/change-set-name-conflicts.json',
    async drive(c) {
      const name = fresh('repeated-stack');
      const csName = fresh('initial-changeset');
      const create = () =>
        c.cfn.send(
          new CreateChangeSetCommand({
            StackName: name,
            ChangeSetName: csName,
            ChangeSetType: 'CREATE',
            TemplateBody: JSON.stringify(MINIMAL),
          }),
        );
      const initial = await create();
      await settle(c);
      await c.cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: csName }));
      await settle(c);
      const conflict = await capture(create());
      await c.cfn.send(new DeleteStackCommand({ StackName: name }));
      await settle(c);
      const second = await create();
      await settle(c);
      return [
        conflict,
        await describeStack(c, name),
        await describeStack(c, initial.StackId as string),
        await describeStack(c, second.StackId as string),
        await capture(c.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: initial.Id }))),
        await capture(c.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: second.Id }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/change-set-no-changes.json',
    async drive(c) {
      const template = { Resources: { MyTopic: { Type: 'AWS::SNS::Topic' } } };
      const { stackId } = await deploy(c, fresh('stack'), template);
      const created = await c.cfn.send(
        new CreateChangeSetCommand({
          ChangeSetName: fresh('cs'),
          StackName: stackId,
          ChangeSetType: 'UPDATE',
          TemplateBody: JSON.stringify(template),
        }),
      );
      await settle(c);
      return [await capture(c.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id })))];
    },
  },
  {
    fixture: 'cloudformation/change-set-obsolete.json',
    async drive() {
      return [skip(NO_CREATE_STACK), skip(NO_CREATE_STACK), skip(NO_CREATE_STACK)];
    },
  },
  {
    fixture: 'cloudformation/change-set-on-deleted-stack.json',
    async drive(c) {
      const body = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'Test' } };
      const template = JSON.stringify({
        Resources: Object.fromEntries([0, 1, 2, 3, 4].map((i) => [`Parameter${i}`, body])),
      });
      const { stackId } = await deploy(c, fresh('stack'), JSON.parse(template));
      await c.cfn.send(new DeleteStackCommand({ StackName: stackId }));
      const update = () =>
        capture(
          c.cfn.send(
            new CreateChangeSetCommand({
              StackName: stackId,
              ChangeSetName: 'test',
              TemplateBody: template,
              ChangeSetType: 'UPDATE',
            }),
          ),
        );
      const inProgress = await update();
      await settle(c);
      return [inProgress, await update()];
    },
  },
  {
    fixture: 'cloudformation/change-set-replacement-conditional.json',
    ours: [
      'StackId',
      'StackName',
      'ChangeSetName',
      'Parameters',
      'Changes[0].ResourceChange.PhysicalResourceId',
    ],
    async drive(c) {
      const template = (keyParameter = 'KeyPairName') => ({
        Parameters: {
          Purpose: { Type: 'String' },
          KeyPairName: { Type: 'String' },
          InstanceType: { Type: 'String' },
        },
        Resources: {
          MyEC2Instance: {
            Type: 'AWS::EC2::Instance',
            Properties: {
              ImageId: 'ami-0ff8a91507f77f867',
              KeyName: { Ref: keyParameter },
              InstanceType: { Ref: 'InstanceType' },
              Tags: [{ Key: 'Purpose', Value: { Ref: 'Purpose' } }],
            },
          },
        },
      });
      const name = 'SampleStack';
      await deploy(c, name, template(), {
        Purpose: 'testing',
        KeyPairName: 'MyKeyName',
        InstanceType: 't2.micro',
      });
      const describe = async (changeSetName: string, values: Record<string, string>) => {
        await c.cfn.send(
          new CreateChangeSetCommand({
            StackName: name,
            ChangeSetName: changeSetName,
            ChangeSetType: 'UPDATE',
            TemplateBody: JSON.stringify(template()),
            Parameters: params(values),
          }),
        );
        await settle(c);
        return capture(
          c.cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: changeSetName })),
        );
      };
      return [
        await describe('SampleChangeSet-multiple', {
          Purpose: 'production',
          KeyPairName: 'MyNewKeyName',
          InstanceType: 't2.small',
        }),
        await describe('SampleChangeSet-conditional', {
          Purpose: 'production',
          KeyPairName: 'MyKeyName',
          InstanceType: 't2.small',
        }),
      ];
    },
  },
  {
    fixture: 'cloudformation/change-set-replacement-true.json',
    async drive(c) {
      const name = fresh('stack');
      const [cs1, cs2] = [fresh('cs'), fresh('cs')];
      await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          TemplateBody: JSON.stringify(SNS_TOPIC_SIMPLE),
          ChangeSetName: cs1,
          ChangeSetType: 'CREATE',
          Parameters: params({ TopicName: fresh('topic') }),
        }),
      );
      await settle(c);
      await c.cfn.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: cs1 }));
      await settle(c);
      await c.cfn.send(new DeleteChangeSetCommand({ StackName: name, ChangeSetName: cs1 }));
      const deleted = await capture(
        c.cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: cs1 })),
      );
      await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          TemplateBody: JSON.stringify(SNS_TOPIC_SIMPLE),
          ChangeSetName: cs2,
          ChangeSetType: 'UPDATE',
          Parameters: params({ TopicName: fresh('topic') }),
        }),
      );
      await settle(c);
      return [
        deleted,
        await capture(c.cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: cs2 }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/change-set-review-accepts-operations.json',
    async drive(c) {
      const name = fresh('repeated-stack');
      const initial = await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: 'initial-changeset',
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(MINIMAL),
        }),
      );
      const stackId = initial.StackId as string;
      await settle(c);
      await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: stackId,
          ChangeSetName: 'additional-create',
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(MINIMAL),
        }),
      );
      await settle(c);
      const described = await describeStack(c, stackId);
      await c.cfn.send(new DeleteStackCommand({ StackName: name }));
      await settle(c);
      return [
        described,
        await capture(
          c.cfn.send(
            new CreateChangeSetCommand({
              StackName: stackId,
              ChangeSetName: 'revived-stack-changeset',
              ChangeSetType: 'CREATE',
              TemplateBody: JSON.stringify(MINIMAL),
            }),
          ),
        ),
      ];
    },
  },
  {
    fixture: 'cloudformation/continue-update-rollback.json',
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, MINIMAL);
      const changed = structuredClone(MINIMAL);
      changed.Resources.SimpleParam.Properties.Value = 'changed';
      c.fake.faults.failResource('SimpleParam', 'update failed', { on: 'update', times: 1 });
      c.fake.faults.failResource('SimpleParam', 'rollback failed', { on: 'rollback', times: 1 });
      await deploy(c, name, changed, {}, 'UPDATE');
      return [await capture(c.cfn.send(new ContinueUpdateRollbackCommand({ StackName: name })))];
    },
  },
  {
    fixture: 'cloudformation/delete-change-set.json',
    async drive(c) {
      const name = fresh('stack');
      await c.cfn.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: 'cs',
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(MINIMAL),
        }),
      );
      await settle(c);
      return [
        await capture(c.cfn.send(new DeleteChangeSetCommand({ StackName: name, ChangeSetName: 'cs' }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/delete-stack.json',
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, MINIMAL);
      return [await capture(c.cfn.send(new DeleteStackCommand({ StackName: name })))];
    },
  },
  {
    fixture: 'cloudformation/describe-deleted-stack.json',
    async drive(c) {
      const name = fresh('repeated-stack');
      const { stackId } = await deploy(c, name, MINIMAL);
      await c.cfn.send(new DeleteStackCommand({ StackName: name }));
      await settle(c);
      const byName = await describeStack(c, name);
      const events = await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: name })));
      void stackId;
      return [skip(NO_CREATE_STACK), byName, events, skip(NO_CREATE_STACK), skip(NO_CREATE_STACK)];
    },
  },
  {
    fixture: 'cloudformation/describe-stack-events-missing.json',
    async drive(c) {
      return [await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: 'does-not-exist' })))];
    },
  },
  {
    fixture: 'cloudformation/describe-stack-resources.json',
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, SIMPLE_API, { ApiName: fresh('test') });
      await deploy(c, name, SIMPLE_API_UPDATE, { ApiName: fresh('test') }, 'UPDATE');
      return [await capture(c.cfn.send(new DescribeStackResourcesCommand({ StackName: name })))];
    },
  },
  {
    fixture: 'cloudformation/describe-stacks-missing.json',
    async drive(c) {
      return [await describeStack(c, 'non-existing')];
    },
  },
  {
    fixture: 'cloudformation/describe-stacks-outputs.json',
    async drive(c) {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Parameters: {
          NormalParameter: {
            Type: 'String',
            Description: 'Some normal parameter here',
            Default: 'Some default value here',
          },
          SecretParameter: { Type: 'String', NoEcho: true, Description: 'Secret value here' },
          SecretParameterWithDefault: {
            Type: 'String',
            NoEcho: true,
            Description: 'Secret value here',
            Default: 'Default secret value here',
          },
        },
        Resources: {
          LocalBucket: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              BucketName: fresh('cfn-noecho-bucket'),
              Tags: [{ Key: 'SecretTag', Value: { Ref: 'SecretParameter' } }],
            },
            Metadata: { SensitiveData: { Ref: 'SecretParameter' } },
          },
        },
        Outputs: {
          SecretValue: { Description: 'Secret value from parameter', Value: { Ref: 'SecretParameter' } },
        },
      };
      const { stackId } = await deploy(c, fresh('stack'), template, { SecretParameter: 'SecretValue' });
      return [await describeStack(c, stackId)];
    },
  },
  {
    fixture: 'cloudformation/get-template.json',
    async drive(c) {
      const template = {
        Resources: { topic69831491: { Type: 'AWS::SNS::Topic' } },
        Outputs: { TopicName: { Value: { 'Fn::GetAtt': ['topic69831491', 'TopicName'] } } },
      };
      const { stackId } = await deploy(c, fresh('stack'), template);
      return [
        await capture(c.cfn.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' }))),
        await capture(c.cfn.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Processed' }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/stack-events-create-update-delete.json',
    events: { collapse: true, drop: ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'] },
    async drive(c) {
      const param = (value: unknown) => ({ Type: 'String', Value: value });
      const t1 = {
        Resources: {
          Dummy: { Type: 'AWS::SSM::Parameter', Properties: param('dummy') },
          A: { Type: 'AWS::SSM::Parameter', Properties: param('root'), DependsOn: ['Dummy'] },
          B: { Type: 'AWS::SSM::Parameter', Properties: param({ Ref: 'A' }) },
          C: { Type: 'AWS::SSM::Parameter', Properties: param({ Ref: 'B' }) },
        },
      };
      const t2 = { Resources: { Dummy: t1.Resources.Dummy, A: t1.Resources.A } };
      const name = fresh('stack');
      const csName = fresh('cs');
      const answers: Step[] = [];
      for (const [template, type] of [
        [t1, 'CREATE'],
        [t2, 'UPDATE'],
      ] as const) {
        const created = await capture(
          c.cfn.send(
            new CreateChangeSetCommand({
              StackName: name,
              ChangeSetName: csName,
              TemplateBody: JSON.stringify(template),
              ChangeSetType: type,
              Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
            }),
          ),
        );
        await settle(c);
        const id = created.output?.Id as string;
        answers.push(created, await capture(c.cfn.send(new DescribeChangeSetCommand({ ChangeSetName: id }))));
        answers.push(await capture(c.cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: id }))));
        await settle(c);
        answers.push(await describeStack(c, created.output?.StackId as string));
      }
      const stackId = (answers[0] as Answer).output?.StackId as string;
      await c.cfn.send(new DeleteStackCommand({ StackName: stackId }));
      await settle(c);
      answers.push(await describeStack(c, stackId));
      answers.push(await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))));
      return answers;
    },
  },
  {
    fixture: 'cloudformation/stack-events-create.json',
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, SNS_TOPIC_SIMPLE, { TopicName: fresh('topic') });
      return [await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: name })))];
    },
  },
  {
    fixture: 'cloudformation/stack-events-delete-skipped.json',
    // Created through a change set: the fake's first event is REVIEW_IN_PROGRESS, CreateStack's is not.
    events: { drop: ['REVIEW_IN_PROGRESS'] },
    async drive(c) {
      const template = {
        Parameters: { Name: { Type: 'String' } },
        Resources: {
          BrokenPolicy: {
            Type: 'AWS::IAM::Policy',
            Properties: {
              PolicyName: { Ref: 'Name' },
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
              },
            },
          },
        },
      };
      const name = fresh('test-stacks-blocked');
      c.fake.faults.failResource('BrokenPolicy', 'Policy document should not specify a principal.', {
        on: 'create',
      });
      c.fake.faults.failResource('BrokenPolicy', 'Policy does not exist', { on: 'rollback' });
      c.fake.faults.failResource('BrokenPolicy', 'Policy does not exist', { on: 'delete', times: 1 });
      const { stackId } = await deploy(c, name, template, { Name: fresh('test-broken-policy') });
      await c.cfn.send(new DeleteStackCommand({ StackName: stackId }));
      await settle(c);
      await c.cfn.send(new DeleteStackCommand({ StackName: stackId, RetainResources: ['BrokenPolicy'] }));
      await settle(c);
      return [
        skip(NO_CREATE_STACK),
        skip(NO_CREATE_STACK),
        skip(NO_CREATE_STACK),
        await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: stackId }))),
      ];
    },
  },
  {
    fixture: 'cloudformation/stack-events-deletion-policy-retain.json',
    // Rebuilt from LocalStack's per-resource capture, which keeps each resource's changes of status.
    events: { collapse: true },
    async drive(c) {
      const template = {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: 'Minimal DynamoDB Conditional DeletionPolicy Example',
        Parameters: {
          ParameterValue: { Type: 'String' },
          EnvType: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] },
        },
        Conditions: { IsPermanentEnvironment: { 'Fn::Equals': [{ Ref: 'EnvType' }, 'prod'] } },
        Resources: {
          MyParameter: {
            Type: 'AWS::SSM::Parameter',
            DeletionPolicy: { 'Fn::If': ['IsPermanentEnvironment', 'Retain', 'Delete'] },
            Properties: { Type: 'String', Value: { Ref: 'ParameterValue' } },
          },
        },
        Outputs: { ParameterName: { Value: { Ref: 'MyParameter' } } },
      };
      const { stackId } = await deploy(c, fresh('stack'), template, { EnvType: 'prod', ParameterValue: 'v' });
      await c.cfn.send(new DeleteStackCommand({ StackName: stackId }));
      await settle(c);
      return [await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: stackId })))];
    },
  },
  {
    fixture: 'cloudformation/stack-events-failed-update-rollback.json',
    events: { reasons: true, drop: ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'] },
    ours: ['Stacks[0].StackName'],
    async drive(c) {
      const template = (size: string) => ({
        Resources: {
          MyDB: { Type: 'AWS::RDS::DBInstance', Properties: { AllocatedStorage: size, Engine: 'mysql' } },
        },
      });
      const name = 'MyStack';
      await deploy(c, name, template('10'));
      c.fake.faults.failResource('MyDB', 'Size cannot be less than current size; requested: 5; current: 10', {
        on: 'update',
      });
      // Only the update's events, as the guide shows them.
      const before =
        (await c.cfn.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents?.length ?? 0;
      await deploy(c, name, template('5'), {}, 'UPDATE');
      const events = await capture(c.cfn.send(new DescribeStackEventsCommand({ StackName: name })));
      const list = events.output?.StackEvents as unknown[];
      events.output = { ...events.output, StackEvents: list.slice(0, list.length - before) };
      return [events, await describeStack(c, name)];
    },
  },
  {
    fixture: 'cloudformation/stack-lifecycle.json',
    async drive(c) {
      const name = fresh('stack');
      const { stackId } = await deploy(c, name, SIMPLE_API, { ApiName: fresh('test') });
      const created = await describeStack(c, stackId);
      await deploy(c, name, SIMPLE_API, { ApiName: fresh('test') }, 'UPDATE');
      const updated = await describeStack(c, stackId);
      await c.cfn.send(new DeleteStackCommand({ StackName: name }));
      await settle(c);
      return [created, updated, await describeStack(c, name), await describeStack(c, stackId)];
    },
  },
  {
    fixture: 'cloudformation/update-no-changes.json',
    async drive() {
      return [skip('UpdateStack is not implemented: no client calls it (updates go through change sets)')];
    },
  },
  {
    fixture: 'cloudformation/update-termination-protection-output.json',
    ours: ['StackId'],
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, MINIMAL);
      return [
        await capture(
          c.cfn.send(
            new UpdateTerminationProtectionCommand({ StackName: name, EnableTerminationProtection: true }),
          ),
        ),
      ];
    },
  },
  {
    fixture: 'cloudformation/update-termination-protection.json',
    async drive(c) {
      const name = fresh('stack');
      await deploy(c, name, SIMPLE_API, { ApiName: fresh('test') });
      const set = async (EnableTerminationProtection: boolean) => {
        await c.cfn.send(
          new UpdateTerminationProtectionCommand({ StackName: name, EnableTerminationProtection }),
        );
        return describeStack(c, name);
      };
      return [await set(true), await set(false)];
    },
  },

  // --- Lambda ---
  {
    fixture: 'lambda/alias-weight-bounds.json',
    async drive(c) {
      const name = fresh('fn');
      await c.lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Handler: 'index.handler',
          Code: { ZipFile: zip('v1') },
          Role: 'arn:aws:iam::123456789012:role/lambda-role',
          Runtime: 'python3.12',
        }),
      );
      await c.lambda.send(new PublishVersionCommand({ FunctionName: name }));
      await c.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip('v2') }));
      await c.lambda.send(new PublishVersionCommand({ FunctionName: name }));
      const alias = (Name: string, weights?: Record<string, number>) =>
        capture(
          c.lambda.send(
            new CreateAliasCommand({
              FunctionName: name,
              Name,
              FunctionVersion: '1',
              ...(weights ? { RoutingConfig: { AdditionalVersionWeights: weights } } : {}),
            }),
          ),
        );
      return [
        await alias('custom', { '2': 2 }),
        await alias('custom-empty-routingconfig', {}),
        await alias('custom', { '2': 0.5 }),
      ];
    },
  },
  {
    fixture: 'lambda/get-account-settings.json',
    ours: ['AccountLimit.UnreservedConcurrentExecutions', 'AccountUsage'],
    async drive(c) {
      return [await capture(c.lambda.send(new GetAccountSettingsCommand({})))];
    },
  },
  {
    fixture: 'lambda/get-alias-during-canary.json',
    async drive(c) {
      releaseSetUp(c);
      await shift(c, '3', '4');
      await c.fake.clock.advance(2000);
      return [
        await capture(c.lambda.send(new GetAliasCommand({ FunctionName: 'my-function', Name: 'live' }))),
      ];
    },
  },
  {
    fixture: 'lambda/get-alias-missing.json',
    async drive(c) {
      releaseSetUp(c);
      return [
        await capture(c.lambda.send(new GetAliasCommand({ FunctionName: 'my-function', Name: 'nosuch' }))),
      ];
    },
  },
  {
    fixture: 'lambda/get-alias-routing-config.json',
    async drive(c) {
      const name = fresh('alias-fn');
      const input = {
        FunctionName: name,
        Handler: 'index.handler',
        Role: 'arn:aws:iam::123456789012:role/lambda-role',
        Runtime: 'python3.12' as const,
      };
      await c.lambda.send(
        new CreateFunctionCommand({
          ...input,
          Code: { ZipFile: zip('echo') },
          Environment: { Variables: { testenv: 'staging' } },
        }),
      );
      await c.lambda.send(new PublishVersionCommand({ FunctionName: name }));
      // UpdateFunctionConfiguration is not the fake's (nothing calls it): the configuration is set directly.
      c.fake.state.lambda.putFunction({
        ...input,
        Environment: { Variables: { testenv: 'prod' } },
        code: { sha256: 'echo', size: 4 },
      });
      await c.lambda.send(new PublishVersionCommand({ FunctionName: name }));
      const alias = async (Name: string, input: Omit<CreateAliasCommandInput, 'FunctionName' | 'Name'>) => {
        await c.lambda.send(new CreateAliasCommand({ FunctionName: name, Name, ...input }));
        return capture(c.lambda.send(new GetAliasCommand({ FunctionName: name, Name })));
      };
      return [
        await alias('aliasname1_1', {
          FunctionVersion: '1',
          Description: 'custom-alias',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.2 } },
        }),
        await alias('aliasname1_2', { FunctionVersion: '1', Description: 'custom-alias' }),
        await alias('aliasname1_3', { FunctionVersion: '1' }),
      ];
    },
  },
  {
    fixture: 'lambda/get-function-concurrency-missing-function.json',
    async drive(c) {
      return [
        await capture(
          c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: fresh('nonexisting-fn') })),
        ),
      ];
    },
  },
  {
    fixture: 'lambda/get-function-concurrency.json',
    async drive(c) {
      const name = fresh('lambda_func');
      const input = {
        FunctionName: name,
        Runtime: 'python3.12',
        Handler: 'index.handler',
        code: { sha256: 'echo', size: 4 },
      };
      // PutFunctionConcurrency/DeleteFunctionConcurrency are not the fake's (nothing calls them): the
      // function's reserved concurrency is set as a stack sets it.
      c.fake.state.lambda.putFunction({ ...input, ReservedConcurrentExecutions: 1 });
      const set = await capture(c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name })));
      c.fake.state.lambda.putFunction(input);
      return [set, await capture(c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name })))];
    },
  },
  {
    fixture: 'lambda/list-versions-paging.json',
    ours: [
      'Versions[0].Timeout',
      'Versions[0].Environment',
      'Versions[1].Environment',
      'Versions[0].Description',
      'Versions[1].Description',
    ],
    async drive(c) {
      const config = {
        FunctionName: 'my-function',
        Runtime: 'nodejs12.x',
        Handler: 'index.handler',
        Description: 'Process image objects from Amazon S3.',
        Timeout: 5,
        MemorySize: 256,
        Environment: { Variables: { BUCKET: 'my-bucket-1xpuxmplzrlbh', PREFIX: 'inbound' } },
        TracingConfig: { Mode: 'Active' },
        KMSKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/b0844d6c-xmpl-4463-97a4-d49f50839966',
      };
      const { lambda } = c.fake.state;
      lambda.putFunction({ ...config, code: { sha256: 'one', size: 5797206 } });
      lambda.publishVersion('my-function');
      lambda.putFunction({ ...config, code: { sha256: 'two', size: 5797206 } });
      lambda.publishVersion('my-function');
      const first = await capture(
        c.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'my-function', MaxItems: 2 })),
      );
      const marker = first.output?.NextMarker as string | undefined;
      return [
        first,
        await capture(
          c.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'my-function', Marker: marker })),
        ),
      ];
    },
  },
  {
    fixture: 'lambda/publish-version-unchanged.json',
    async drive(c) {
      const name = fresh('fn');
      await c.lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Handler: 'index.handler',
          Code: { ZipFile: zip('echo') },
          PackageType: 'Zip',
          Role: 'arn:aws:iam::123456789012:role/lambda-role',
          Runtime: 'python3.12',
          Publish: true,
        }),
      );
      const list = () => capture(c.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name })));
      return [
        await list(),
        await capture(
          c.lambda.send(
            new PublishVersionCommand({ FunctionName: name, Description: 'Repeated version description :)' }),
          ),
        ),
        await list(),
      ];
    },
  },

  // --- CodeDeploy (documented: the situation each document describes, names as the fixture's) ---
  {
    fixture: 'codedeploy/create-deployment.json',
    async drive(c) {
      releaseSetUp(c);
      return [await capture(shift(c, '3', '4'))];
    },
  },
  {
    fixture: 'codedeploy/deployment-in-progress.json',
    ours: ['deploymentTarget.lambdaTarget.lifecycleEvents'],
    async drive(c) {
      releaseSetUp(c);
      const { deploymentId } = await shift(c, '3', '4');
      await c.fake.clock.advance(2000);
      return [
        await capture(c.codedeploy.send(new GetDeploymentCommand({ deploymentId }))),
        await capture(c.codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }))),
        await target(c, deploymentId as string),
      ];
    },
  },
  {
    fixture: 'codedeploy/deployment-stopped-by-alarm.json',
    async drive(c) {
      releaseSetUp(c);
      const { deploymentId } = await shift(c, '3', '4');
      await c.fake.clock.advance(2000 + MINUTE);
      c.fake.faults.setAlarm('my-function-errors', 'ALARM');
      await c.fake.clock.advance(MINUTE);
      return [await capture(c.codedeploy.send(new GetDeploymentCommand({ deploymentId })))];
    },
  },
  {
    fixture: 'codedeploy/deployment-stopped.json',
    ours: ['statusMessage'],
    async drive(c) {
      releaseSetUp(c);
      const { deploymentId } = await shift(c, '3', '4');
      await c.fake.clock.advance(2000);
      const stop = await capture(
        c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true })),
      );
      return [stop, await capture(c.codedeploy.send(new GetDeploymentCommand({ deploymentId })))];
    },
  },
  {
    fixture: 'codedeploy/deployment-succeeded.json',
    ours: ['deploymentTarget.lambdaTarget.lifecycleEvents'],
    async drive(c) {
      releaseSetUp(c);
      const { deploymentId } = await shift(c, '3', '4');
      await c.fake.clock.runAll();
      return [
        await capture(c.codedeploy.send(new GetDeploymentCommand({ deploymentId }))),
        await target(c, deploymentId as string),
      ];
    },
  },
  {
    fixture: 'codedeploy/get-deployment-group.json',
    async drive(c) {
      releaseSetUp(c);
      return [
        await capture(
          c.codedeploy.send(
            new GetDeploymentGroupCommand({ applicationName: 'my-app', deploymentGroupName: 'my-group' }),
          ),
        ),
      ];
    },
  },
  {
    fixture: 'codedeploy/rollback-deployment.json',
    // The fixture's ids are its own: the fake's deployments are listed in the fixture's order (newest first).
    async drive(c) {
      releaseSetUp(c);
      c.fake.state.lambda.putAlias('my-function', 'live', { FunctionVersion: '2' });
      const previous = await shift(c, '2', '3');
      await c.fake.clock.runAll();
      const stopped = await shift(c, '3', '4');
      await c.fake.clock.advance(2000 + MINUTE);
      c.fake.faults.setAlarm('my-function-errors', 'ALARM');
      await c.fake.clock.advance(MINUTE);
      await c.fake.clock.runAll();
      const listed = await capture(
        c.codedeploy.send(
          new ListDeploymentsCommand({ applicationName: 'my-app', deploymentGroupName: 'my-group' }),
        ),
      );
      const ids = (listed.output?.deployments as string[]) ?? [];
      const rollbackId = ids.find(
        (id) => id !== previous.deploymentId && id !== stopped.deploymentId,
      ) as string;
      return [
        listed,
        await capture(
          c.codedeploy.send(
            new BatchGetDeploymentsCommand({
              deploymentIds: [rollbackId, stopped.deploymentId as string, previous.deploymentId as string],
            }),
          ),
        ),
        await capture(c.codedeploy.send(new GetDeploymentCommand({ deploymentId: rollbackId }))),
      ];
    },
  },

  // --- STS ---
  {
    fixture: 'sts/get-caller-identity.json',
    ours: ['Arn'],
    async drive(c) {
      return [
        await capture(c.sts.send(new GetCallerIdentityCommand({}))),
        skip('an assumed role: the fake answers every call as the one user of the account (no AssumeRole)'),
      ];
    },
  },
  {
    fixture: 'lambda/invoke.json',
    // The thrown error's payload also carries the stack (`trace`), as the Node.js runtime's does.
    ours: ['Payload'],
    async drive(c) {
      const { lambda } = c.fake.state;
      for (let v = 1; v <= 4; v++) {
        const inline = `exports.handler = async (event) => { if (event.path === '/boom') throw new Error('boom'); return { statusCode: 200, body: JSON.stringify({ items: [] }) }; }; // ${v}`;
        lambda.putFunction({
          FunctionName: 'my-function',
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          code: { sha256: `invoke-code-${v}`, size: inline.length, inline },
        });
        lambda.publishVersion('my-function');
      }
      const invoke = (path: string) =>
        capture(
          c.lambda.send(
            new InvokeCommand({
              FunctionName: 'my-function',
              Qualifier: '4',
              Payload: new TextEncoder().encode(JSON.stringify({ path })),
            }),
          ),
        );
      const answered = await invoke('/items');
      const threw = await invoke('/boom');
      // The answer's payload is the function's own: exactly the fixture's (the thrown error's is `ours` above).
      if (
        (answered.output as { Payload?: string })?.Payload !== '{"statusCode":200,"body":"{\\"items\\":[]}"}'
      ) {
        throw new Error(`unexpected payload ${JSON.stringify(answered.output)}`);
      }
      return [answered, threw];
    },
  },
  {
    fixture: 'codedeploy/put-lifecycle-event-hook-execution-status.json',
    // An opaque token CodeDeploy makes up: the fixture's value is ours too.
    ours: ['lifecycleEventHookExecutionId'],
    async drive(c) {
      releaseSetUp(c);
      // The hook function writes the event CodeDeploy invokes it with to a file: the test answers for it.
      const file = path.join(tmpdir(), `hook-event-${process.pid}-${Date.now()}.json`);
      const inline = `exports.handler = async (event) => { require('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(event)); };`;
      c.fake.state.lambda.putFunction({
        FunctionName: 'my-hook',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        code: { sha256: 'hook-code', size: inline.length, inline },
      });
      const appSpec = {
        version: 0.0,
        Resources: [
          {
            'my-function': {
              Type: 'AWS::Lambda::Function',
              Properties: { Name: 'my-function', Alias: 'live', CurrentVersion: '3', TargetVersion: '4' },
            },
          },
        ],
        Hooks: [{ BeforeAllowTraffic: 'my-hook' }],
      };
      const { deploymentId } = await c.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: 'my-app',
          deploymentGroupName: 'my-group',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
        }),
      );
      await c.fake.clock.advance(2000);
      let event: { LifecycleEventHookExecutionId?: string } = {};
      for (let i = 0; i < 100 && !event.LifecycleEventHookExecutionId; i++) {
        await new Promise((r) => setTimeout(r, 50));
        if (existsSync(file)) event = JSON.parse(readFileSync(file, 'utf8'));
      }
      rmSync(file, { force: true });
      return [
        await capture(
          c.codedeploy.send(
            new PutLifecycleEventHookExecutionStatusCommand({
              deploymentId,
              lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
              status: 'Succeeded',
            }),
          ),
        ),
      ];
    },
  },
];
