/**
 * The user's day as the real-account suite runs it, through the BUILT binary, against a target: a real
 * account (`npm run test:aws`, users-day.aws-test.ts) or the offline AWS (scenario.test.ts, in `npm test`,
 * so that this logic cannot rot unseen).
 *
 *   init (fresh stack name, run-id tag) -> deploy -> the tag is on the stack's resources -> deploy new code
 *   -> shift --watch (canary, to the end) -> deploy newer code -> shift --watch, rollback mid-shift
 *   -> status -> destroy -> nothing tagged with the run id is left
 *
 * The cleanup is armed before anything is created: a guard process (guard.ts) that destroys the stack if
 * the suite dies, and the suite's own cleanup, which runs after the last step or after the first failure.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { CliResult } from '../helpers/cli.js';
import {
  apiGatewayLogRole,
  type CleanupReport,
  cleanUp,
  interruptRunningCli,
  RUN_TAG_KEY,
  type RunHandle,
  type RunTarget,
  runCli,
  taggedWithRun,
  toolkitExists,
} from './cleanup.js';
import { type Guard, startGuard } from './guard.js';

// biome-ignore lint/suspicious/noExplicitAny: each command's JSON result, asserted field by field
type Json = Record<string, any>;

/** How the offline run holds fake time where the scenario must see something (a shift in flight). */
export interface ScenarioHooks {
  /** Before a step runs (a test injects a fault here). */
  beforeStep?: (step: StepName, run: RunHandle, outputs: Json) => void | Promise<void>;
  /**
   * Called when `shift --watch` has been started for the rollback; resolves once the shift is in flight with
   * traffic on both versions. Default: polls `status --json` (the real account).
   */
  shiftInFlight?: (run: RunHandle, outputs: Json) => Promise<void>;
}

export type StepName =
  | 'init'
  | 'deploy'
  | 'tagged'
  | 'redeploy'
  | 'shift'
  | 'redeploy-again'
  | 'rollback-mid-shift'
  | 'status'
  | 'destroy';

export interface ScenarioResult {
  run: RunHandle;
  /** The steps that passed, in order. */
  passed: StepName[];
  /** What the Tagging API listed with the run id after the first deploy. */
  taggedAfterDeploy: string[];
  cleanup: CleanupReport;
  /** The first failure (a step or its check); the cleanup ran all the same. */
  failure?: Error;
  logFile: string;
}

/** A run id: unique, short, and valid in a stack name, a tag value and a bucket name. */
export function newRunId(): string {
  return `r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

function handlerSource(body: string): string {
  return `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });\n`;
}

/**
 * `actual` holds everything `expected` says (objects: key by key, recursively; anything else: equal), as
 * vitest's toMatchObject; plain node:assert so that the scenario also runs outside vitest (run-day.ts).
 */
function matches(actual: unknown, expected: Json, what = 'result'): void {
  if (!contains(actual, expected))
    throw new assert.AssertionError({
      message: `${what}: expected to contain ${JSON.stringify(expected)}\ngot ${JSON.stringify(actual)}`,
      actual,
      expected,
      operator: 'matches',
    });
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected))
    return isDeepStrictEqual(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([key, value]) => contains((actual as Json)[key], value));
}

/** The command's --json result; fails with its output when it exited otherwise or printed no JSON. */
function result(r: CliResult, expectedCode = 0): Json {
  if (r.code !== expectedCode)
    throw new Error(
      `exit ${r.code} (expected ${expectedCode})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON:\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
}

/**
 * Runs the day. Never throws: a failure is in `failure`, and the cleanup has run either way. The caller
 * asserts on the result (and prints the log file on failure).
 */
