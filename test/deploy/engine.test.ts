import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { GetAccountSettingsCommand, GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { translateAwsError } from '../../src/aws/aws-errors.js';
import { AwsClients } from '../../src/aws/clients.js';
import type { ResolvedEnvironment } from '../../src/config/schema.js';
import { type DeployOptions, deployStack } from '../../src/deploy/engine.js';
import type { StackSource } from '../../src/deploy/stack-source.js';
import { appStackHooks } from '../../src/environment/app-stack.js';
import { UserError } from '../../src/errors.js';
import {
  deployedStack,
  event,
  eventHistory,
  noSleep,
  RecordingUi,
  STACK,
  STACK_ID,
  source,
} from './fixtures.js';

const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const codeDeploy = mockClient(CodeDeployClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const all = [cfn, lambda, sts, codeDeploy, sns, s3];

const ENV: ResolvedEnvironment = {
  name: 'Staging',
  email: 'ops@example.com',
  region: 'eu-west-1',
  stackName: STACK,
  resourceId: 'abcd1234',
  releaseStrategy: 'LambdaCanary10Percent5Minutes',
};
const fast = { pollMs: 1, sleep: noSleep };

/** The engine with the app stack's hooks (LiveAliasVersion, the shift and concurrency checks, outputs). */
function deploy(
  src: StackSource,
  ui: RecordingUi,
  options: DeployOptions,
  env: Partial<ResolvedEnvironment> = {},
) {
  const c = clients();
  return deployStack(src, c, ui, options, appStackHooks({ ...ENV, ...env }, c));
}

function totalCalls(): number {
  return all.reduce((n, m) => n + m.calls().length, 0);
}

function missing(name = 'ValidationError') {
  return Object.assign(new Error(`Stack with id ${STACK} does not exist`), { name });
}

function changeSet(changes: Array<{ action: string; id: string; type: string; replacement?: string }>) {
  cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1', StackId: STACK_ID });
  cfn.on(DescribeChangeSetCommand).resolves({
    Status: 'CREATE_COMPLETE',
    Changes: changes.map((c) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: c.action as 'Add',
        LogicalResourceId: c.id,
        ResourceType: c.type,
        Replacement: c.replacement as 'True' | undefined,
      },
    })),
  });
}

beforeEach(() => {
  for (const m of all) m.reset();
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev' });
  codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
  sns
    .on(ListSubscriptionsByTopicCommand)
    .resolves({ Subscriptions: [{ SubscriptionArn: 'PendingConfirmation' }] });
  lambda.on(GetAliasCommand).resolves({ FunctionVersion: '2' });
});

afterEach(() => {
  for (const m of all) m.reset();
});

const clients = () => new AwsClients({ region: 'eu-west-1' });

describe('no-op fast path', () => {
  it('decides "no changes" from at most three AWS calls and uploads nothing', async () => {
    const src = source();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack('UPDATE_COMPLETE', '2')] });
    // Key order differs from the local template: still the same template.
    const deployed = { Resources: src.template.Resources, Parameters: src.template.Parameters };
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(deployed) });
    const ui = new RecordingUi();
    const result = await deploy(src, ui, fast);
    expect(result.outcome).toBe('no-changes');
    expect(totalCalls()).toBeLessThanOrEqual(3);
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(ui.text).toMatch(/No changes/);
  });

  it('is not taken when the alias moved (the LiveAliasVersion parameter differs)', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack('UPDATE_COMPLETE', '1')] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(source().template) });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes." });
    const result = await deploy(source(), new RecordingUi(), fast);
    expect(result.outcome).toBe('no-changes');
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input?.Parameters).toContainEqual({ ParameterKey: 'LiveAliasVersion', ParameterValue: '2' });
    expect(input?.ChangeSetType).toBe('UPDATE');
  });

  it('counts an empty deployed LiveAliasVersion as the version that deploy published', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack('CREATE_COMPLETE', '')] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(source().template) });
    lambda.on(GetAliasCommand).resolves({ FunctionVersion: '3' }); // NewVersion in the outputs
    const result = await deploy(source(), new RecordingUi(), fast);
    expect(result.outcome).toBe('no-changes');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('is skipped with --force, and when tags or termination protection differ', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack()] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(source().template) });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves({ Status: 'FAILED', StatusReason: 'No updates are to be performed.' });
    await deploy(source({ tags: { Project: 'Other' } }), new RecordingUi(), fast);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(1);
    cfn.resetHistory();
    // Termination protection alone is not a change set matter: one UpdateTerminationProtection call.
    const result = await deploy(source({ terminationProtection: true }), new RecordingUi(), fast);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(
      cfn.commandCalls(UpdateTerminationProtectionCommand)[0]?.args[0].input.EnableTerminationProtection,
    ).toBe(true);
    expect(result.outcome).toBe('deployed');
    cfn.resetHistory();
    await deploy(source(), new RecordingUi(), { ...fast, force: true });
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(1);
  });
});

