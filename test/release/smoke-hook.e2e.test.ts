/**
 * Releases that prove themselves, end to end with the BUILT binary against the offline AWS: the stack's smoke
 * hook runs as CodeDeploy's BeforeAllowTraffic/AfterAllowTraffic hook (the fake's CodeDeploy invokes it and
 * waits for PutLifecycleEventHookExecutionStatus; the fake's Lambda runs the real bundles in child processes).
 * A version that answers GET /items with a 5xx stops the shift before any traffic moves, with the hook's
 * reason; a healthy one goes through both hooks.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, initDevelopment, ROOT, runCli, startCli } from '../helpers/cli.js';
import { pauseAtFirstStep } from '../helpers/fake-time.js';
import { Terminal } from '../helpers/tmux.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

const STACK = 'SmokeHook-Development';
/** Fake seconds per real second: a 5-minute canary takes 1.5 s. */
const TIME_SCALE = 200;

let fake: FakeAws;
let dir: string;
let functionName: string;

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1' } });
}

// biome-ignore lint/suspicious/noExplicitAny: the command's JSON result, asserted field by field
function json(r: CliResult): Record<string, any> {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`exit ${r.code}, not JSON:\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
}

function handlerSource(status: number, body: string): string {
  return `export const handler = async (event) => {
  console.log('handling', event.httpMethod, event.path);
  return { statusCode: ${status}, headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} };
};
`;
}

async function deploy(): Promise<Record<string, string>> {
  const result = await cli('deploy', '--yes', '--json');
  if (result.code !== 0) throw new Error(`deploy: exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return json(result).outputs;
}

async function live() {
  const lambda = new LambdaClient(fake.sdkConfig);
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: 'live' }));
  return { version: alias.FunctionVersion, weights: alias.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

/** Invocations Lambda counted for one version through the alias (ExecutedVersion), in moto CloudWatch. */
async function aliasInvocations(version: string): Promise<number> {
  const cloudwatch = new CloudWatchClient(fake.motoSdkConfig);
  const end = new Date(Date.now() + 60_000);
  const answer = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 3_600_000),
      EndTime: end,
      MetricDataQueries: [
        {
          Id: 'n',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: 'Invocations',
              Dimensions: [
                { Name: 'FunctionName', Value: functionName },
                { Name: 'Resource', Value: `${functionName}:live` },
                { Name: 'ExecutedVersion', Value: version },
              ],
            },
            Period: 3600,
            Stat: 'Sum',
          },
        },
      ],
    }),
  );
  return (answer.MetricDataResults?.[0]?.Values ?? []).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/smoke-hook/index.mjs')))
    throw new Error('Run `npm run build` first.');
  fake = await startFakeAws({ region: 'eu-west-1', accountId: '100000000015', timeScale: TIME_SCALE });
  dir = await mkdtemp(path.join(tmpdir(), 'si-smoke-hook-'));
  await writeFile(path.join(dir, 'handler.mjs'), handlerSource(200, '{"items":[]}'));
  const init = await cli(...initDevelopment(STACK), '--json');
  expect(init.code, init.stderr).toBe(0);
  functionName = (await deploy()).FunctionName as string;
}, 120_000);

afterAll(async () => {
  await fake?.stop();
});

