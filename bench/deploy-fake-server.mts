// Starts the offline control-plane fake (+ moto) for bench/deploy.bench.mjs and prints its environment
// as one JSON line; runs until killed. The argument is the time scale (default 200x; 1 = wall-clock time).
import { startFakeAws } from '../test/support/fake-aws/index.js';

const fake = await startFakeAws({ region: 'eu-west-1', timeScale: Number(process.argv[2] ?? 200) });
process.stdout.write(`${JSON.stringify(fake.env)}\n`);
process.on('SIGTERM', () => {
  void fake.stop().then(() => process.exit(0));
});
setInterval(() => undefined, 60_000);