describe('first deploy', () => {
  it('creates with a CREATE change set, empty LiveAliasVersion, follows events and reports outputs', async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(missing())
      .resolves({ Stacks: [deployedStack('CREATE_COMPLETE', '')] });
    changeSet([
      { action: 'Add', id: 'Table', type: 'AWS::DynamoDB::Table' },
      { action: 'Add', id: 'Fn', type: 'AWS::Lambda::Function' },
    ]);
    eventHistory(cfn, [
      [
        event(STACK, 'CREATE_COMPLETE'),
        event('Fn', 'CREATE_COMPLETE'),
        event('Fn', 'CREATE_IN_PROGRESS'),
        event(STACK, 'CREATE_IN_PROGRESS', 'User Initiated'),
      ],
    ]);
    const ui = new RecordingUi();
    const result = await deploy(source(), ui, fast);
    expect(result.outcome).toBe('deployed');
    expect(result.changeSetType).toBe('CREATE');
    expect(result.stackStatus).toBe('CREATE_COMPLETE');
    expect(lambda.commandCalls(GetAliasCommand)).toHaveLength(0);
    const input = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(input?.Parameters).toContainEqual({ ParameterKey: 'LiveAliasVersion', ParameterValue: '' });
    expect(result.parameters).toMatchObject({ LiveAliasVersion: '' });
    expect(result.outputs.NewVersion).toBe('3');
    expect(ui.text).toMatch(/CREATE_COMPLETE {2}Fn/);
  });

  it('a stack that reaches CREATE_COMPLETE without its outputs (moto, after an ExecuteChangeSet answered 500) fails the deploy', async () => {
    const { Outputs: _none, ...withoutOutputs } = deployedStack('CREATE_COMPLETE', '');
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(missing())
      .resolves({ Stacks: [withoutOutputs] });
    changeSet([{ action: 'Add', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    eventHistory(cfn, [
      [event(STACK, 'CREATE_COMPLETE'), event(STACK, 'CREATE_IN_PROGRESS', 'User Initiated')],
    ]);
    const failure = await deploy(source(), new RecordingUi(), fast).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UserError);
    expect((failure as UserError).code).toBe('DeployIncomplete');
    expect((failure as Error).message).toMatch(/reached CREATE_COMPLETE but has no .*NewVersion.* outputs?/);
  });

  it('treats REVIEW_IN_PROGRESS as a new stack (CREATE)', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [{ ...deployedStack('REVIEW_IN_PROGRESS'), Outputs: [] }] })
      .resolves({ Stacks: [deployedStack('CREATE_COMPLETE')] });
    changeSet([{ action: 'Add', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    eventHistory(cfn, [[event(STACK, 'CREATE_COMPLETE')]]);
    const result = await deploy(source(), new RecordingUi(), fast);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).toBe('CREATE');
    expect(result.outcome).toBe('deployed');
  });
});

describe('security changes (--require-approval)', () => {
  /** An update that adds a role with an inline policy: broader permissions. */
  function broadening() {
    const src = source();
    src.template.Resources.Role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: 'p',
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
            },
          },
        ],
      },
    };
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack()] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(source().template) });
    changeSet([{ action: 'Add', id: 'Role', type: 'AWS::IAM::Role' }]);
    eventHistory(cfn, [[event(STACK, 'UPDATE_COMPLETE')]]);
    return src;
  }

  it('shows the IAM changes and, without a terminal or --yes, refuses a broadening one (exit 2), executing nothing', async () => {
    const ui = new RecordingUi(false, false);
    const error = await deploy(broadening(), ui, fast).catch((e) => e);
    expect(error).toMatchObject({ code: 'ConfirmationRequired', exitCode: 2 });
    expect(error.message).toMatch(/broadens permissions/);
    expect(error.suggestion).toMatch(/--yes|--require-approval never/);
    expect(ui.text).toMatch(/Security changes \(they broaden permissions\)/);
    expect(ui.text).toMatch(/s3:GetObject/);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
  });

  it('asks in a terminal; --yes or --require-approval never deploys', async () => {
    const asked = new RecordingUi(true, false);
    expect((await deploy(broadening(), asked, fast)).outcome).toBe('deployed');
    expect(asked.questions).toEqual(['Deploy these security changes?']);
    expect((await deploy(broadening(), new RecordingUi(false, true), fast)).outcome).toBe('deployed');
    const never = await deploy(broadening(), new RecordingUi(false, false), {
      ...fast,
      requireApproval: 'never',
    });
    expect(never.outcome).toBe('deployed');
  });
});