describe('releases that prove themselves', () => {
  it('a version whose GET /items answers 5xx: the shift stops at 0 % with the hook reason (exit 20)', async () => {
    await writeFile(path.join(dir, 'handler.mjs'), handlerSource(503, '{"message":"database down"}'));
    await deploy();
    const shift = await cli('shift', '--watch', '--json');
    const result = json(shift);
    expect(shift.code, shift.stderr).toBe(20);
    expect(result).toMatchObject({
      outcome: 'failed',
      status: 'Failed',
      from: '1',
      to: '2',
      error: { code: 'HOOK_EXECUTION_FAILURE' },
      traffic: { '1': 100 },
    });
    expect(result.smokeTest.results).toEqual([
      {
        event: 'BeforeAllowTraffic',
        status: 'Failed',
        reason: expect.stringMatching(/^GET \/items: answered 503 .*database down/),
      },
    ]);
    expect(result.smokeTest.steps).toContainEqual(
      expect.objectContaining({ event: 'BeforeAllowTraffic', step: 'GET /items', passed: false }),
    );
    // Not one request reached version 2 through the alias: it only ever served version 1.
    expect(await live()).toEqual({ version: '1', weights: {} });
    expect(await aliasInvocations('2')).toBe(0);
  }, 120_000);

  it('a healthy version passes BeforeAllowTraffic and AfterAllowTraffic and gets all the traffic', async () => {
    await writeFile(path.join(dir, 'handler.mjs'), handlerSource(200, '{"items":[]}'));
    await deploy();
    const shift = await cli('shift', '--watch', '--json');
    const result = json(shift);
    expect(shift.code, shift.stderr).toBe(0);
    expect(result).toMatchObject({ outcome: 'succeeded', from: '1', to: '3', traffic: { '3': 100 } });
    expect(result.smokeTest.results).toEqual([
      { event: 'BeforeAllowTraffic', status: 'Succeeded' },
      { event: 'AfterAllowTraffic', status: 'Succeeded' },
    ]);
    expect(result.smokeTest.steps).toEqual([
      { event: 'BeforeAllowTraffic', step: 'GET /items', passed: true, detail: '200' },
      { event: 'AfterAllowTraffic', step: 'GET /items', passed: true, detail: '200' },
    ]);
  }, 120_000);

  it('per-version health: traffic driven through the alias during the canary is counted per version in --json', async () => {
    // Version 4 fails on /boom only (its smoke test passes); version 3 answers it.
    await writeFile(
      path.join(dir, 'handler.mjs'),
      `export const handler = async (event) => {
  console.log('handling', event.httpMethod, event.path);
  if (event.path === '/boom') throw new Error('boom in version 4');
  return { statusCode: 200, headers: {}, body: '{"items":[]}' };
};
`,
    );
    await deploy();
    const paused = pauseAtFirstStep(fake, functionName);
    const shift = cli('shift', '--watch', '--json');
    await paused;
    const lambda = new LambdaClient(fake.sdkConfig);
    const answers: { version?: string; error?: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const answer = await lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          Qualifier: 'live',
          Payload: new TextEncoder().encode(JSON.stringify({ httpMethod: 'GET', path: '/boom' })),
        }),
      );
      answers.push({ version: answer.ExecutedVersion, error: answer.FunctionError });
    }
    // The alias's 10 % went to version 4 (every tenth request: the fake routes deterministically).
    expect(answers.filter((a) => a.version === '4')).toEqual(
      Array(3).fill({ version: '4', error: 'Unhandled' }),
    );
    fake.clock.resume();
    const done = await shift;
    const result = json(done);
    expect(done.code, done.stderr).toBe(0);
    expect(result.health.windowMinutes).toBe(5);
    expect(result.health.versions).toEqual([
      {
        version: '3',
        requests: 27,
        errors: 0,
        errorRate: 0,
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
      },
      {
        version: '4',
        requests: 3,
        errors: 3,
        errorRate: 1,
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
      },
    ]);
    const [old] = result.health.versions;
    expect(old.p99Ms).toBeGreaterThanOrEqual(old.p50Ms);

    // status: the same for what the alias serves now (version 4 only).
    const status = json(await cli('status', '--json'));
    expect(status.health.versions).toEqual([
      {
        version: '4',
        requests: 3,
        errors: 3,
        errorRate: 1,
        p50Ms: expect.any(Number),
        p99Ms: expect.any(Number),
      },
    ]);
  }, 180_000);

  it('logs: --version separates the versions, --filter keeps matching lines, --json gives the raw events', async () => {
    // After the previous test: version 3 and version 4 each handled /boom through the alias.
    const four = json(await cli('logs', '--version', '4', '--json'));
    expect(four.events.length).toBeGreaterThan(0);
    expect(new Set(four.events.map((e: { version: string }) => e.version))).toEqual(new Set(['4']));
    expect(four.events.every((e: { stream: string }) => /^\d{4}\/\d\d\/\d\d\/\[4\]/.test(e.stream))).toBe(
      true,
    );
    const boom = four.events.filter((e: { message: string }) => e.message.includes('boom in version 4'));
    expect(boom).toHaveLength(3);
    // Newest last.
    const times = four.events.map((e: { timestamp: string }) => e.timestamp);
    expect([...times].sort()).toEqual(times);
    const three = json(await cli('logs', '--version', '3', '--filter', 'boom', '--json'));
    expect(three.events.length).toBeGreaterThan(0);
    expect(three.events.every((e: { message: string; version: string }) => e.version === '3')).toBe(true);
    expect(three.events.every((e: { message: string }) => e.message.includes('boom'))).toBe(true);
    // Readable: the runtime's lines taken apart, START/END/REPORT with their request id.
    const text = await cli('logs', '--version', '4');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \[v4\] START [0-9a-f-]{36}/m);
    expect(text.stdout).toMatch(/\[v4\] ERROR [0-9a-f-]{36} Invoke Error/);
  }, 60_000);

  it('logs --follow: shows a new line as it comes, and exits 0 on Ctrl-C', async () => {
    const { child, output, done } = startCli(['logs', '--follow', '--since', '1m', '--filter', 'follow-me'], {
      cwd: dir,
      env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1' },
    });
    const waitFor = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
      if (!what()) throw new Error(`no ${label}:\n${output().stdout}\n${output().stderr}`);
    };
    await waitFor(() => output().stderr.includes('Ctrl-C stops'), 'banner');
    const lambda = new LambdaClient(fake.sdkConfig);
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Qualifier: 'live',
        Payload: new TextEncoder().encode(JSON.stringify({ httpMethod: 'GET', path: '/follow-me' })),
      }),
    );
    await waitFor(() => output().stdout.includes('/follow-me'), 'followed line');
    expect(output().stdout).toMatch(/\[v4\] INFO {2}[0-9a-f-]{36} handling GET \/follow-me/);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  }, 60_000);

  it("shift --watch in a terminal: the smoke steps and each version's requests, errors and latency on screen", async () => {
    await writeFile(
      path.join(dir, 'handler.mjs'),
      `export const handler = async (event) => {
  if (event.path === '/v5-boom') throw new Error('boom in version 5');
  return { statusCode: 200, headers: {}, body: '{"items":[]}' };
};
`,
    );
    await deploy();
    const paused = pauseAtFirstStep(fake, functionName);
    const env = Object.fromEntries(Object.entries(fake.env).filter(([k]) => k.startsWith('AWS_')));
    const terminal = new Terminal(`node ${BIN} shift --watch`, { cwd: dir, env: { ...env, TZ: 'UTC' } });
    try {
      await paused;
      // The live view during the canary: the smoke test passed before any traffic moved.
      const during = await terminal.waitFor(/Smoke\s+GET \/items ✔/, 60_000);
      expect(during).toMatch(/v4 90 % \| v5 10 %/);
      expect(during).toMatch(/Hooks\s+BeforeAllowTraffic ✔\s+AllowTraffic …/);
      const lambda = new LambdaClient(fake.sdkConfig);
      for (let i = 0; i < 20; i++) {
        await lambda.send(
          new InvokeCommand({
            FunctionName: functionName,
            Qualifier: 'live',
            Payload: new TextEncoder().encode(JSON.stringify({ httpMethod: 'GET', path: '/v5-boom' })),
          }),
        );
      }
      fake.clock.resume();
      expect(await terminal.exitCode(120_000)).toBe(0);
      const screen = terminal.screen();
      // Both versions, old first. Version 4 answered /v5-boom (18 of these 20 requests, plus the earlier tests'
      // within the 5-minute window); version 5 got 2 and failed both.
      const old = /Health\s+v4\s+(\d+) req\s+(\d+) err \([\d.]+ %\)\s+p50 [\d.]+ ms\s+p99 [\d.]+ ms/.exec(
        screen,
      );
      expect(old, screen).not.toBeNull();
      expect(Number(old![1])).toBeGreaterThanOrEqual(18);
      expect(screen).toMatch(/^\s+v5\s+2 req\s+2 err \(100 %\)\s+p50 [\d.]+ ms\s+p99 [\d.]+ ms/m);
      expect(screen).toMatch(/Deployment d-\w+ succeeded/);
    } finally {
      terminal.close();
    }
  }, 240_000);
});
