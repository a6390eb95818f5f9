import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { responseChecker } from './botocore-model.js';
import { deployFixture } from './deploy-fixture.js';

/**
 * The fake's CodeDeploy runs the AppSpec's hooks as the AppSpec 'hooks' section for Lambda describes: it
 * invokes the function named for BeforeAllowTraffic (and AfterAllowTraffic) with {DeploymentId,
 * LifecycleEventHookExecutionId}, moves no traffic until PutLifecycleEventHookExecutionStatus says Succeeded,
 * fails the deployment on Failed or after an hour without an answer. The hook here is the fixture's own
 * function, whose code logs its event (to moto's CloudWatch Logs, through the fake's Invoke) and reports
 * nothing: the test reads the execution id from the log and answers in its place.
 */
const MINUTE = 60_000;

describe("fake CodeDeploy: the AppSpec's lifecycle hooks", () => {
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
    expect(checker.problems()).toEqual([]);
  });
  beforeEach(async () => {
    fake.reset();
    const code =
      'exports.handler = async (event) => { console.log("hook event " + JSON.stringify(event)); };';
    await deployFixture(fake, 'hooks', { code });
    outputs = await deployFixture(fake, 'hooks', { code: `${code}\n// v2` }, { LiveAliasVersion: '1' });
  });

  async function start(): Promise<string> {
    const fn = outputs.FunctionName as string;
    const appSpec = {
      version: 0.0,
      Resources: [
        {
          [fn]: {
            Type: 'AWS::Lambda::Function',
            Properties: { Name: fn, Alias: 'live', CurrentVersion: '1', TargetVersion: '2' },
          },
        },
      ],
      Hooks: [{ BeforeAllowTraffic: fn }, { AfterAllowTraffic: fn }],
    };
    const { deploymentId } = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: outputs.CodeDeployApplication,
        deploymentGroupName: outputs.CodeDeployDeploymentGroup,
        deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
      }),
    );
    await fake.clock.advance(1_000); // the deployment begins
    return deploymentId as string;
  }

  /** The hook execution ids the hook function logged for this deployment (it logs its event), in order. */
  async function executionIds(deploymentId: string, count: number): Promise<string[]> {
    const logs = new CloudWatchLogsClient(fake.motoSdkConfig);
    for (let i = 0; i < 100; i++) {
      const { events } = await logs
        .send(
          new FilterLogEventsCommand({
            logGroupName: `/aws/lambda/${outputs.FunctionName}`,
            filterPattern: `"${deploymentId}"`,
          }),
        )
        // The group appears with the function's first log lines.
        .catch((e: Error) => {
          if (e.name !== 'ResourceNotFoundException') throw e;
          return { events: [] };
        });
      const ids = (events ?? []).map(
        (e) => JSON.parse(/hook event (\{.*\})/.exec(e.message ?? '')![1]!).LifecycleEventHookExecutionId,
      );
      if (ids.length >= count) return ids;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the hook did not run ${count} time(s) for ${deploymentId}`);
  }

  const events = async (deploymentId: string) => {
    const { deploymentTarget } = await codedeploy.send(
      new GetDeploymentTargetCommand({ deploymentId, targetId: `${outputs.FunctionName}:live` }),
    );
    return Object.fromEntries(
      (deploymentTarget?.lambdaTarget?.lifecycleEvents ?? []).map((e) => [e.lifecycleEventName, e.status]),
    );
  };
  const alias = () => lambda.send(new GetAliasCommand({ FunctionName: outputs.FunctionName, Name: 'live' }));
  const put = (deploymentId: string, id: string, status: string) =>
    codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId,
        lifecycleEventHookExecutionId: id,
        status: status as 'Succeeded',
      }),
    );

  it('waits for BeforeAllowTraffic before moving traffic, then for AfterAllowTraffic before succeeding', async () => {
    const id = await start();
    const [before] = await executionIds(id, 1);
    expect(await events(id)).toMatchObject({ BeforeAllowTraffic: 'InProgress', AllowTraffic: 'Pending' });
    await fake.clock.advance(10 * MINUTE);
    // Still waiting: not a request has reached version 2.
    expect((await alias()).FunctionVersion).toBe('1');
    expect((await alias()).RoutingConfig).toBeUndefined();
    await expect(put(id, before!, 'Pending')).rejects.toMatchObject({
      name: 'InvalidLifecycleEventHookExecutionStatusException',
    });
    expect(await put(id, before!, 'Succeeded')).toMatchObject({ lifecycleEventHookExecutionId: before });
    await fake.clock.advance(1_000);
    expect((await alias()).FunctionVersion).toBe('2');
    const [, after] = await executionIds(id, 2);
    expect(await events(id)).toMatchObject({
      BeforeAllowTraffic: 'Succeeded',
      AllowTraffic: 'Succeeded',
      AfterAllowTraffic: 'InProgress',
    });
    await put(id, after!, 'Succeeded');
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo?.status).toBe('Succeeded');
    await expect(put(id, after!, 'Succeeded')).rejects.toMatchObject({
      name: 'LifecycleEventAlreadyCompletedException',
    });
  });

  it('Failed from BeforeAllowTraffic fails the deployment before any traffic moves', async () => {
    const id = await start();
    const [before] = await executionIds(id, 1);
    await put(id, before!, 'Failed');
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo).toMatchObject({
      status: 'Failed',
      errorInformation: { code: 'HOOK_EXECUTION_FAILURE' },
    });
    expect(await events(id)).toMatchObject({
      BeforeAllowTraffic: 'Failed',
      AllowTraffic: 'Skipped',
      AfterAllowTraffic: 'Skipped',
    });
    expect((await alias()).FunctionVersion).toBe('1');
  });

  it('no answer within an hour fails the hook and the deployment', async () => {
    const id = await start();
    await executionIds(id, 1);
    await fake.clock.advance(59 * MINUTE);
    expect(
      (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo?.status,
    ).toBe('InProgress');
    await fake.clock.advance(2 * MINUTE);
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }));
    expect(deploymentInfo?.status).toBe('Failed');
    expect(deploymentInfo?.errorInformation?.message).toMatch(/within one hour/);
  });

  it("Invoke runs the version's own code: ExecutedVersion, the payload, and an error as FunctionError", async () => {
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: outputs.FunctionName,
        Qualifier: '2',
        Payload: new TextEncoder().encode('{"x":1}'),
      }),
    );
    expect(answer).toMatchObject({ StatusCode: 200, ExecutedVersion: '2' });
    expect(new TextDecoder().decode(answer.Payload)).toBe('null');
    expect(answer.FunctionError).toBeUndefined();
  });
});
