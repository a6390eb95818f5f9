// Standalone offline AWS: moto (data plane) + the control-plane fake, for trying the CLI or the real `aws`
// CLI by hand. Prints `export NAME=value` lines (eval them in a shell), runs until Ctrl-C.
//
//   npm run fake-aws -- [--time-scale 60] [--port 4566] [--region us-east-1] [--account 123456789012]
//                       [--clock-skew MINUTES] [--lag-reads POLLS] [--transient-faults SEED[:RATE]]
import { parseArgs } from 'node:util';
import { startFakeAws } from '../test/support/fake-aws/index.js';
import { startMoto } from '../test/support/moto.js';

const { values } = parseArgs({
  options: {
    'time-scale': { type: 'string', default: '60' },
    port: { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
    account: { type: 'string', default: '123456789012' },
    'clock-skew': { type: 'string', default: '0' },
    'lag-reads': { type: 'string', default: '0' },
    'transient-faults': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stderr.write(
    'Usage: npm run fake-aws -- [--time-scale N] [--port PORT] [--region REGION] [--account ID]\n' +
      '  --time-scale  fake seconds per real second (default 60: a 5-minute canary takes 5 s)\n' +
      '  --region      the region printed for clients (each request is answered in its own region)\n' +
      '  --clock-skew  the fake runs MINUTES ahead of (+) or behind (-) the wall clock\n' +
      '  --lag-reads   DescribeStacks/DescribeStackResources/ListStackResources show a write POLLS reads late\n' +
      '  --transient-faults SEED[:RATE]  HTML 5xx answers and connection resets at random calls (RATE 0-1, default 0.1)\n',
  );
  process.exit(0);
}

const timeScale = Number(values['time-scale']);
if (!Number.isFinite(timeScale) || timeScale <= 0) {
  process.stderr.write(`--time-scale must be a positive number, got ${values['time-scale']}\n`);
  process.exit(2);
}

const skewMinutes = Number(values['clock-skew']);
const lagPolls = Number(values['lag-reads']);
const [seed, rate] = (values['transient-faults'] ?? '').split(':').map(Number);
if (!Number.isFinite(skewMinutes) || !Number.isInteger(lagPolls) || lagPolls < 0) {
  process.stderr.write('--clock-skew takes minutes (e.g. -10), --lag-reads a whole number of polls\n');
  process.exit(2);
}
if (
  values['transient-faults'] !== undefined &&
  (!Number.isInteger(seed) || (rate !== undefined && !(rate >= 0 && rate <= 1)))
) {
  process.stderr.write('--transient-faults takes SEED or SEED:RATE (an integer seed, a rate from 0 to 1)\n');
  process.exit(2);
}

const moto = await startMoto();
const fake = await startFakeAws({
  motoEndpoint: moto.endpoint,
  timeScale,
  region: values.region,
  accountId: values.account,
  clockSkewMs: skewMinutes * 60_000,
  lagReadsPolls: lagPolls,
  ...(values['transient-faults'] !== undefined
    ? { transientFaults: { seed: seed as number, ...(rate !== undefined ? { rate } : {}) } }
    : {}),
  ...(values.port ? { port: Number(values.port) } : {}),
});

for (const [name, value] of Object.entries(fake.env)) process.stdout.write(`export ${name}=${value}\n`);
process.stderr.write(
  `fake-aws: control plane ${fake.endpoint}, moto ${moto.endpoint}, time x${timeScale}. Ctrl-C to stop.\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await fake.stop();
  await moto.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
