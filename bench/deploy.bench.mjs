// Deploy benchmark (DESIGN D9): AWS calls and wall time of a no-op deploy, against the baseline of the
// first deploy of the same stack measured in this run, and bytes uploaded on a redeploy without code
// change, and a one-property update. Runs the built binary against the offline fake (test/support).
// Prints figures; never fails on time.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'run.js');

const server = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'bench', 'deploy-fake-server.mts')],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  },
);
const fakeEnv = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  server.once('exit', (code) => reject(new Error(`the fake exited (${code})`)));
});

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

function deploy(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'deploy', '--json', '--yes', ...args], {
      cwd: dir,
      env: { ...process.env, ...fakeEnv, CI: '1', NODE_NO_WARNINGS: '1' },
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
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`deploy ${args.join(' ')} exited ${code}: ${err}`));
      resolve({ ms: performance.now() - started, result: JSON.parse(out) });
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
  console.log(
    'deploy: stock `cdk deploy`: not run (needs the CDKToolkit bootstrap stack and its roles; see docs/deploy.md)',
  );
} finally {
  server.kill('SIGTERM');
}
