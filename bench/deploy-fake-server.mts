// Starts the offline control-plane fake (+ moto) for the deploy benchmarks and prints its environment
// as one JSON line; runs until killed. Arguments: the time scale (default 200x; 1 = wall-clock time), and
// `proxy` to send the data plane (S3, DynamoDB, ...) through the fake too, which then counts every call
// (GET /_fake/calls).
import { startFakeAws } from '../test/support/fake-aws/index.js';

const fake = await startFakeAws({
  region: 'eu-west-1',
  timeScale: Number(process.argv[2] ?? 200),
  proxyDataPlane: process.argv[3] === 'proxy',
});
process.stdout.write(`${JSON.stringify(fake.env)}\n`);
process.on('SIGTERM', () => {
  void fake.stop().then(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
