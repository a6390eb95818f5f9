import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Rollback from '../../src/commands/rollback.js';
import Shift from '../../src/commands/shift.js';
import { writeProjectFile } from './support/project-file.js';
import { SimulatedAws } from './support/simulated-aws.js';

/**
 * The commands in-process (flags, refusals, exit codes, --json shapes), every SDK client mocked by the
 * time-driven model, which runs 100 times faster than real time here.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
let aws: SimulatedAws;
let dir: string;
const cwd = process.cwd();

beforeEach(async () => {
  aws = new SimulatedAws({ classes: true });
  aws.clock.linkToRealTime(100);
  dir = await mkdtemp(path.join(tmpdir(), 'release-cmd-'));
  await writeProjectFile(dir, {
    name: 'Production',
    region: 'eu-west-1',
    stackName: 'ServerlessInfra-Production',
    releaseStrategy: 'LambdaCanary10Percent5Minutes',
  });
  process.chdir(dir);
  process.env.NO_COLOR = '1';
  process.env.CI = 'true';
});

afterEach(async () => {
  aws.restore();
  vi.restoreAllMocks();
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

async function run(command: typeof Shift | typeof Rollback, argv: string[], during?: () => void) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: unknown) => {
    into.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture(stdout));
  vi.spyOn(process.stderr, 'write').mockImplementation(capture(stderr));
  // oclif writes through console.log / console.error.
  vi.spyOn(console, 'log').mockImplementation((...args) => stdout.push(`${args.join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation((...args) => stderr.push(`${args.join(' ')}\n`));
  let code: number | undefined;
  process.exitCode = undefined;
  const done = command.run(argv, ROOT).catch((error: { oclif?: { exit?: number } }) => {
    code = error.oclif?.exit ?? -1;
    if (code === -1) throw error;
  });
  during?.();
  await done;
  code ??= Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  vi.restoreAllMocks();
  const out = stdout.join('');
  return { code, stdout: out, stderr: stderr.join(''), json: out.trim() ? JSON.parse(out) : undefined };
}

describe('shift command', () => {
  it('--watch --json: runs the shift to the end and prints only the result', async () => {
    const { code, json, stderr } = await run(Shift, ['--watch', '--json', '--strategy', 'all-at-once']);
    expect(code).toBe(0);
    // No human output under --json (a Node.js runtime warning from the SDK may still reach stderr).
    expect(stderr).not.toMatch(/Started deployment|traffic|succeeded/);
    expect(json).toMatchObject({
      deploymentId: aws.deployments[0]!.id,
      stackName: 'ServerlessInfra-Production',
      functionName: 'items-fn',
      alias: 'live',
      from: '2',
      to: '3',
      strategy: 'all-at-once',
      config: 'LambdaAllAtOnce',
      outcome: 'succeeded',
      status: 'Succeeded',
      attached: false,
      traffic: { '3': 100 },
      exitCode: 0,
    });
    expect(json.consoleUrl).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/codesuite\/codedeploy\/deployments\/d-/,
    );
    expect(Object.keys(json.timings).sort()).toEqual([
      'createdAt',
      'durationSeconds',
      'endedAt',
      'startedAt',
    ]);
  });

  it('an alarm mid-shift: exit 21 and the rollback deployment in the JSON', async () => {
    aws.fireAlarm('api-5xx', aws.clock.now() + 60_000);
    const { code, json } = await run(Shift, ['--watch', '--json']);
    expect(code).toBe(21);
    expect(json).toMatchObject({ outcome: 'rolled-back-by-alarm', exitCode: 21, traffic: { '2': 100 } });
    expect(json.rollbackDeploymentId).toBe(aws.deployments[1]!.id);
  });

  it.each([
    ['the version already served', ['--to', '2'], 'AlreadyServed', 1],
    ['an unknown version', ['--to', '9'], 'UnknownVersion', 2],
    ['an unknown strategy', ['--strategy', 'sideways'], 'UsageError', 2],
  ])('refuses %s with a JSON error and no deployment', async (_, argv, errorCode, exit) => {
    const { code, json } = await run(Shift, [...argv, '--json']);
    expect(code).toBe(exit);
    expect(json.error.code).toBe(errorCode);
    expect(json.error.suggestion).toBeTruthy();
    expect(aws.deployments).toHaveLength(0);
  });

  it('refuses while an alarm fires, says which; --force starts anyway', async () => {
    aws.fireAlarm('alias-errors');
    const refused = await run(Shift, []);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('alias-errors');
    expect(refused.stderr).toContain('--force');
    expect(aws.deployments).toHaveLength(0);
    const forced = await run(Shift, ['--force', '--no-watch', '--json']);
    expect(forced.code).toBe(0);
    expect(forced.json).toMatchObject({ outcome: 'in-progress' });
  });

  it('refuses a second shift while one runs; --watch attaches to it', async () => {
    // Virtual time stands still while the second shift is refused, however long it takes to load, then runs.
    aws.clock.freeze();
    const running = aws.start({ from: '2', to: '3', config: 'LambdaAllAtOnce' });
    const refused = await run(Shift, ['--no-watch']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(running);
    aws.clock.linkToRealTime(100);
    const attached = await run(Shift, ['--watch', '--json']);
    expect(attached.json).toMatchObject({ deploymentId: running, attached: true, outcome: 'succeeded' });
    expect(aws.deployments).toHaveLength(1);
  });

  it('Ctrl-C while watching detaches: exit 23, the deployment goes on, and how to re-attach', async () => {
    aws.clock.freeze();
    // Ctrl-C once the watch has had its first look at the deployment it started (not after a fixed delay).
    const watching = () =>
      aws.calls.some(
        (c, i) => c.name === 'GetAlias' && aws.calls.slice(0, i).some((d) => d.name === 'CreateDeployment'),
      );
    const { code, stderr } = await run(Shift, ['--watch'], () => {
      const timer = setInterval(() => {
        if (!watching()) return;
        clearInterval(timer);
        process.emit('SIGINT');
      }, 10);
    });
    expect(code).toBe(23);
    expect(stderr).toContain('Re-attach: serverless-infra shift --watch -e Production');
    expect(aws.info(aws.deployments[0]!, aws.clock.now()).status).not.toMatch(/Stopped|Failed/);
  });
});

/**
 * A canary a minute into its 10 % step, where virtual time stands still (however long the command takes to
 * load) until runAfterStop() sees StopDeployment.
 */
