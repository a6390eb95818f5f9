/**
 * The built-in items API's smoke test and a user's own smoke module (`init --smoke-test`), end to end with the
 * BUILT binary against the offline AWS: the hook checks GET /health and GET /items of the new version (the
 * real bundle, reading moto's DynamoDB) and then runs the module, bundled into the hook at deploy time. A
 * module that throws stops the shift before any traffic moves, with its message as the reason.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliResult, ROOT, runCli } from '../helpers/cli.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws/index.js';

let fake: FakeAws;
let dir: string;

function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: { ...fake.env, CI: '1', NODE_NO_WARNINGS: '1' } });
}

async function ok(...args: string[]): Promise<void> {
  const r = await cli(...args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/smoke-hook/index.mjs')))
    throw new Error('Run `npm run build` first.');
  fake = await startFakeAws({ region: 'eu-west-1', accountId: '100000000016', timeScale: 200 });
  dir = await mkdtemp(path.join(tmpdir(), 'si-smoke-module-'));
});

afterAll(async () => {
  await fake?.stop();
});

it('init --smoke-test: the module runs after the built-in checks; when it throws, the shift stops at 0 % with its message', async () => {
  await writeFile(
    path.join(dir, 'smoke.mjs'),
    `export async function smoke({ invoke, version }) {
  const answer = await invoke({ path: '/items', query: { status: 'no-such-status' } });
  throw new Error('version ' + version + ' answered ' + answer.statusCode + ' to a bad status filter; this test wants 418');
}
`,
  );
  const init = [
    'init',
    '--environment',
    'Development',
    '--email',
    'ops@example.com',
    '--region',
    'eu-west-1',
  ];
  await ok(
    ...init,
    '--stack-name',
    'SmokeModule-Dev',
    '--release-strategy',
    'all-at-once',
    '--smoke-test',
    'smoke.mjs',
    '--auth',
    'none',
  );
  await ok('deploy', '--yes', '--json');
  // A second version: the write-auth setting is in the function's environment.
  await ok(...init, '--auth', 'cognito', '--yes');
  await ok('deploy', '--yes', '--json');
  const shift = await cli('shift', '--watch', '--json');
  expect(shift.code, shift.stderr).toBe(20);
  const result = JSON.parse(shift.stdout);
  expect(result).toMatchObject({ outcome: 'failed', from: '1', to: '2', traffic: { '1': 100 } });
  // The built-in checks passed against the real bundle (GET /health, then GET /items from moto's DynamoDB).
  expect(result.smokeTest.steps).toEqual([
    { event: 'BeforeAllowTraffic', step: 'GET /health', passed: true, detail: '200 ok' },
    { event: 'BeforeAllowTraffic', step: 'GET /items', passed: true, detail: '200, 0 item(s)' },
    {
      event: 'BeforeAllowTraffic',
      step: 'smoke.mjs',
      passed: false,
      detail: 'version 2 answered 400 to a bad status filter; this test wants 418',
    },
  ]);
  expect(result.smokeTest.results).toEqual([
    {
      event: 'BeforeAllowTraffic',
      status: 'Failed',
      reason: 'smoke.mjs: version 2 answered 400 to a bad status filter; this test wants 418',
    },
  ]);
}, 180_000);
