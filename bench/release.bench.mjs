// `shift --watch` against the offline fake (D9): AWS calls per minute while watching (budget: 40) and the
// delay from a traffic weight change in the fake to its line on the display (target: within 2 s).
// The built binary runs a linear shift (+10 % every minute) with the fake's clock 4x faster than the wall
// clock: a weight change every 15 s, four times the fastest predefined config, ten changes in ~2.5 minutes.
// Every call is counted: the fake's own, and CloudWatch's through a counting proxy to moto. Figures only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median, table } from './stats.mjs';

// The fake is TypeScript (test/support): run this file again under tsx to import it.
if (!process.env.RELEASE_BENCH_TSX) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', process.argv[1]], {
    stdio: 'inherit',
    env: { ...process.env, RELEASE_BENCH_TSX: '1' },
  });
  process.exit(run.status ?? 1);
}

const SCALE = 4;
const BUDGET = 40;
const root = process.cwd();
const { startFakeAws } = await import(path.join(root, 'test/support/fake-aws/index.ts'));
const { deployFixture } = await import(path.join(root, 'test/fake-aws/deploy-fixture.ts'));
const { writeProjectFile } = await import(path.join(root, 'test/release/support/project-file.ts'));

const calls = [];
const fake = await startFakeAws({ onResponse: (r) => calls.push({ at: Date.now(), op: r.operation }) });
const stack = 'release-bench';
await deployFixture(fake, stack);
const outputs = await deployFixture(
  fake,
  stack,
  { code: 'exports.handler = async () => 201;' },
  { LiveAliasVersion: '1' },
);
const dir = mkdtempSync(path.join(tmpdir(), 'release-bench-'));
await writeProjectFile(dir, {
  name: 'Staging',
  region: fake.region,
  stackName: stack,
  releaseStrategy: 'LambdaLinear10PercentEvery1Minute',
});
// CloudWatch calls go through this proxy to be counted too, then to the fake (moto, plus the percentiles moto lacks).
const proxy = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  calls.push({ at: Date.now(), op: 'CloudWatch' });
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([k]) => k !== 'host' && k !== 'connection'),
  );
  const answer = await fetch(`${fake.endpoint}${request.url}`, {
    method: request.method,
    headers,
    body: Buffer.concat(chunks),
  });
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const cloudwatchEndpoint = `http://127.0.0.1:${proxy.address().port}`;
calls.length = 0;
fake.clock.startRealTime(SCALE);

// Weight changes as they happen in the fake (read in-process every 5 ms, no API call counted).
const changes = [];
let lastWeight = 0;
const watcher = setInterval(() => {
  const alias = fake.state.lambda.getAlias(outputs.FunctionName, 'live');
  const weight =
    alias.FunctionVersion === '2'
      ? 100
      : Math.round((alias.RoutingConfig?.AdditionalVersionWeights?.['2'] ?? 0) * 100);
  if (weight !== lastWeight) changes.push({ weight, at: Date.now() });
  lastWeight = weight;
}, 5);

// The CLI's plain renderer (stderr is a pipe): one "traffic" line per change, timed on arrival.
const shown = [];
let watchStarted;
const child = spawn(process.execPath, [path.join(root, 'bin/run.js'), 'shift', '--watch'], {
  cwd: dir,
  env: {
    ...process.env,
    ...fake.env,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatchEndpoint,
    CI: 'true',
    NO_COLOR: '1',
    NODE_NO_WARNINGS: '1',
  },
});
let buffer = '';
child.stderr.on('data', (chunk) => {
  buffer += chunk;
  let newline = buffer.indexOf('\n');
  while (newline >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    watchStarted ??= /Started deployment/.test(line) ? Date.now() : undefined;
    const match = / traffic v\S+ [\d.]+ % \| v\S+ ([\d.]+) %/.exec(line);
    if (match) shown.push({ weight: Number(match[1]), at: Date.now() });
    newline = buffer.indexOf('\n');
  }
});
const code = await new Promise((resolve) => child.on('close', resolve));
const ended = Date.now();
clearInterval(watcher);
fake.clock.stopRealTime();
proxy.close();
await fake.stop();
rmSync(dir, { recursive: true, force: true });
if (code !== 0) throw new Error(`shift --watch exited ${code}`);

const watching = calls.filter((c) => c.at >= watchStarted);
const minutes = (ended - watchStarted) / 60_000;
let worstMinute = 0;
for (const c of watching)
  worstMinute = Math.max(worstMinute, watching.filter((d) => d.at >= c.at && d.at < c.at + 60_000).length);
const byOp = {};
for (const c of watching) byOp[c.op] = (byOp[c.op] ?? 0) + 1;

const delays = changes
  .map((change) => {
    const display = shown.find((s) => s.weight === change.weight && s.at >= change.at);
    return display ? display.at - change.at : undefined;
  })
  .filter((d) => d !== undefined);

console.log(
  `shift --watch, linear 10 %/min at ${SCALE}x fake time: ${changes.length} weight changes in ${(minutes * 60).toFixed(0)} s of watching`,
);
table([
  ['figure', 'value', 'vs target'],
  [
    'calls per minute (average)',
    (watching.length / minutes).toFixed(1),
    `${(watching.length / minutes / BUDGET).toFixed(2)} x budget ${BUDGET}`,
  ],
  [
    'calls in the busiest 60 s',
    String(worstMinute),
    `${(worstMinute / BUDGET).toFixed(2)} x budget ${BUDGET}`,
  ],
  [
    'change -> display, median ms',
    delays.length ? median(delays).toFixed(0) : 'n/a',
    delays.length ? `${(median(delays) / 2000).toFixed(2)} x 2 s` : '',
  ],
  [
    'change -> display, max ms',
    delays.length ? Math.max(...delays).toFixed(0) : 'n/a',
    delays.length ? `${(Math.max(...delays) / 2000).toFixed(2)} x 2 s` : '',
  ],
  ['changes shown / happened', `${delays.length} / ${changes.length}`, ''],
]);
console.log(
  `Calls by operation: ${Object.entries(byOp)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ')}`,
);
console.log(
  'Baseline for comparison: refreshing everything (4 calls) every 2 s would make 120 calls a minute.',
);
