// Deploy benchmark (DESIGN D9): AWS calls and wall time of a no-op deploy, against the baseline of the
// first deploy of the same stack measured in this run, and bytes uploaded on a redeploy without code
// change, and a one-property update. Runs the built binary against the offline fake (test/support).
// Prints figures; never fails on time.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'run.js');

/** The fake in a process of its own; `timeScale` 1 keeps its event timestamps on the wall clock. */
async function startFake(timeScale) {
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'bench', 'deploy-fake-server.mts'), String(timeScale)],
    { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  const env = await new Promise((resolve, reject) => {
    createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    server.once('exit', (code) => reject(new Error(`the fake exited (${code})`)));
  });
  return { server, env };
}

const { server, env: fakeEnv } = await startFake(200);

const dir = mkdtempSync(path.join(tmpdir(), 'si-deploy-bench-'));
writeFileSync(path.join(dir, 'handler.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
writeFileSync(
  path.join(dir, 'serverless-infra.json'),
  JSON.stringify({
    schemaVersion: 1,
    environments: {
      Staging: {
        email: 'ops@example.com',
        region: 'eu-west-1',
        stackName: 'Bench-Staging',
        resourceId: 'bench001',
        releaseStrategy: 'LambdaAllAtOnce',
        handler: 'handler.mjs',
      },
    },
  }),
);

function deploy(args, env = fakeEnv, onLine = undefined) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'deploy', '--yes', ...(onLine ? [] : ['--json']), ...args], {
      cwd: dir,
      env: { ...process.env, ...env, CI: '1', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    if (onLine) createInterface({ input: child.stderr }).on('line', (line) => onLine(line, Date.now()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`deploy ${args.join(' ')} exited ${code}: ${err}`));
      resolve({ ms: performance.now() - started, result: onLine ? undefined : JSON.parse(out) });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const first = await deploy([]);
  console.log(
    `deploy: first deploy (toolkit + stack create)   ${first.ms.toFixed(0)} ms, ${first.result.awsCalls} AWS calls`,
  );
  const noop = [];
  for (let i = 0; i < 5; i++) noop.push(await deploy([]));
  const n = median(noop.map((r) => r.ms));
  const calls = noop[0].result.awsCalls;
  console.log(
    `deploy: no-op deploy                             ${n.toFixed(0)} ms, ${calls} AWS calls (median of 5)`,
  );
  console.log(
    `deploy: no-op vs first deploy (baseline)         ${(n / first.ms).toFixed(2)}x time, ${(calls / first.result.awsCalls).toFixed(2)}x calls`,
  );
  console.log(
    `deploy: bytes uploaded on a redeploy, same code  ${noop[0].result.assets.bytesUploaded} (target 0)`,
  );
  // One property: the handler's response body (a new code asset, a Lambda update and a new version).
  writeFileSync(path.join(dir, 'handler.mjs'), 'export const handler = async () => ({ statusCode: 201 });\n');
  const update = await deploy([]);
  console.log(
    `deploy: one-property update (new code)           ${update.ms.toFixed(0)} ms, ${update.result.awsCalls} AWS calls, ${update.result.assets.bytesUploaded} bytes uploaded`,
  );
  console.log('deploy: stock `cdk deploy` side by side: see deploy-compare.bench.mjs');
  await eventDisplayDelay();
} finally {
  server.kill('SIGTERM');
}

/**
 * From a resource event happening in CloudFormation to its line on the screen: a first deploy against a
 * fake on the wall clock, each plain progress line's arrival compared with the event's own timestamp
 * (DescribeStackEvents afterwards). The baseline is the poll interval the engine starts from (1 s).
 */
async function eventDisplayDelay() {
  const wallClock = await startFake(1);
  try {
    writeFileSync(
      path.join(dir, 'serverless-infra.json'),
      readFileSync(path.join(dir, 'serverless-infra.json'), 'utf8').replace('Bench-Staging', 'Bench-Delay'),
    );
    const seen = new Map();
    await deploy([], wallClock.env, (line, at) => {
      const match = / ((?:CREATE|UPDATE)_(?:IN_PROGRESS|COMPLETE))\s+(\S+) \(/.exec(line);
      if (match && !seen.has(`${match[1]} ${match[2]}`)) seen.set(`${match[1]} ${match[2]}`, at);
    });
    const { CloudFormationClient, paginateDescribeStackEvents } = await import(
      '@aws-sdk/client-cloudformation'
    );
    const cfn = new CloudFormationClient({
      region: 'eu-west-1',
      endpoint: wallClock.env.AWS_ENDPOINT_URL_CLOUDFORMATION,
      credentials: {
        accessKeyId: wallClock.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: wallClock.env.AWS_SECRET_ACCESS_KEY,
      },
    });
    // A resource can have two events with one status (CREATE_IN_PROGRESS, then "Resource creation
    // Initiated"): its line shows the first, so the first is the one to compare with.
    const firstEvent = new Map();
    for await (const page of paginateDescribeStackEvents({ client: cfn }, { StackName: 'Bench-Delay' })) {
      for (const e of page.StackEvents ?? []) {
        const key = `${e.ResourceStatus} ${e.LogicalResourceId}`;
        const time = e.Timestamp?.getTime();
        if (time !== undefined && !(firstEvent.get(key) <= time)) firstEvent.set(key, time);
      }
    }
    const delays = [...firstEvent]
      .filter(([key]) => seen.has(key))
      .map(([key, time]) => seen.get(key) - time);
    cfn.destroy();
    const sorted = delays.sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    console.log(
      `deploy: event display delay (${delays.length} events)      p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${sorted.at(-1)} ms (poll base 1000 ms)`,
    );
  } finally {
    wallClock.server.kill('SIGTERM');
  }
}
