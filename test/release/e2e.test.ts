import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployFixture } from '../fake-aws/deploy-fixture.js';
import { pauseAtFirstStep, stepByStep } from '../helpers/fake-time.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';
import { writeProjectFile } from './support/project-file.js';

/**
 * End to end: the built binary (bin/run.js, real SDK clients) against the offline AWS fake (CodeDeploy,
 * Lambda, CloudFormation) and moto (CloudWatch alarms), reached only through AWS_ENDPOINT_URL_<SERVICE>.
 * The fixture stack is deployed twice, so version 1 is served and version 2 is published (D5). Fake time
 * runs 60 times faster than the wall clock (a 5-minute canary takes 5 s); a test that must see a state
 * holds fake time there (test/helpers/fake-time.ts) instead of sleeping into it.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/run.js');
const SCALE = 60;
const STACK = 'release-e2e';

let fake: FakeAws;
let dir: string;
let outputs: Record<string, string>;
let alarmName: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> & { error?: { code: string } };
}

function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: {
      ...process.env,
      ...fake.env,
      CI: 'true',
      NO_COLOR: '1',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/dev/null',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      let json = {} as Run['json'];
      try {
        json = JSON.parse(stdout);
      } catch {}
      resolve({ code, stdout, stderr, json });
    }),
  );
  return { child, done };
}

const cli = (...args: string[]) => start(args).done;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function alias() {
  const lambda = new LambdaClient(fake.sdkConfig);
  return lambda.send(new GetAliasCommand({ FunctionName: outputs.FunctionName, Name: 'live' }));
}

async function setAlarm(state: 'OK' | 'ALARM') {
  const cloudwatch = new CloudWatchClient(fake.motoSdkConfig);
  await cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: alarmName, StateValue: state, StateReason: 'e2e' }),
  );
}

/** The new version's percent in each "traffic" line of the plain renderer, in order, repeats removed. */
function trafficSteps(stderr: string): number[] {
  const values = [...stderr.matchAll(/ traffic v\S+ [\d.]+ % \| v\S+ ([\d.]+) %/g)].map((m) => Number(m[1]));
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/commands/shift.js'))) throw new Error('Run `npm run build` first.');
  fake = await startFakeAws();
  dir = await mkdtemp(path.join(tmpdir(), 'release-e2e-'));
  await writeProjectFile(dir, {
    name: 'Staging',
    region: fake.region,
    stackName: STACK,
    releaseStrategy: 'LambdaCanary10Percent5Minutes',
  });
});

afterAll(async () => {
  await fake?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  fake.clock.stopRealTime();
  fake.reset();
  await deployFixture(fake, STACK);
  outputs = await deployFixture(
    fake,
    STACK,
    { code: 'exports.handler = async () => ({ statusCode: 201 });' },
    { LiveAliasVersion: '1' },
  );
  const group = await new CodeDeployClient(fake.sdkConfig).send(
    new GetDeploymentGroupCommand({
      applicationName: outputs.CodeDeployApplication,
      deploymentGroupName: outputs.CodeDeployDeploymentGroup,
    }),
  );
  alarmName = group.deploymentGroupInfo?.alarmConfiguration?.alarms?.[0]?.name as string;
  fake.clock.startRealTime(SCALE);
});

