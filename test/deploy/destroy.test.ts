import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { destroyStack } from '../../src/deploy/destroy.js';
import { destroyApp } from '../../src/environment/destroy.js';
import type { Session } from '../../src/environment/session.js';
import { deployedStack, event, eventHistory, RecordingUi, STACK } from './fixtures.js';

const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const codeDeploy = mockClient(CodeDeployClient);
const clients = () => new AwsClients({ region: 'eu-west-1' });

beforeEach(() => {
  cfn.reset();
  s3.reset();
  codeDeploy.reset();
  codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
  s3.on(ListObjectVersionsCommand)
    .resolvesOnce({ Versions: [{ Key: 'items/a/metadata.json', VersionId: 'v1' }] })
    .resolves({});
  s3.on(DeleteObjectsCommand).resolves({});
  cfn
    .on(DescribeStacksCommand)
    .resolvesOnce({ Stacks: [{ ...deployedStack('UPDATE_COMPLETE'), EnableTerminationProtection: true }] })
    .resolves({ Stacks: [deployedStack('DELETE_COMPLETE')] });
  cfn.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain' },
        Fn: { Type: 'AWS::Lambda::Function' },
      },
    }),
  });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        LogicalResourceId: 'Table',
        PhysicalResourceId: 'items-table',
        ResourceType: 'x',
        ResourceStatus: 'UPDATE_COMPLETE',
        Timestamp: new Date(),
      },
    ],
  });
  eventHistory(cfn, [[event(STACK, 'DELETE_COMPLETE')]]);
});

describe('destroy', () => {
  it('of Production is refused without the typed name, even with --yes', async () => {
    const error = await destroyStack(STACK, clients(), new RecordingUi(false, true), {
      production: true,
      disableTerminationProtection: true,
      pollMs: 1,
    }).catch((e) => e);
    expect(error.code).toBe('ConfirmationRequired');
    expect(error.exitCode).toBe(2);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('of Production with a mistyped name deletes nothing', async () => {
    const ui = new RecordingUi(true, false);
    ui.textAnswer = 'ServerlessInfra-Prod';
    const error = await destroyStack(STACK, clients(), ui, {
      production: true,
      disableTerminationProtection: true,
      pollMs: 1,
    }).catch((e) => e);
    expect(error.code).toBe('Cancelled');
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('keeps termination protection unless --force', async () => {
    const error = await destroyStack(STACK, clients(), new RecordingUi(false, true), {
      production: true,
      confirmName: STACK,
      pollMs: 1,
    }).catch((e) => e);
    expect(error.code).toBe('TerminationProtection');
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('with the typed name and --force: turns protection off, deletes, lists what was retained and why', async () => {
    const ui = new RecordingUi(true, false);
    ui.textAnswer = STACK;
    const result = await destroyStack(STACK, clients(), ui, {
      production: true,
      disableTerminationProtection: true,
      pollMs: 1,
    });
    expect(cfn.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(1);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
    expect(result.outcome).toBe('destroyed');
    expect(result.retained).toEqual([
      expect.objectContaining({
        logicalId: 'Table',
        physicalId: 'items-table',
        reason: expect.stringMatching(/Retain/),
      }),
    ]);
  });

  it('outside Production empties the buckets the stack deletes, not the retained ones, then deletes', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({ Stacks: [deployedStack('UPDATE_COMPLETE')] })
      .resolves({ Stacks: [deployedStack('DELETE_COMPLETE')] });
    cfn.on(GetTemplateCommand).resolves({
      TemplateBody: JSON.stringify({
        Resources: {
          Storage: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Delete' },
          Kept: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
        },
      }),
    });
    cfn.on(DescribeStackResourcesCommand).resolves({
      StackResources: ['Storage', 'Kept'].map((id) => ({
        LogicalResourceId: id,
        PhysicalResourceId: `cf-serverless-${id.toLowerCase()}`,
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'UPDATE_COMPLETE',
        Timestamp: new Date(),
      })),
    });
    const result = await destroyStack(STACK, clients(), new RecordingUi(false, true), {
      production: false,
      pollMs: 1,
    });
    expect(result.emptied).toEqual([{ bucket: 'cf-serverless-storage', deleted: 1 }]);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: 'cf-serverless-storage',
        Delete: { Objects: [{ Key: 'items/a/metadata.json', VersionId: 'v1' }], Quiet: true },
      },
    ]);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(1);
  });

  it('of Production never touches the buckets', async () => {
    const ui = new RecordingUi(true, false);
    ui.textAnswer = STACK;
    const result = await destroyStack(STACK, clients(), ui, {
      production: true,
      disableTerminationProtection: true,
      pollMs: 1,
    });
    expect(result.emptied).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses while a traffic shift is in flight, before asking anything', async () => {
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-123'] });
    const ui = new RecordingUi(true, false);
    // destroy as the app runs it: the environment layer adds the shift check to the engine's destroy.
    const session = { env: { name: 'Staging', stackName: STACK }, clients: clients() } as Session;
    const error = await destroyApp(session, ui, {}).catch((e) => e);
    expect(error.code).toBe('ShiftInFlight');
    expect(error.message).toMatch(/d-123.*destroying now/);
    expect(ui.questions).toEqual([]);
    expect(cfn.commandCalls(DeleteStackCommand)).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });
});
