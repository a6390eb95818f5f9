// `serverless-infra synth` (in-process) against `cdk synth` of the same app (the repository's cdk.json entry),
// paired: each round runs both, alternating, so machine load affects both alike. Prints median wall time and
// peak memory (largest process RSS, from GNU time), the ratio of the medians and the median of the rounds' own
// ratios (steadier when the machine's load changes during the run). Target: <= 0.4x the stock CLI.
// serverless-infra synth keeps aws-cdk-lib's compiled code in the user's cache (src/compile-cache.ts):
// the warm-up round fills it, as a user's first synth does; SYNTH_BENCH_COLD=1 measures without it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median, table } from './stats.mjs';

const RUNS = Number(process.env.SYNTH_BENCH_RUNS ?? 7);
const root = process.cwd();
const node = process.execPath;

for (const built of ['dist/synth/cdk-app.js', 'dist/runtime/index.mjs']) {
  if (!existsSync(path.join(root, built))) {
    console.error(`${built} is missing: run \`npm run build\` first (npm run bench does).`);
    process.exit(1);
  }
}

// A project with one environment, and the repository's cdk.json pointing at the built app.
const project = mkdtempSync(path.join(tmpdir(), 'synth-bench-'));
writeFileSync(
  path.join(project, 'serverless-infra.json'),
  JSON.stringify({
    schemaVersion: 1,
    environments: {
      Production: {
        email: 'ops@example.com',
        region: 'eu-west-1',
        stackName: 'ServerlessInfra-Production',
        resourceId: 'bench123',
        releaseStrategy: 'LambdaCanary10Percent5Minutes',
      },
    },
  }),
);
const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8'));
cdkJson.app = cdkJson.app.replace('dist/', `${root}/dist/`);
writeFileSync(path.join(project, 'cdk.json'), JSON.stringify(cdkJson));

// Offline like a CI runner: no instance-metadata credential probe, no notices download.
const env = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CI: '1', NO_COLOR: '1' };
if (process.env.SYNTH_BENCH_COLD === '1') env.NODE_DISABLE_COMPILE_CACHE = '1';
const cases = {
  'serverless-infra synth': [path.join(root, 'bin/run.js'), 'synth', '--out', 'own.out'],
  'npx cdk synth': [
    path.join(root, 'node_modules/aws-cdk/bin/cdk'),
    'synth',
    '-q',
    '--no-notices',
    '-o',
    'cdk.out',
  ],
};

function measure(args) {
  const usage = path.join(project, 'time.txt');
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', '-o', usage, node, ...args], {
    cwd: project,
    env,
    stdio: 'pipe',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  const kib = Number(readFileSync(usage, 'utf8').trim().split('\n').pop());
  return { ms, mib: kib / 1024 };
}

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, { ms: [], mib: [] }]));
for (const args of Object.values(cases)) measure(args); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const { ms, mib } = measure(args);
    samples[name].ms.push(ms);
    samples[name].mib.push(mib);
  }
}

const same =
  readFileSync(path.join(project, 'own.out/ServerlessInfra-Production.template.json'), 'utf8') ===
  readFileSync(path.join(project, 'cdk.out/ServerlessInfra-Production.template.json'), 'utf8');
rmSync(project, { recursive: true, force: true });

const baseline = samples['npx cdk synth'];
const rows = [['command', 'median ms', 'x cdk synth', 'paired x', 'peak MiB', 'x cdk synth']];
for (const [name, s] of Object.entries(samples)) {
  rows.push([
    name,
    median(s.ms).toFixed(0),
    (median(s.ms) / median(baseline.ms)).toFixed(2),
    median(s.ms.map((ms, i) => ms / baseline.ms[i])).toFixed(2),
    median(s.mib).toFixed(0),
    (median(s.mib) / median(baseline.mib)).toFixed(2),
  ]);
}
const cache = env.NODE_DISABLE_COMPILE_CACHE ? 'compile cache off' : 'compile cache warm';
console.log(
  `Synth of the same stack, median of ${RUNS} paired runs, ${cache} (target: <= 0.4x cdk synth wall time)`,
);
table(rows);
console.log(`templates identical: ${same ? 'yes' : 'NO'}`);
