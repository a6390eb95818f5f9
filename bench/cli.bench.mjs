// Cold start of the CLI: `--version` and `--help` against bare `node -e ''`, measured in the same run,
// alternating so that machine load affects both alike. Budget: --version <= 1.5x, --help <= 2.0x bare Node.
// `--help` runs with the oclif bundle's code cache as the build left it, and without it (the first run after an
// install on another Node.js version, or NODE_DISABLE_COMPILE_CACHE=1): src/compile-cache.ts.
import { median, table, timeCommand } from './stats.mjs';

const RUNS = 15;
const node = process.execPath;
const cases = {
  "node -e ''": [node, ['-e', '']],
  'serverless-infra --version': [node, ['bin/run.js', '--version']],
  'serverless-infra --help': [node, ['bin/run.js', '--help']],
  'serverless-infra help': [node, ['bin/run.js', 'help']],
  'serverless-infra init --help': [node, ['bin/run.js', 'init', '--help']],
  'serverless-infra --help, no code cache': [
    node,
    ['bin/run.js', '--help'],
    { env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } },
  ],
};

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const [cmd, args, options] of Object.values(cases)) timeCommand(cmd, args, options); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, [cmd, args, options]] of Object.entries(cases)) {
    samples[name].push(timeCommand(cmd, args, options));
  }
}

const baseline = median(samples["node -e ''"]);
const rows = [['command', 'median ms', 'x bare node']];
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  rows.push([name, m.toFixed(1), (m / baseline).toFixed(2)]);
}
console.log(`Cold start, median of ${RUNS} runs (budget: --version <= 1.5x, --help <= 2.0x bare node)`);
table(rows);
