// `serverless-infra deploy` (the built binary) against the stock `cdk deploy` (aws-cdk, through cdk.json),
// side by side: the same stack (this project's app, Staging), the same fake, the same run. Wall time and
// AWS calls of a first deploy, a no-op and a code update. Every call is counted at the fake: the control
// plane it answers and the data plane (S3, ...) it passes on to moto (GET /_fake/calls). Prints figures;
// never fails on time (DESIGN D9).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { table } from './stats.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'run.js');
const cdkBin = path.join(root, 'node_modules', '.bin', 'cdk');
const cdkApp = path.join(root, 'dist', 'synth', 'cdk-app.js');

const server = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'bench', 'deploy-fake-server.mts'), '200', 'proxy'],
  { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
const fakeEnv = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once('line', (line) => resolve(JSON.parse(line)));
  server.once('exit', (code) => reject(new Error(`the fake exited (${code})`)));
});
const calls = `${fakeEnv.AWS_ENDPOINT_URL_CLOUDFORMATION}/_fake/calls`;

/** A project directory for one tool: the same app and environment, a stack (and buckets) of its own. */
function project(stackName, resourceId) {
  const dir = mkdtempSync(path.join(tmpdir(), 'si-deploy-compare-'));
  writeFileSync(
    path.join(dir, 'serverless-infra.json'),
    JSON.stringify({
      schemaVersion: 1,
      environments: {
        Staging: {
          email: 'ops@example.com',
          region: 'eu-west-1',
          stackName,
          resourceId,
          releaseStrategy: 'LambdaAllAtOnce',
          handler: 'handler.mjs',
        },
      },
    }),
  );
  writeFileSync(path.join(dir, 'handler.mjs'), 'export const handler = async () => ({ statusCode: 200 });\n');
  writeFileSync(
    path.join(dir, 'cdk.json'),
    JSON.stringify({
      app: `node ${cdkApp}`,
      versionReporting: false,
      pathMetadata: false,
      assetMetadata: false,
    }),
  );
  return dir;
}

/** Runs one deploy; its wall time and the calls the fake counted during it. */
async function measure(label, command, args, cwd, extraEnv = {}) {
  await fetch(calls, { method: 'POST' });
  const started = performance.now();
  const code = await new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        ...fakeEnv,
        ...extraEnv,
        CI: '1',
        NODE_NO_WARNINGS: '1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('close', (status) => {
      if (status !== 0) process.stderr.write(`${label} exited ${status}:\n${err.slice(-2000)}\n`);
      resolve(status);
    });
  });
  const ms = performance.now() - started;
  const counted = await (await fetch(calls)).json();
  return { ms, code, ...counted };
}

const si = project('Compare-Si', 'cmpsi001');
const cdk = project('Compare-Cdk', 'cmpcdk01');
const cdkEnv = { HOME: cdk, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' };
const siDeploy = () => measure('serverless-infra deploy', process.execPath, [bin, 'deploy', '--yes'], si);
// The alias's version is a parameter (D5): empty on the first deploy, then what the alias serves (1).
const cdkDeploy = (liveVersion) =>
  measure(
    'cdk deploy',
    cdkBin,
    [
      'deploy',
      '-c',
      'environment=Staging',
      '--parameters',
      `LiveAliasVersion=${liveVersion}`,
      '--require-approval',
      'never',
      '--no-notices',
    ],
    cdk,
    cdkEnv,
  );
const newCode = (dir) =>
  writeFileSync(path.join(dir, 'handler.mjs'), 'export const handler = async () => ({ statusCode: 201 });\n');

const results = [];
try {
  // serverless-infra's first deploy also creates its toolkit stack (the staging bucket); cdk deploy then
  // finds the bucket there (CliCredentialsStackSynthesizer: no bootstrap of its own).
  results.push(['first deploy', await siDeploy(), await cdkDeploy('')]);
  results.push(['no-op deploy', await siDeploy(), await cdkDeploy('')]);
  newCode(si);
  newCode(cdk);
  results.push(['code update', await siDeploy(), await cdkDeploy('1')]);
} finally {
  server.kill('SIGTERM');
}

const calls_ = (r) =>
  `${r.total} (${Object.entries(r.byService)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')})`;
const rows = [
  [
    'phase',
    'serverless-infra ms',
    'cdk deploy ms',
    'time si/cdk',
    'serverless-infra calls',
    'cdk deploy calls',
  ],
];
for (const [phase, a, b] of results) {
  const failed = a.code !== 0 || b.code !== 0 ? ' (a run failed: see above)' : '';
  rows.push([
    `${phase}${failed}`,
    a.ms.toFixed(0),
    b.ms.toFixed(0),
    (a.ms / b.ms).toFixed(2),
    calls_(a),
    calls_(b),
  ]);
}
console.log(
  'deploy-compare: serverless-infra deploy vs stock cdk deploy, same stack, same fake (x200), same run',
);
table(rows);
console.log(
  'deploy-compare: calls counted at the fake (control plane answered, data plane passed on to moto); the first serverless-infra deploy includes its toolkit stack',
);
