/**
 * The real-account suite's logic (scenario.ts, cleanup.ts, guard.ts) against the offline AWS — the fake
 * (CloudFormation, CodeDeploy, Lambda, STS, the Tagging API) and moto — so that `npm run test:aws`, which
 * runs only when a person gives it an account, cannot rot in between. Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingBucketName } from '../../src/stack-contract.js';
import { ROOT } from '../helpers/cli.js';
import { pauseAtFirstStep } from '../helpers/fake-time.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import {
  apiGatewayLogRole,
  cleanUp,
  RUN_TAG_KEY,
  type RunTarget,
  removeRetainedRoles,
  taggedWithRun,
  toolkitExists,
} from './cleanup.js';
import { newRunId, runUsersDay } from './scenario.js';

const RUN_DAY = path.join(ROOT, 'test/real-aws/run-day.ts');
const REGION = 'eu-central-1';
/** An account of its own: the toolkit's staging bucket (per account and region) is this file's alone. */
const ACCOUNT = '100000000013';
/**
 * A watchdog for the tests that run a whole day (or its start and cleanup) in one test: minutes on a loaded
 * machine, where one command of it can take ten times as long (vitest's default watchdog is one minute).
 */
const WHOLE_DAY_MS = 300_000;

/** Fake seconds per real second: the 5-minute canary takes 1.5 s. */
const TIME_SCALE = 200;

let fake: FakeAws;
let target: RunTarget;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/commands/deploy.js'))) throw new Error('Run `npm run build` first.');
  // AWS's clock 10 minutes behind this machine's: the real account's clock is not ours either (the user's day
  // runs with it 10 minutes ahead, test/e2e/users-day-clock-ahead.test.ts).
  fake = await startFakeAws({
    region: REGION,
    accountId: ACCOUNT,
    timeScale: TIME_SCALE,
    clockSkewMs: -10 * 60_000,
  });
  target = {
    region: REGION,
    env: fake.env,
    clients: {
      tagging: fake.sdkConfig,
      cloudformation: fake.sdkConfig,
      sts: fake.sdkConfig,
      kms: fake.motoSdkConfig,
      s3: fake.motoSdkConfig,
      // IAM and API Gateway's account setting live in moto (the fake keeps the stack's roles in its record).
      iam: fake.motoSdkConfig,
      apigateway: fake.motoSdkConfig,
    },
    // Offline nothing lags: one look is the answer, and a busy stack settles in fake time.
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    leftoverAttempts: 1,
    busyAttempts: 20,
    pollMs: 50,
    log: () => {},
  };
});

afterAll(async () => {
  await fake?.stop();
});

/** The fake's view of a stack: undefined once it is deleted (or never was). */
function stackOf(name: string) {
  return fake.state.cloudformation.taggedStacks().find((s) => s.arn.includes(`:stack/${name}/`));
}