describe('destructive change sets', () => {
  beforeEach(() => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack()] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    changeSet([
      { action: 'Modify', id: 'Table', type: 'AWS::DynamoDB::Table', replacement: 'True' },
      { action: 'Modify', id: 'Fn', type: 'AWS::Lambda::Function' },
    ]);
  });

  it('are refused without --yes when nobody can be asked; nothing is executed', async () => {
    const ui = new RecordingUi(false, false);
    const error = await deploy(source(), ui, fast).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('ConfirmationRequired');
    expect(error.exitCode).not.toBe(0);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(ui.text).toMatch(/Table.*replace/);
  });

  it('are asked about in a terminal, and a "no" cancels', async () => {
    const ui = new RecordingUi(true, false);
    ui.confirmAnswer = false;
    const error = await deploy(source(), ui, fast).catch((e) => e);
    expect(error.code).toBe('Cancelled');
    expect(ui.questions).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it('go ahead with --yes', async () => {
    eventHistory(cfn, [[event(STACK, 'UPDATE_COMPLETE')]]);
    const result = await deploy(source(), new RecordingUi(false, true), fast);
    expect(result.outcome).toBe('deployed');
    expect(result.changes.find((c) => c.logicalId === 'Table')).toMatchObject({
      action: 'replace',
      destructive: true,
    });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(1);
  });
});

describe('failures', () => {
  it('print the root cause, not the cancellations, and fail', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack()] })
      .resolves({ Stacks: [{ ...deployedStack('UPDATE_ROLLBACK_COMPLETE') }] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    changeSet([{ action: 'Modify', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    eventHistory(cfn, [
      [
        event(STACK, 'UPDATE_ROLLBACK_COMPLETE'),
        event(STACK, 'UPDATE_ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to update: [Fn].'),
        event('Api', 'UPDATE_FAILED', 'Resource update cancelled', 'AWS::ApiGateway::RestApi'),
        event(
          'Fn',
          'UPDATE_FAILED',
          "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [10].",
        ),
        event('Fn', 'UPDATE_IN_PROGRESS'),
      ],
    ]);
    const error = await deploy(source(), new RecordingUi(), fast).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.code).toBe('DeployFailed');
    expect(error.message).toMatch(/UPDATE_ROLLBACK_COMPLETE/);
    expect(error.message).toMatch(
      /Fn \(AWS::Lambda::Function\) UPDATE_FAILED: Specified ReservedConcurrentExecutions/,
    );
    expect(error.message).toMatch(/reservedConcurrency/);
    expect(error.message).not.toMatch(/Api/);
  });

  it('rejected change sets say why', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack()] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    cfn.on(CreateChangeSetCommand).resolves({ Id: 'cs-1' });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves({ Status: 'FAILED', StatusReason: 'Template format error: bad' });
    const error = await deploy(source(), new RecordingUi(), fast).catch((e) => e);
    expect(error.message).toMatch(/Template format error/);
  });

  it('expired credentials name the fix', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredToken',
        $metadata: {},
      }),
    );
    const error = translateAwsError(await deploy(source(), new RecordingUi(), fast).catch((e) => e));
    expect(error).toBeInstanceOf(UserError);
    expect(error?.code).toBe('Credentials');
    expect(error?.message).toMatch(/expired/);
    expect(error?.suggestion).toMatch(/sso login|--profile/);
  });
});