function startCanaryUntilStopped(): string {
  aws.clock.freeze();
  const running = aws.start({ from: '2', to: '3', config: 'LambdaCanary10Percent5Minutes' });
  aws.clock.time += 60_000;
  return running;
}

function runAfterStop(): void {
  const timer = setInterval(() => {
    if (!aws.calls.some((c) => c.name === 'StopDeployment')) return;
    clearInterval(timer);
    aws.clock.linkToRealTime(100);
  }, 10);
}

describe('rollback command', () => {
  it('during a shift: stops it, reports both ids, alias back to 100 % old', async () => {
    const running = startCanaryUntilStopped();
    const { code, json } = await run(Rollback, ['--json'], runAfterStop);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      stoppedDeploymentId: running,
      deploymentId: aws.deployments[1]!.id,
      outcome: 'succeeded',
      traffic: { '2': 100 },
    });
  });

  it('during a shift, in words: which deployment was stopped and which one rolled back', async () => {
    const running = startCanaryUntilStopped();
    const { code, stderr } = await run(Rollback, [], runAfterStop);
    const rollbackId = aws.deployments[1]!.id;
    expect(code).toBe(0);
    expect(stderr).toContain(`Stopped deployment ${running}.`);
    expect(stderr).toContain(`CodeDeploy is rolling back: deployment ${rollbackId}.`);
    expect(stderr).toContain(`Rolled back: ${running} stopped, rollback deployment ${rollbackId} succeeded`);
    expect(stderr).toContain('The alias serves 100 % on version 2.');
  });

  it('after a completed shift: needs --yes without a terminal, then goes back to the previous version', async () => {
    await run(Shift, ['--watch', '--strategy', 'all-at-once']);
    const refused = await run(Rollback, []);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const { code, json } = await run(Rollback, ['--yes', '--json']);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      from: '3',
      to: '2',
      strategy: 'all-at-once',
      outcome: 'succeeded',
      traffic: { '2': 100 },
    });
  });

  it('nothing to roll back to: says so, exit 1', async () => {
    const { code, stderr } = await run(Rollback, ['--yes']);
    expect(code).toBe(1);
    expect(stderr).toContain('Nothing to roll back to');
  });
});