describe('the real-account suite, offline', () => {
  it(
    "runs the user's day, finds its run tag on the stack's resources, and leaves nothing tagged",
    async () => {
      let inFlight: Promise<void> | undefined;
      const day = await runUsersDay(target, {
        hooks: {
          beforeStep: (step, _run, outputs) => {
            // Fake time stands still at the canary's first step until rollback has stopped the shift.
            if (step !== 'rollback-mid-shift') return;
            inFlight = pauseAtFirstStep(fake, outputs.FunctionName);
            void fake.nextCall('StopDeployment').then(() => fake.clock.resume());
          },
          shiftInFlight: () => inFlight as Promise<void>,
        },
      });
      if (day.failure)
        throw new Error(`${day.failure.message}\n--- log\n${await readFile(day.logFile, 'utf8')}`);
      expect(day.passed).toEqual([
        'init',
        'deploy',
        'tagged',
        'redeploy',
        'shift',
        'redeploy-again',
        'rollback-mid-shift',
        'status',
        'destroy',
      ]);
      // What carried the tag: the stack, the function (fake) and the data plane (moto), each by its ARN.
      const services = new Set(day.taggedAfterDeploy.map((arn) => arn.split(':')[2]));
      expect([...services].sort()).toEqual([
        'cloudformation',
        'cloudwatch',
        'dynamodb',
        'kms',
        'lambda',
        's3',
        'sns',
      ]);
      // After destroy: the stack is gone, nothing is tagged but the key, which waits out its deletion window.
      expect(stackOf(day.run.stackName)).toBeUndefined();
      expect(day.cleanup.problems).toEqual([]);
      expect(day.cleanup.destroy).toMatchObject({ outcome: 'absent' });
      expect(day.cleanup.leftovers.map((r) => r.state)).toEqual(['pending-deletion']);
      // The account had no toolkit stack: the run created it, so the cleanup deleted it and its bucket too.
      expect(day.run.ownsToolkit).toBe(true);
      const staging = stagingBucketName(ACCOUNT, REGION);
      expect(day.cleanup.toolkitRemoved).toBe(staging);
      expect(await toolkitExists(target)).toBe(false);
      await expect(
        new S3Client(fake.motoSdkConfig).send(new HeadBucketCommand({ Bucket: staging })),
      ).rejects.toMatchObject({
        name: 'NotFound',
      });
    },
    WHOLE_DAY_MS,
  );

  it(
    'a step fails: the cleanup still destroys what the run created, and the failure is reported',
    async () => {
      const day = await runUsersDay(target, {
        hooks: {
          beforeStep: (step, run) => {
            if (step !== 'redeploy') return;
            // The function cannot take the new code: the update fails and rolls back.
            const functions = fake.state.cloudformation
              .inspect(run.stackName)!
              .resources.filter((r) => r.type === 'AWS::Lambda::Function');
            expect(functions.length).toBeGreaterThan(0);
            for (const fn of functions)
              fake.faults.failResource(fn.logicalId, 'Code storage limit exceeded (fake)', { on: 'update' });
          },
        },
      });
      expect(day.passed).toEqual(['init', 'deploy', 'tagged']);
      expect(day.failure?.message).toMatch(
        /exit 1 \(expected 0\)[\s\S]*Code storage limit exceeded \(fake\)/,
      );
      expect(day.cleanup.destroy).toMatchObject({ stackName: day.run.stackName, outcome: 'destroyed' });
      expect(stackOf(day.run.stackName)).toBeUndefined();
      expect(day.cleanup.leftovers.filter((r) => r.state === 'present')).toEqual([]);
      expect(day.cleanup.problems).toEqual([]);
    },
    WHOLE_DAY_MS,
  );

  it("the run's retained IAM role (not in the Tagging API): found by name and run tag, API Gateway's setting restored, role deleted", async () => {
    const runId = newRunId();
    const stackName = `si-test-${runId}`;
    const iam = new IAMClient(fake.motoSdkConfig);
    const apigateway = new APIGatewayClient(fake.motoSdkConfig);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const role = async (name: string, run: string) =>
      (
        await iam.send(
          new CreateRoleCommand({
            RoleName: name,
            AssumeRolePolicyDocument: trust,
            Tags: [{ Key: RUN_TAG_KEY, Value: run }],
          }),
        )
      ).Role!;
    const ours = await role(`${stackName}-ApiAccountCloudWatchRole-A1B2C3`, runId);
    // moto, as IAM, refuses to delete a role that still has policies (DeleteConflict): they go first.
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ours.RoleName,
        PolicyName: 'PushToCloudWatchLogs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }],
        }),
      }),
    );
    const someoneElses = await role(`${stackName}-Other-X9Y8Z7`, 'another-run');
    const before = 'arn:aws:iam::123456789012:role/what-the-account-used-before';
    const point = (value: string) =>
      apigateway.send(
        new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value }] }),
      );
    await point(ours.Arn!); // what the stack's AWS::ApiGateway::Account did
    try {
      const run = { runId, stackName, dir: tmpdir(), ownsToolkit: false, apiGatewayRoleBefore: before };
      expect(await removeRetainedRoles(target, run)).toEqual([ours.RoleName]);
      await expect(iam.send(new GetRoleCommand({ RoleName: ours.RoleName }))).rejects.toMatchObject({
        name: 'NoSuchEntityException',
      });
      expect((await iam.send(new GetRoleCommand({ RoleName: someoneElses.RoleName }))).Role?.Arn).toBe(
        someoneElses.Arn,
      );
      expect(await apiGatewayLogRole(target)).toBe(before);
    } finally {
      await iam.send(new DeleteRoleCommand({ RoleName: someoneElses.RoleName }));
      await point('');
    }
  });

  // Ctrl-C, as a terminal sends it: the suite's process group gets SIGINT, the guard (a group of its own) does
  // not. It also shows the guard's part: the pipe closes without "done" when the suite exits, and the guard
  // cleans up (SIGKILL or vitest ending its worker close the pipe the same way).
  it(
    'Ctrl-C during the first deploy: the suite stops its CLI and exits 130; the guard destroys the stack',
    async () => {
      const runId = newRunId();
      const stackName = `si-test-${runId}`;
      const config = path.join(await mkdtemp(path.join(tmpdir(), 'si-aws-ctrl-c-')), 'config.json');
      const { sleep: _s, log: _l, ...serializable } = target;
      await writeFile(config, JSON.stringify({ ...serializable, runId }));
      // Fake time stands still once the stack is being created: the deploy is in flight when Ctrl-C comes.
      const creating = fake.clock.pauseWhen(
        () => fake.state.cloudformation.inspect(stackName)?.status === 'CREATE_IN_PROGRESS',
      );
      // A process group of its own, as a terminal's foreground job: the suite and the CLIs it starts.
      const suite = spawn(process.execPath, ['--import', 'tsx', RUN_DAY, config], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      suite.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise((resolve) => suite.once('exit', (code, signal) => resolve(code ?? signal)));
      await creating;
      process.kill(-(suite.pid as number), 'SIGINT'); // Ctrl-C: to the group, so not to the guard
      expect(await exited).toBe(130);
      fake.clock.resume();

      const guardPid = Number(/guard pid (\d+)/.exec(stderr)?.[1]);
      const logFile = /; log (\S+)/.exec(stderr)?.[1] as string;
      expect(guardPid).toBeGreaterThan(0);
      await gone(guardPid);
      const log = await readFile(logFile, 'utf8');
      expect(log).toContain(`SIGINT: stopping; the guard (pid ${guardPid}) destroys ${stackName}`);
      expect(log).toContain(`the suite is gone without cleaning up: destroying ${stackName}`);
      expect(log).toMatch(/cleanup report: .*"outcome":"destroyed"/);
      expect(stackOf(stackName)).toBeUndefined();
      expect((await taggedWithRun(target, runId)).filter((r) => r.state === 'present')).toEqual([]);
      // The same cleanup again finds nothing to do: it is idempotent.
      const run = {
        runId,
        stackName,
        dir: path.dirname(logFile),
        ownsToolkit: false,
        apiGatewayRoleBefore: null,
      };
      expect(await cleanUp(target, run)).toMatchObject({ destroy: { outcome: 'absent' }, problems: [] });
    },
    WHOLE_DAY_MS,
  );
});

/** Resolves once process `pid` (not ours: the guard, detached) has exited. */
async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