describe('stack states', () => {
  it('ROLLBACK_COMPLETE: says so, deletes with --yes and creates again', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack('ROLLBACK_COMPLETE')] })
      .resolvesOnce({ Stacks: [{ ...deployedStack('DELETE_COMPLETE') }] })
      .rejectsOnce(missing())
      .resolves({ Stacks: [deployedStack('CREATE_COMPLETE')] });
    changeSet([{ action: 'Add', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    eventHistory(cfn, [[event(STACK, 'DELETE_COMPLETE')], [event(STACK, 'CREATE_COMPLETE')]]);
    const ui = new RecordingUi(false, true);
    const result = await deploy(source(), ui, fast);
    expect(ui.text).toMatch(/ROLLBACK_COMPLETE/);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).toBe('CREATE');
    expect(result.outcome).toBe('deployed');
  });

  it('ROLLBACK_COMPLETE without --yes in CI: refuses, deletes nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack('ROLLBACK_COMPLETE')] });
    const error = await deploy(source(), new RecordingUi(), fast).catch((e) => e);
    expect(error.code).toBe('ConfirmationRequired');
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('UPDATE_ROLLBACK_FAILED: continues the rollback skipping the failed resources', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack('UPDATE_ROLLBACK_FAILED')] })
      .resolvesOnce({ Stacks: [deployedStack('UPDATE_ROLLBACK_COMPLETE')] })
      .resolvesOnce({ Stacks: [deployedStack('UPDATE_ROLLBACK_COMPLETE')] })
      .resolves({ Stacks: [deployedStack('UPDATE_COMPLETE')] });
    cfn.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'Fn',
          ResourceStatus: 'UPDATE_FAILED',
          ResourceType: 'x',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'Table',
          ResourceStatus: 'UPDATE_COMPLETE',
          ResourceType: 'x',
          Timestamp: new Date(),
        },
      ],
    });
    eventHistory(cfn, [[event(STACK, 'UPDATE_ROLLBACK_COMPLETE')], [event(STACK, 'UPDATE_COMPLETE')]]);
    changeSet([{ action: 'Modify', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    const ui = new RecordingUi(true, false);
    const result = await deploy(source(), ui, fast);
    expect(ui.questions[0]).toMatch(/skipping Fn/);
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)[0]?.args[0].input.ResourcesToSkip).toEqual(['Fn']);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input.ChangeSetType).toBe('UPDATE');
    expect(result.outcome).toBe('deployed');
  });

  it('busy stack with --no-wait: refuses', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack('UPDATE_IN_PROGRESS')] });
    const error = await deploy(source(), new RecordingUi(), {
      ...fast,
      noWait: true,
    }).catch((e) => e);
    expect(error.code).toBe('StackBusy');
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('busy stack: waits for the operation, then updates', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack('UPDATE_IN_PROGRESS')] })
      .resolves({ Stacks: [deployedStack('UPDATE_COMPLETE')] });
    // Someone else's update is running: its end shows after the first read; then ours.
    eventHistory(cfn, [[event(STACK, 'UPDATE_COMPLETE')], [event(STACK, 'UPDATE_COMPLETE')]], {
      running: true,
    });
    changeSet([{ action: 'Modify', id: 'Fn', type: 'AWS::Lambda::Function' }]);
    const ui = new RecordingUi();
    const result = await deploy(source(), ui, fast);
    expect(ui.steps[0]).toMatch(/Waiting for/);
    expect(result.outcome).toBe('deployed');
  });

  it('a traffic shift in flight: refuses before changing anything', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [deployedStack()] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-123'] });
    const error = await deploy(source(), new RecordingUi(), fast).catch((e) => e);
    expect(error.code).toBe('ShiftInFlight');
    expect(error.message).toMatch(/d-123/);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it('reserved concurrency that does not fit the account: refuses with the numbers', async () => {
    cfn.on(DescribeStacksCommand).rejects(missing());
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const error = await deploy(source(), new RecordingUi(), fast, { reservedConcurrency: 5 }).catch((e) => e);
    expect(error.code).toBe('ConcurrencyQuota');
    expect(error.message).toMatch(/10 unreserved of 10/);
  });
});

describe('Ctrl-C during execution', () => {
  beforeEach(() => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack()] })
      .resolves({ Stacks: [deployedStack('UPDATE_ROLLBACK_COMPLETE')] });
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: '{}' });
    changeSet([{ action: 'Modify', id: 'Fn', type: 'AWS::Lambda::Function' }]);
  });

  it('detach: leaves the update running and says how to follow it', async () => {
    eventHistory(cfn, [[event('Fn', 'UPDATE_IN_PROGRESS')]]);
    const ui = new RecordingUi(true, false);
    ui.interruptOn = /^Updating/;
    ui.choices = ['detach'];
    const result = await deploy(source(), ui, fast);
    expect(result.outcome).toBe('detached');
    expect(cfn.commandCalls(CancelUpdateStackCommand)).toHaveLength(0);
    expect(ui.text).toMatch(/serverless-infra status/);
  });

  it('cancel: calls CancelUpdateStack and watches the rollback to its end', async () => {
    eventHistory(cfn, [[event('Fn', 'UPDATE_IN_PROGRESS')], [event(STACK, 'UPDATE_ROLLBACK_COMPLETE')]]);
    const ui = new RecordingUi(true, false);
    ui.interruptOn = /^Updating/;
    ui.choices = ['cancel'];
    const error = await deploy(source(), ui, fast).catch((e) => e);
    expect(cfn.commandCalls(CancelUpdateStackCommand)).toHaveLength(1);
    expect(ui.steps.some((s) => /Cancelling/.test(s))).toBe(true);
    expect(error.message).toMatch(/UPDATE_ROLLBACK_COMPLETE/);
  });

  it('without a terminal, Ctrl-C detaches', async () => {
    eventHistory(cfn, [[event('Fn', 'UPDATE_IN_PROGRESS')]]);
    const ui = new RecordingUi(false, true);
    ui.interruptOn = /^Updating/;
    const result = await deploy(source(), ui, fast);
    expect(result.outcome).toBe('detached');
    expect(ui.questions).toHaveLength(0);
  });
});