export async function runUsersDay(
  target: RunTarget,
  options: { email?: string; hooks?: ScenarioHooks; runId?: string } = {},
): Promise<ScenarioResult> {
  const runId = options.runId ?? newRunId();
  const dir = await mkdtemp(path.join(tmpdir(), `si-aws-${runId}-`));
  // Whether the run will create the toolkit stack (then the cleanup deletes it), asked before anything exists.
  const run: RunHandle = {
    runId,
    stackName: `si-test-${runId}`,
    dir,
    ownsToolkit: !(await toolkitExists(target)),
    apiGatewayRoleBefore: await apiGatewayLogRole(target),
  };
  const logFile = path.join(dir, 'run.log');
  const log = (line: string) => {
    appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
    target.log(line);
  };
  const logged: RunTarget = { ...target, log };
  const hooks = options.hooks ?? {};
  const passed: StepName[] = [];
  let outputs: Json = {};
  let taggedAfterDeploy: string[] = [];
  const cli = (...args: string[]) => runCli(target, dir, args);

  // Armed before anything exists: if this process dies, the guard destroys the stack.
  const { sleep: _sleep, log: _log, ...serializable } = target;
  const guard: Guard = startGuard({ target: serializable, run, logFile });
  log(
    `run ${runId}: stack ${run.stackName} in ${target.region}; guard pid ${guard.child.pid}; log ${logFile}`,
  );
  const onSignal = (signal: NodeJS.Signals) => {
    // The guard cleans up once this process is gone; the CLIs it started are told to stop first.
    log(`${signal}: stopping; the guard (pid ${guard.child.pid}) destroys ${run.stackName}, see ${logFile}`);
    void interruptRunningCli().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const step = async (name: StepName, body: () => Promise<void>) => {
    await hooks.beforeStep?.(name, run, outputs);
    log(`step ${name}`);
    await body();
    passed.push(name);
  };

  let failure: Error | undefined;
  try {
    await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v1'));

    await step('init', async () => {
      const init = result(
        await cli(
          'init',
          '--environment',
          'Development',
          '--email',
          options.email ?? 'serverless-infra-test@example.com',
          '--region',
          target.region,
          '--stack-name',
          run.stackName,
          '--release-strategy',
          'canary',
          '--handler',
          'handler.mjs',
          '--tag',
          `${RUN_TAG_KEY}=${runId}`,
          '--json',
        ),
      );
      matches(init.config, { stackName: run.stackName, tags: { [RUN_TAG_KEY]: runId } }, 'init');
    });

    await step('deploy', async () => {
      const deploy = result(await cli('deploy', '--yes', '--json'));
      matches(deploy, { outcome: 'deployed', changeSetType: 'CREATE' }, 'deploy');
      assert.deepEqual(deploy.versions, { published: '1', live: '1' }, 'deploy: versions');
      outputs = deploy.outputs;
    });

    await step('tagged', async () => {
      // The run tag reached the stack's resources (stack tags and Tags.of): the leftover check can see them.
      // The Tagging API's index lags behind a creation: look a few times.
      const expected = [outputs.FunctionName, outputs.TableName, outputs.BucketName, outputs.TopicArn];
      for (let attempt = 1; ; attempt++) {
        taggedAfterDeploy = (await taggedWithRun(target, runId)).map((r) => r.arn);
        const missing = expected.filter((name) => !taggedAfterDeploy.some((arn) => arn.endsWith(name)));
        if (missing.length === 0 || attempt >= target.leftoverAttempts) {
          assert.deepEqual(missing, [], `tagged ${RUN_TAG_KEY}=${runId}: ${taggedAfterDeploy.join(', ')}`);
          break;
        }
        await target.sleep(target.pollMs);
      }
      // The stack itself is listed too where the Tagging API indexes stacks (the fake does; the leftover check
      // does not rely on it: the stack's absence is destroy's answer).
      const stackListed = taggedAfterDeploy.some((arn) => arn.includes(`:stack/${run.stackName}/`));
      log(`tagged: ${taggedAfterDeploy.length} resource(s)${stackListed ? ', the stack among them' : ''}`);
    });

    await step('redeploy', async () => {
      await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v2'));
      const deploy = result(await cli('deploy', '--yes', '--json'));
      matches(deploy, { outcome: 'deployed', changeSetType: 'UPDATE' }, 'deploy');
      assert.deepEqual(deploy.versions, { published: '2', live: '1' }, 'deploy: versions');
    });

    await step('shift', async () => {
      const shift = result(await cli('shift', '--watch', '--strategy', 'canary', '--json'));
      matches(shift, { from: '1', to: '2', strategy: 'canary', outcome: 'succeeded' }, 'shift');
    });

    await step('redeploy-again', async () => {
      await writeFile(path.join(dir, 'handler.mjs'), handlerSource('hello, v3'));
      const deploy = result(await cli('deploy', '--yes', '--json'));
      assert.deepEqual(deploy.versions, { published: '3', live: '2' }, 'deploy: versions');
    });

    await step('rollback-mid-shift', async () => {
      // The watching shift runs on; rollback (another process) stops it mid-way, as a user in a second terminal.
      const watching = cli('shift', '--watch', '--strategy', 'canary', '--json');
      await (hooks.shiftInFlight ?? waitForShiftInFlight(logged, cli))(run, outputs);
      const rollback = result(await cli('rollback', '--yes', '--json'));
      const shift = result(await watching, 22); // exit 22: the deployment was stopped (README, exit codes)
      matches(shift, { from: '2', to: '3', outcome: 'stopped' }, 'shift (stopped)');
      matches(rollback, { stoppedDeploymentId: shift.deploymentId, outcome: 'succeeded' }, 'rollback');
    });

    await step('status', async () => {
      const status = result(await cli('status', '--json'));
      matches(
        status,
        {
          exists: true,
          alias: { name: 'live', version: '2', traffic: { '2': 100 } },
        },
        'status',
      );
      matches(status.deployment, { inFlight: false }, 'status: deployment');
      const moves = status.releases.map((r: Json) => `${r.from}->${r.to} ${r.outcome}`);
      for (const move of ['1->2 succeeded', '2->3 stopped'])
        assert.ok(moves.includes(move), `status: releases ${JSON.stringify(moves)} lack ${move}`);
    });

    await step('destroy', async () => {
      const destroy = result(await cli('destroy', '--yes', '--json'));
      matches(destroy, { stackName: run.stackName, outcome: 'destroyed' }, 'destroy');
    });
  } catch (error) {
    failure = error as Error;
    log(`failed after ${passed.join(', ') || 'no step'}: ${failure.message}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  await interruptRunningCli();
  const cleanup = await cleanUp(logged, run);
  log(`cleanup: ${JSON.stringify(cleanup)}`);
  await guard.release();
  return { run, passed, taggedAfterDeploy, cleanup, ...(failure ? { failure } : {}), logFile };
}

/** On a real account: `status --json` every pollMs until a deployment is in flight with traffic on two versions. */
function waitForShiftInFlight(target: RunTarget, cli: (...args: string[]) => Promise<CliResult>) {
  return async () => {
    for (let attempt = 1; attempt <= 60; attempt++) {
      const status = await cli('status', '--json');
      if (status.code === 0) {
        const s = JSON.parse(status.stdout);
        if (s.deployment?.inFlight && Object.keys(s.alias?.traffic ?? {}).length === 2) return;
      }
      await target.sleep(target.pollMs);
    }
    throw new Error('the shift never had traffic on both versions');
  };
}
