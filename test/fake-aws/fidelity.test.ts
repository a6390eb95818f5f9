import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, type ResponseRecord, startFakeAws } from '../support/fake-aws/index.js';
import { checkResponse, loadModel, type Model } from './botocore-model.js';
import { deployFixture } from './deploy-fixture.js';
import { fixtureTemplate } from './fixture-stack.js';

const run = promisify(execFile);

/**
 * The fake checked against AWS's own definitions: every response of a scenario that touches each
 * operation is validated against botocore's output shapes, and the real AWS CLI (botocore) reads the
 * same state as a second client.
 */
describe('fake-aws fidelity', () => {
  let fake: FakeAws;
  const records: ResponseRecord[] = [];
  let outputs: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeAws({ onResponse: (record) => records.push(record) });
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it('every response of a full scenario matches the botocore output shapes', async () => {
    const cfn = new CloudFormationClient(fake.sdkConfig);
    const codedeploy = new CodeDeployClient(fake.sdkConfig);
    const lambda = new LambdaClient(fake.sdkConfig);
    const sts = new STSClient(fake.sdkConfig);
    const ignore = () => undefined;

    await sts.send(new GetCallerIdentityCommand({}));
    // CloudFormation: create (through the change set loop), inspect, update, empty change set, errors.
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'fid',
        ChangeSetName: 'one',
        ChangeSetType: 'CREATE',
        TemplateBody: JSON.stringify(fixtureTemplate({ stackName: 'fid' })),
        Capabilities: ['CAPABILITY_IAM'],
        Tags: [{ Key: 'Project', Value: 'ServerlessInfra' }],
      }),
    );
    await cfn.send(new DescribeChangeSetCommand({ StackName: 'fid', ChangeSetName: 'one' }));
    await fake.clock.advance(1000);
    await cfn.send(new DescribeChangeSetCommand({ StackName: 'fid', ChangeSetName: 'one' }));
    await cfn.send(new ListChangeSetsCommand({ StackName: 'fid' }));
    await cfn.send(
      new ExecuteChangeSetCommand({ StackName: 'fid', ChangeSetName: 'one', ClientRequestToken: 'deploy-1' }),
    );
    await fake.clock.advance(3000);
    await cfn.send(new DescribeStacksCommand({ StackName: 'fid' }));
    await cfn.send(new DescribeStackEventsCommand({ StackName: 'fid' }));
    await fake.clock.runAll();
    outputs = await deployFixture(
      fake,
      'fid',
      { code: 'exports.handler = async () => 2;' },
      { LiveAliasVersion: '1' },
    );
    await cfn.send(new DescribeStackResourcesCommand({ StackName: 'fid' }));
    await cfn.send(new ListStackResourcesCommand({ StackName: 'fid' }));
    await cfn.send(new DescribeStacksCommand({}));
    await cfn.send(new DescribeStackEventsCommand({ StackName: 'fid' }));
    await cfn.send(new GetTemplateCommand({ StackName: 'fid' }));
    await cfn.send(
      new UpdateTerminationProtectionCommand({ StackName: 'fid', EnableTerminationProtection: true }),
    );
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'fid',
        ChangeSetName: 'same',
        ChangeSetType: 'UPDATE',
        UsePreviousTemplate: true,
        Capabilities: ['CAPABILITY_IAM'],
        Parameters: [{ ParameterKey: 'LiveAliasVersion', UsePreviousValue: true }],
      }),
    );
    await fake.clock.advance(1000);
    await cfn.send(new DescribeChangeSetCommand({ StackName: 'fid', ChangeSetName: 'same' }));
    await cfn.send(new ExecuteChangeSetCommand({ StackName: 'fid', ChangeSetName: 'same' })).catch(ignore);
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'fid', ChangeSetName: 'same' }));
    await cfn.send(new DescribeChangeSetCommand({ StackName: 'fid', ChangeSetName: 'same' })).catch(ignore);
    await cfn.send(new DescribeStacksCommand({ StackName: 'missing' })).catch(ignore);
    // The CDK toolkit's cleanup of a change set that is not there, and a stack that is not.
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'fid', ChangeSetName: 'cdk-deploy-change-set' }));
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'missing', ChangeSetName: 'x' })).catch(ignore);
    await cfn.send(new DescribeStackEventsCommand({ StackName: 'missing' })).catch(ignore);
    // Another region of another account: a stack of its own, answered in its scope.
    const eu = new CloudFormationClient(
      fake.sdkConfigFor({ region: 'eu-west-1', accountId: '210000000002' }),
    );
    await eu.send(
      new CreateChangeSetCommand({
        StackName: 'fid',
        ChangeSetName: 'eu',
        ChangeSetType: 'CREATE',
        TemplateBody: JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic' } } }),
      }),
    );
    await fake.clock.advance(1000);
    await eu.send(new ExecuteChangeSetCommand({ StackName: 'fid', ChangeSetName: 'eu' }));
    await fake.clock.runAll();
    await eu.send(new DescribeStacksCommand({ StackName: 'fid' }));
    await eu.send(new DescribeChangeSetCommand({ StackName: 'fid', ChangeSetName: 'eu' }));
    await new STSClient(fake.sdkConfigFor({ accountId: '210000000002' })).send(
      new GetCallerIdentityCommand({}),
    );

    // Lambda
    const FunctionName = outputs.FunctionName as string;
    await lambda.send(new GetFunctionCommand({ FunctionName }));
    await lambda.send(new GetFunctionConfigurationCommand({ FunctionName, Qualifier: 'live' }));
    await lambda.send(new GetAliasCommand({ FunctionName, Name: 'live' }));
    await lambda.send(new ListAliasesCommand({ FunctionName }));
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName, MaxItems: 2 }));
    await lambda.send(new ListVersionsByFunctionCommand({ FunctionName, Marker: page.NextMarker }));
    await lambda.send(new PublishVersionCommand({ FunctionName }));
    await lambda.send(new GetAccountSettingsCommand({}));
    await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }));
    await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'nope' })).catch(ignore);
    await lambda
      .send(
        new UpdateAliasCommand({
          FunctionName,
          Name: 'live',
          RoutingConfig: { AdditionalVersionWeights: { '2': 2 } },
        }),
      )
      .catch(ignore);
    await lambda.send(new GetAliasCommand({ FunctionName, Name: 'nope' })).catch(ignore);

    // CodeDeploy: a canary stopped with rollback, then one to completion.
    const applicationName = outputs.CodeDeployApplication as string;
    const deploymentGroupName = outputs.CodeDeployDeploymentGroup as string;
    const appSpec = (current: string, target: string) =>
      JSON.stringify({
        version: 0.0,
        Resources: [
          {
            fn: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Name: FunctionName,
                Alias: 'live',
                CurrentVersion: current,
                TargetVersion: target,
              },
            },
          },
        ],
      });
    const create = (current: string, target: string) =>
      codedeploy.send(
        new CreateDeploymentCommand({
          applicationName,
          deploymentGroupName,
          deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
          revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec(current, target) } },
        }),
      );
    await codedeploy.send(new GetApplicationCommand({ applicationName }));
    await codedeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }));
    await codedeploy.send(
      new GetDeploymentConfigCommand({
        deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      }),
    );
    const first = (await create('1', '2')).deploymentId as string;
    await codedeploy.send(new GetDeploymentCommand({ deploymentId: first }));
    await fake.clock.advance(2000);
    await create('1', '2').catch(ignore);
    const [targetId] =
      (await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId: first }))).targetIds ?? [];
    await codedeploy.send(new GetDeploymentTargetCommand({ deploymentId: first, targetId }));
    await codedeploy.send(new GetDeploymentCommand({ deploymentId: first }));
    await codedeploy.send(new StopDeploymentCommand({ deploymentId: first, autoRollbackEnabled: true }));
    await fake.clock.runAll();
    const second = (await create('1', '2')).deploymentId as string;
    await fake.clock.runAll();
    await codedeploy.send(new GetDeploymentTargetCommand({ deploymentId: second, targetId }));
    await codedeploy.send(new BatchGetDeploymentsCommand({ deploymentIds: [first, second] }));
    await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName,
        deploymentGroupName,
        includeOnlyStatuses: ['Succeeded', 'Stopped'],
      }),
    );
    await codedeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }));
    await codedeploy.send(new StopDeploymentCommand({ deploymentId: second })).catch(ignore);
    await codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-NOTHERE00' })).catch(ignore);
    await lambda.send(new UpdateAliasCommand({ FunctionName, Name: 'live', FunctionVersion: '1' }));

    const models: Record<string, Model> = {};
    const problems = records.flatMap((r) => {
      models[r.service] ??= loadModel(r.service === 'codedeploy' ? 'codedeploy' : r.service);
      return checkResponse(models[r.service] as Model, r.operation, r.status, r.body, r.errorType).map(
        (p) => `${r.service} ${p}`,
      );
    });
    expect(problems).toEqual([]);
    const operations = new Set(records.map((r) => `${r.service}:${r.operation}`));
    expect(operations.size).toBeGreaterThanOrEqual(30);
  });

  it('the checker catches a response that departs from the model', () => {
    const model = loadModel('codedeploy');
    const bad = JSON.stringify({
      deploymentInfo: { deploymentId: 'd-X', status: 'Running', createTime: 'yesterday', unknown: 1 },
    });
    expect(checkResponse(model, 'GetDeployment', 200, bad).sort()).toEqual([
      'GetDeployment.deploymentInfo.createTime: expected a timestamp, got yesterday',
      'GetDeployment.deploymentInfo.status: Running is not one of Created|Queued|InProgress|Baking|Succeeded|Failed|Stopped|Ready',
      'GetDeployment.deploymentInfo: unknown member unknown',
    ]);
    expect(checkResponse(loadModel('lambda'), 'GetAlias', 404, '{"Message":"x"}', 'NoSuchAlias')[0]).toMatch(
      /^GetAlias: error code NoSuchAlias is not one the operation declares/,
    );
    const cfn = loadModel('cloudformation');
    expect(
      checkResponse(
        cfn,
        'DescribeStacks',
        200,
        '<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>x</StackName></member></Stacks></DescribeStacksResult></DescribeStacksResponse>',
      ),
    ).toEqual([
      'DescribeStacks.Stacks[0]: missing required CreationTime',
      'DescribeStacks.Stacks[0]: missing required StackStatus',
    ]);
  });

  it('the real AWS CLI reads and drives the fake through AWS_ENDPOINT_URL_<SERVICE>', async () => {
    const env = {
      ...process.env,
      ...fake.env,
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const aws = async (...args: string[]) =>
      JSON.parse((await run('aws', [...args, '--output', 'json'], { env })).stdout || '{}');
    const dir = mkdtempSync(join(tmpdir(), 'fake-aws-cli-'));
    const templateFile = join(dir, 'template.json');
    writeFileSync(
      templateFile,
      JSON.stringify({
        Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
        Outputs: { Arn: { Value: { Ref: 'Topic' } } },
      }),
    );

    const [identity, stacks, alias] = await Promise.all([
      aws('sts', 'get-caller-identity'),
      aws('cloudformation', 'describe-stacks', '--stack-name', 'fid'),
      aws('lambda', 'get-alias', '--function-name', outputs.FunctionName as string, '--name', 'live'),
    ]);
    expect(identity.Account).toBe(fake.accountId);
    expect(
      stacks.Stacks[0].Outputs.find((o: { OutputKey: string }) => o.OutputKey === 'NewVersion').OutputValue,
    ).toBe('2');
    expect(alias.FunctionVersion).toBe('1');

    await aws(
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'cli',
      '--change-set-name',
      'c1',
      '--change-set-type',
      'CREATE',
      '--template-body',
      `file://${templateFile}`,
    );
    await fake.clock.advance(1000);
    await aws('cloudformation', 'execute-change-set', '--stack-name', 'cli', '--change-set-name', 'c1');
    await fake.clock.runAll();
    const [created, events, deployments] = await Promise.all([
      aws('cloudformation', 'describe-stacks', '--stack-name', 'cli'),
      aws('cloudformation', 'describe-stack-events', '--stack-name', 'cli'),
      aws(
        'deploy',
        'list-deployments',
        '--application-name',
        outputs.CodeDeployApplication as string,
        '--deployment-group-name',
        outputs.CodeDeployDeploymentGroup as string,
      ),
    ]);
    expect(created.Stacks[0].StackStatus).toBe('CREATE_COMPLETE');
    expect(created.Stacks[0].Outputs[0].OutputValue).toMatch(/^arn:aws:sns:/);
    expect(events.StackEvents.map((e: { ResourceStatus: string }) => e.ResourceStatus)).toContain(
      'CREATE_IN_PROGRESS',
    );
    const info = await aws('deploy', 'get-deployment', '--deployment-id', deployments.deployments[0]);
    expect(info.deploymentInfo.status).toBe('Succeeded');
    const failure = await run('aws', ['cloudformation', 'describe-stacks', '--stack-name', 'nope'], {
      env,
    }).catch((e) => e);
    expect(failure.stderr).toContain(
      'An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id nope does not exist',
    );
  });
  it("the aws CLI in another account and region, through a load balancer's errors, reads what the SDK wrote", async () => {
    const base = {
      ...process.env,
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const aws = async (env: Record<string, string | undefined>, ...args: string[]) =>
      JSON.parse((await run('aws', [...args, '--output', 'json'], { env })).stdout || '{}');
    const eu = { ...base, ...fake.envFor({ region: 'eu-west-1', accountId: '210000000002' }) };
    const here = { ...base, ...fake.env };

    // botocore signs with the region and key it is given: the fake answers in that scope.
    const euStack = await aws(eu, 'cloudformation', 'describe-stacks', '--stack-name', 'fid');
    expect(euStack.Stacks[0].StackId).toMatch(/^arn:aws:cloudformation:eu-west-1:210000000002:stack\/fid\//);
    expect(euStack.Stacks[0].ChangeSetId).toMatch(/:changeSet\/eu\//);
    expect((await aws(eu, 'sts', 'get-caller-identity')).Account).toBe('210000000002');
    const elsewhere = await run(
      'aws',
      ['cloudformation', 'describe-stacks', '--stack-name', 'fid', '--region', 'ap-south-1'],
      { env: here },
    ).catch((e) => e);
    expect(elsewhere.stderr).toContain('Stack with id fid does not exist');

    // botocore retries a load balancer's HTML 502/503/504: seed 8 fails the first two attempts.
    const injected = () => records.filter((r) => r.injected).length;
    const before = injected();
    fake.faults.transientFaults({ seed: 8, rate: 0.5, kinds: ['html-5xx'], operations: ['DescribeStacks'] });
    const through = await aws(here, 'cloudformation', 'describe-stacks', '--stack-name', 'fid');
    fake.faults.transientFaults({ seed: 8, rate: 0 });
    expect(injected() - before).toBe(2);
    expect(through.Stacks[0].StackStatus).toBe('UPDATE_COMPLETE');

    // CodeDeploy as documented: a revision's SHA-256 without its content; the weight in percent.
    const { deployments } = await aws(
      here,
      'deploy',
      'list-deployments',
      '--application-name',
      outputs.CodeDeployApplication as string,
      '--deployment-group-name',
      outputs.CodeDeployDeploymentGroup as string,
      '--include-only-statuses',
      'Succeeded',
    );
    const infos = await Promise.all(
      (deployments as string[]).map((id) => aws(here, 'deploy', 'get-deployment', '--deployment-id', id)),
    );
    const shift = infos.find((i) => i.deploymentInfo.creator === 'user').deploymentInfo;
    expect(shift.revision.appSpecContent).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const targets = await aws(
      here,
      'deploy',
      'list-deployment-targets',
      '--deployment-id',
      shift.deploymentId,
    );
    const target = await aws(
      here,
      'deploy',
      'get-deployment-target',
      '--deployment-id',
      shift.deploymentId,
      '--target-id',
      targets.targetIds[0],
    );
    expect(target.deploymentTarget.lambdaTarget.lambdaFunctionInfo.targetVersionWeight).toBe(100);
    const concurrency = await aws(
      here,
      'lambda',
      'get-function-concurrency',
      '--function-name',
      outputs.FunctionName as string,
    );
    expect(concurrency).toEqual({});
  });
});
