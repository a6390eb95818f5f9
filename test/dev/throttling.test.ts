// `dev` models API Gateway's stage throttling (docs/scale.md): a token bucket of burstLimit tokens refilled
// at rateLimit a second; beyond it, 429 {"message":"Too Many Requests"} with CORS, before auth and the
// function. The bucket's clock is the test's: nothing here depends on how fast the machine is.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/dev/server.js';
import { devOptions, send } from './in-process.js';

const SECRET = Buffer.alloc(32, 5);

describe('stage throttling (a token bucket of burstLimit tokens, rateLimit a second)', () => {
  it('answers 429 with CORS once the burst is spent, and lets requests through as the clock refills it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'si-dev-throttle-'));
    let time = 0;
    const small = await startDevServer(
      await devOptions(dir, SECRET, { throttling: { rateLimit: 2, burstLimit: 3 }, clock: () => time }),
    );
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await send(`${small.url}/items`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const throttled = await send(`${small.url}/items`);
      expect(throttled.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(throttled.body)).toEqual({ message: 'Too Many Requests' });
      time += 500; // one token at 2 a second
      expect((await send(`${small.url}/items`)).status).toBe(200);
      expect((await send(`${small.url}/items`)).status).toBe(429);
      time += 60_000; // refilled, but never above the burst
      const after = [];
      for (let i = 0; i < 4; i++) after.push((await send(`${small.url}/items`)).status);
      expect(after).toEqual([200, 200, 200, 429]);
    } finally {
      await small.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