describe('shift, through the built binary and the fake', () => {
  it('canary to completion: 0 -> 10 % -> 100 % observed in order, exit 0', async () => {
    const stop = stepByStep(fake, outputs.FunctionName!);
    const run = await cli('shift', '--watch').finally(stop);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Started deployment d-[A-Z0-9]{9}: version 1 -> 2/);
    expect(run.stderr).toContain('console.aws.amazon.com/codesuite/codedeploy/deployments/d-');
    expect(trafficSteps(run.stderr)).toEqual([0, 10, 100]);
    expect(await alias()).toMatchObject({ FunctionVersion: '2' });
    expect((await alias()).RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });

  it('linear: every 10 % step observed in order, to 100 %', async () => {
    const stop = stepByStep(fake, outputs.FunctionName!);
    const run = await cli('shift', '--watch', '--strategy', 'linear').finally(stop);
    expect(run.code).toBe(0);
    expect(trafficSteps(run.stderr)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('all-at-once --json: the result and nothing else on stdout', async () => {
    const run = await cli('shift', '--watch', '--strategy', 'all-at-once', '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      stackName: STACK,
      functionName: outputs.FunctionName,
      alias: 'live',
      from: '1',
      to: '2',
      strategy: 'all-at-once',
      config: 'LambdaAllAtOnce',
      outcome: 'succeeded',
      status: 'Succeeded',
      attached: false,
      traffic: { '2': 100 },
      exitCode: 0,
    });
    expect(run.json.deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(Object.keys(run.json.timings as object).sort()).toEqual([
      'createdAt',
      'durationSeconds',
      'endedAt',
      'startedAt',
    ]);
  });

  it('an alarm fires mid-shift: CodeDeploy stops and rolls back, exit 21, version 1 served', async () => {
    const atFirstStep = pauseAtFirstStep(fake, outputs.FunctionName!);
    const shift = start(['shift', '--watch', '--json']);
    await atFirstStep; // fake time stands still inside the 10 % canary step
    await setAlarm('ALARM'); // stays in ALARM: the rollback must get through all the same
    fake.clock.resume();
    const run = await shift.done;
    await setAlarm('OK');
    expect(run.code).toBe(21);
    expect(run.json).toMatchObject({
      outcome: 'rolled-back-by-alarm',
      status: 'Stopped',
      error: { code: 'ALARM_ACTIVE' },
      traffic: { '1': 100 },
      exitCode: 21,
    });
    expect(run.json.rollbackDeploymentId).toMatch(/^d-/);
    expect(await alias()).toMatchObject({ FunctionVersion: '1' });
  });

  it('attaches to a running deployment with --watch instead of refusing', async () => {
    // Fake time stands still until the attaching command has found the running deployment, then runs it out.
    fake.clock.pause();
    const started = await cli('shift', '--no-watch', '--json');
    expect(started.code).toBe(0);
    expect(started.json).toMatchObject({ outcome: 'in-progress', attached: false });
    const refused = await cli('shift', '--no-watch');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Deployment ${started.json.deploymentId} is already shifting traffic`);
    void fake.nextCall('ListDeployments').then(() => fake.clock.runAll());
    const attached = await cli('shift', '--watch', '--json');
    expect(attached.json).toMatchObject({
      deploymentId: started.json.deploymentId,
      attached: true,
      outcome: 'succeeded',
    });
  });

  it('refuses the version already served, an unknown version, and an alarm already firing', async () => {
    const same = await cli('shift', '--to', '1', '--json');
    expect([same.code, same.json.error?.code]).toEqual([1, 'AlreadyServed']);
    const unknown = await cli('shift', '--to', '9', '--json');
    expect([unknown.code, unknown.json.error?.code]).toEqual([2, 'UnknownVersion']);
    await setAlarm('ALARM');
    try {
      const firing = await cli('shift');
      expect(firing.code).toBe(1);
      expect(firing.stderr).toContain(`Alarm ${alarmName} is in ALARM`);
      expect(firing.stderr).toContain('--ignore-alarms');
    } finally {
      await setAlarm('OK');
    }
    expect(await alias()).toMatchObject({ FunctionVersion: '1' });
  });
});

describe('rollback, through the built binary and the fake', () => {
  it('during a shift: stops it, reports both ids, the alias serves 100 % of the old version', async () => {
    const atFirstStep = pauseAtFirstStep(fake, outputs.FunctionName!);
    const started = await cli('shift', '--no-watch', '--json');
    await atFirstStep; // fake time stands still in the 10 % step until rollback stops the shift
    void fake.nextCall('StopDeployment').then(() => fake.clock.resume());
    const run = await cli('rollback', '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      stoppedDeploymentId: started.json.deploymentId,
      outcome: 'succeeded',
      to: '1',
      traffic: { '1': 100 },
    });
    expect(run.json.deploymentId).not.toBe(started.json.deploymentId);
    const served = await alias();
    expect(served.FunctionVersion).toBe('1');
    expect(served.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });

  it('after a completed shift: back to the previous version (asks; --yes for CI)', async () => {
    expect((await cli('shift', '--watch', '--strategy', 'all-at-once')).code).toBe(0);
    const unconfirmed = await cli('rollback');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    const run = await cli('rollback', '--yes', '--json');
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ from: '2', to: '1', strategy: 'all-at-once', outcome: 'succeeded' });
    expect(await alias()).toMatchObject({ FunctionVersion: '1' });
  });

  it('nothing to roll back to: says so, exit 1', async () => {
    const run = await cli('rollback', '--yes');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Nothing to roll back to');
  });
});

describe('shift --watch in a real terminal (tmux)', () => {
  const session = `release-e2e-${process.pid}`;
  // A tmux server of its own (-L), as test/helpers/tmux.ts gives each terminal: no race with other files'.
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);

  async function waitFor(text: RegExp, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const shown = screen();
      if (text.test(shown)) return shown;
      if (Date.now() > until) throw new Error(`timed out waiting for ${text} on:\n${shown}`);
      await sleep(100);
    }
  }

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {}
  });

  it('draws the live view, and Ctrl-C detaches (exit 23) while the shift goes on', async () => {
    const env = Object.entries({ ...fake.env, NO_COLOR: '1' }).map(([k, v]) => `${k}=${v}`);
    const command = ['env', '-u', 'CI', ...env, process.execPath, BIN, 'shift', '--watch'].join(' ');
    // Fake time stands still at the 10 % step: the view shows it for as long as the test looks.
    const atFirstStep = pauseAtFirstStep(fake, outputs.FunctionName!);
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '110',
      '-y',
      '30',
      '-c',
      dir,
      `${command}; echo EXIT=$?; sleep 60`,
    );
    // The weight comes from the alias and the step from the deployment target, in separate reads: the view
    // may show the one before the other, so wait until it shows both.
    await atFirstStep;
    const live = await waitFor(/\| v2 10 %[\s\S]*Step +canary: 10 % now/);
    expect(live).toMatch(/shift · release-e2e {2}d-[A-Z0-9]{9} {2}LambdaCanary10Percent5Minutes/);
    expect(live).toMatch(/Step +canary: 10 % now, 100 % at \d\d:\d\d:\d\d/);
    expect(live).toMatch(/Hooks +BeforeAllowTraffic - {2}AllowTraffic … {2}AfterAllowTraffic ·/);
    expect(live).toMatch(/Alarms +release-e2e-AliasErrors\S+ OK/);
    const [shifting] = fake.state.codedeploy.activeDeployments();
    tmux('send-keys', '-t', session, 'C-c');
    const after = await waitFor(/EXIT=\d+/);
    expect(after).toContain('EXIT=23');
    expect(after).toContain(
      `Detached: deployment ${shifting} goes on. Re-attach: serverless-infra shift --watch -e Staging`,
    );
    expect(fake.state.codedeploy.activeDeployments()).toContain(shifting);
  });
});
