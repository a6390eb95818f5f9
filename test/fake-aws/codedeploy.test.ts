import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';
import { deployFixture } from './deploy-fixture.js';

const MINUTE = 60_000;

describe('fake CodeDeploy Lambda deployments', () => {
  let fake: FakeAws;
  const checker = responseChecker();
  let codedeploy: CodeDeployClient;
  let lambda: LambdaClient;
  let outputs: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeAws({ onResponse: checker.onResponse });
    codedeploy = new CodeDeployClient(fake.sdkConfig);
    lambda = new LambdaClient(fake.sdkConfig);
  });
  afterAll(async () => {
    await fake?.stop();
  });
  beforeEach(async () => {
    fake.reset();
    await deployFixture(fake, 'release');
    // The second deploy publishes version 2 and keeps the alias on version 1 (D5).
    outputs = await deployFixture(
      fake,
      'release',
      { code: 'exports.handler = async () => ({ statusCode: 201 });' },
      { LiveAliasVersion: '1' },
    );
  });

  function startShift(
    config = 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    current = '1',
    target = '2',
  ) {
    const appSpec = {
      version: 0.0,
      Resources: [
        {
          [outputs.FunctionName as string]: {
            Type: 'AWS::Lambda::Function',
            Properties: {
              Name: outputs.FunctionName,
              Alias: 'live',
              CurrentVersion: current,
              TargetVersion: target,
            },
          },
        },
      ],
    };
    return codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
        deploymentConfigName: config,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
      }),
    );
  }

  const alias = () => lambda.send(new GetAliasCommand({ FunctionName: outputs.FunctionName, Name: 'live' }));
  const deployment = (id: string) =>
    codedeploy.send(new GetDeploymentCommand({ deploymentId: id })).then((d) => d.deploymentInfo);

  it('the stack created the group with its alarms and auto-rollback, and two versions', async () => {
    const group = await codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
      }),
    );
    expect(group.deploymentGroupInfo?.alarmConfiguration?.alarms?.length).toBe(1);
    expect(group.deploymentGroupInfo?.autoRollbackConfiguration?.events).toContain(
      'DEPLOYMENT_STOP_ON_ALARM',
    );
    const versions = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: outputs.FunctionName }),
    );
    expect(versions.Versions?.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect((await alias()).FunctionVersion).toBe('1');
  });

  it('runs a canary to completion, moving the alias weights on the clock', async () => {
    const { deploymentId } = await startShift();
    expect((await deployment(deploymentId as string))?.status).toBe('Created');
    await fake.clock.advance(2000);
    expect((await deployment(deploymentId as string))?.status).toBe('InProgress');
    expect((await alias()).RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.1 });
    const [targetId] =
      (await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }))).targetIds ?? [];
    const target = await codedeploy.send(new GetDeploymentTargetCommand({ deploymentId, targetId }));
    expect(target.deploymentTarget?.lambdaTarget?.lambdaFunctionInfo).toMatchObject({
      currentVersion: '1',
      targetVersion: '2',
      // A percentage, as the API reference documents it (docs/testing.md).
      targetVersionWeight: 10,
    });
    await expect(startShift()).rejects.toMatchObject({ name: 'DeploymentLimitExceededException' });

    await fake.clock.advance(5 * MINUTE);
    const done = await deployment(deploymentId as string);
    expect(done?.status).toBe('Succeeded');
    const live = await alias();
    expect(live.FunctionVersion).toBe('2');
    expect(live.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    const succeeded = await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
        includeOnlyStatuses: ['Succeeded'],
      }),
    );
    expect(succeeded.deployments).toEqual([deploymentId]);
  });

  it('stops a shift with auto-rollback: a linked rollback deployment puts all traffic back', async () => {
    const { deploymentId } = await startShift('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    await fake.clock.advance(2000 + 2 * MINUTE);
    expect((await alias()).RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.3 });
    const stop = await codedeploy.send(
      new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }),
    );
    expect(stop.status).toBe('Succeeded');
    const stopped = await deployment(deploymentId as string);
    expect(stopped?.status).toBe('Stopped');
    const rollbackId = stopped?.rollbackInfo?.rollbackDeploymentId as string;
    expect((await deployment(rollbackId))?.rollbackInfo?.rollbackTriggeringDeploymentId).toBe(deploymentId);
    await fake.clock.runAll();
    expect((await deployment(rollbackId))?.status).toBe('Succeeded');
    const live = await alias();
    expect(live.FunctionVersion).toBe('1');
    expect(live.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });

  it('an alarm in ALARM stops the shift and rolls it back', async () => {
    const group = await codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
      }),
    );
    const alarm = group.deploymentGroupInfo?.alarmConfiguration?.alarms?.[0]?.name as string;
    const { deploymentId } = await startShift();
    await fake.clock.advance(2000 + MINUTE);
    fake.faults.setAlarm(alarm, 'ALARM');
    await fake.clock.advance(MINUTE);
    const stopped = await deployment(deploymentId as string);
    expect(stopped?.status).toBe('Stopped');
    expect(stopped?.errorInformation?.code).toBe('ALARM_ACTIVE');
    await fake.clock.runAll();
    expect((await alias()).FunctionVersion).toBe('1');
  });

  it('reads alarm states from moto CloudWatch, where the stack created the alarm', async () => {
    const group = await codedeploy.send(
      new GetDeploymentGroupCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
      }),
    );
    const AlarmName = group.deploymentGroupInfo?.alarmConfiguration?.alarms?.[0]?.name as string;
    const { deploymentId } = await startShift();
    await fake.clock.advance(2000);
    const cloudwatch = new CloudWatchClient(fake.motoSdkConfig);
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName, StateValue: 'ALARM', StateReason: 'errors' }),
    );
    await fake.clock.advance(MINUTE);
    expect((await deployment(deploymentId as string))?.errorInformation?.message).toContain(AlarmName);
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName, StateValue: 'OK', StateReason: 'calm' }));
  });

  it('fails a deployment whose CurrentVersion is not what the alias serves', async () => {
    const { deploymentId } = await startShift('CodeDeployDefault.LambdaAllAtOnce', '2', '1');
    await fake.clock.runAll();
    const failed = await deployment(deploymentId as string);
    expect(failed?.status).toBe('Failed');
    expect(failed?.errorInformation?.message).toMatch(/CurrentVersion|current version/);
    expect((await alias()).FunctionVersion).toBe('1');
  });

  it('GetDeployment gives the revision\'s SHA-256 only: "The content property … is always null"', async () => {
    // GetDeployment, API reference; test/conformance/fixtures/codedeploy/deployment-in-progress.json.
    const { deploymentId } = await startShift();
    const revision = (await deployment(deploymentId as string))?.revision;
    expect(revision?.revisionType).toBe('AppSpecContent');
    expect(revision?.appSpecContent?.content).toBeUndefined();
    expect(revision?.appSpecContent?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a rollback redeploys the previously deployed revision as a deployment of its own, naming what it undoes', async () => {
    // "CodeDeploy implements rollbacks by redeploying, as a new deployment, a previously deployed
    // revision" (user guide); creator codeDeployRollback, rollbackInfo (API reference);
    // test/conformance/fixtures/codedeploy/rollback-deployment.json.
    const first = await startShift('CodeDeployDefault.LambdaAllAtOnce', '1', '2');
    await fake.clock.runAll();
    expect((await deployment(first.deploymentId as string))?.status).toBe('Succeeded');
    outputs = await deployFixture(
      fake,
      'release',
      { code: 'exports.handler = async () => ({ statusCode: 202 });' },
      { LiveAliasVersion: '2' },
    );
    const second = await startShift('CodeDeployDefault.LambdaCanary10Percent5Minutes', '2', '3');
    await fake.clock.advance(2000);
    await codedeploy.send(
      new StopDeploymentCommand({ deploymentId: second.deploymentId, autoRollbackEnabled: true }),
    );
    const stopped = await deployment(second.deploymentId as string);
    const rollbackId = stopped?.rollbackInfo?.rollbackDeploymentId as string;
    await fake.clock.runAll();
    const rollback = await deployment(rollbackId);
    expect(rollback).toMatchObject({
      creator: 'codeDeployRollback',
      status: 'Succeeded',
      rollbackInfo: { rollbackTriggeringDeploymentId: second.deploymentId },
    });
    // Its revision is the earlier successful deployment's (versions 1 -> 2), not the stopped one's.
    const firstRevision = (await deployment(first.deploymentId as string))?.revision;
    expect(rollback?.revision?.appSpecContent?.sha256).toBe(firstRevision?.appSpecContent?.sha256);
    expect(rollback?.revision?.appSpecContent?.sha256).not.toBe(stopped?.revision?.appSpecContent?.sha256);
    // The traffic is back on what the alias served before the stopped shift.
    expect((await alias()).FunctionVersion).toBe('2');
  });

  it('answered every call above with responses that match the botocore models', () => {
    expect(checker.problems()).toEqual([]);
  });
});
