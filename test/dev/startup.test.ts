// `dev` takes its port first (a busy port fails fast), then starts its stores: in between it answers in
// JSON with Retry-After (and CORS), never with an empty 503. In-process, with a gate the test opens.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/dev/server.js';
import { devOptions, send } from './in-process.js';

const SECRET = Buffer.alloc(32, 4);

describe('while starting', () => {
  it('answers 503 in JSON with Retry-After and CORS, then serves once the stores are up', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'si-dev-starting-'));
    const config = await devOptions(dir, SECRET, { startupGate: gate });
    const server = startDevServer(config);
    try {
      // The port answers as soon as startDevServer has taken it.
      let early: Awaited<ReturnType<typeof send>> | undefined;
      for (let i = 0; i < 200 && !early; i++) {
        early = await send(`http://127.0.0.1:${config.port}/items`).catch(() => undefined);
        if (!early) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(early!.status).toBe(503);
      expect(early!.headers['retry-after']).toBe('1');
      expect(early!.headers['access-control-allow-origin']).toBe('*');
      expect(JSON.parse(early!.body)).toEqual({ message: expect.stringContaining('starting') });
      open();
      const running = await server;
      expect((await send(`${running.url}/items`)).status).toBe(200);
      await running.stop();
    } finally {
      open();
      await server.then((s) => s.stop()).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });
});
