// `dev` in-process, as API Gateway answers by itself: its own 403, 413 and 401 with CORS headers, and query
// keys and header names such as __proto__ on every route, before and after auth (issue 14, defect 3).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDevToken } from '../../src/auth/dev-tokens.js';
import { type DevServer, type DevServerOptions, startDevServer } from '../../src/dev/server.js';
import { devOptions, send } from './in-process.js';

const SECRET = Buffer.alloc(32, 3);
let dataDir: string;
let dev: DevServer;

const options = (extra: Partial<DevServerOptions> = {}) => devOptions(dataDir, SECRET, extra);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'si-dev-gateway-'));
  dev = await startDevServer(
    await options({ throttling: { rateLimit: 1, burstLimit: 1000 }, clock: () => 0 }),
  );
}, 120_000);
afterAll(async () => {
  await dev?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("dev's own answers carry CORS headers", () => {
  it('403 for a path API Gateway has no resource for', async () => {
    const response = await send(`${dev.url}/elsewhere`);
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(response.body)).toEqual({ message: 'Missing Authentication Token' });
  });

  it('413 for a payload over 10 MB', async () => {
    const response = await send(`${dev.url}/items`, {
      method: 'POST',
      headers: [['Content-Type', 'application/json']],
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).toBe(413);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });

  it('401 without a token', async () => {
    const response = await send(`${dev.url}/items`, { method: 'POST', body: '{"name":"x"}' });
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('header names and query keys that are Object.prototype members', () => {
  const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
  const token = issueDevToken(SECRET, 'dev@example.com').token;

  it('never make dev or the handler answer 5xx, on any route, with or without a token', async () => {
    const query = HOSTILE.map((name) => `${name}=1&${name}=2`).join('&');
    const headers: Array<[string, string]> = HOSTILE.map((name) => [name, 'x']);
    const created = await send(`${dev.url}/items?${query}`, {
      method: 'POST',
      headers: [...headers, ['Content-Type', 'application/json'], ['Authorization', `Bearer ${token}`]],
      body: '{"name":"hostile","attributes":{"constructor":1,"toString":"s"}}',
    });
    expect(created.status, created.body).toBe(201);
    const id = JSON.parse(created.body).id;
    const requests: Array<[string, string, string | undefined]> = [
      ['GET', `/items?${query}`, undefined],
      ['GET', `/items/${id}?${query}`, undefined],
      ['PUT', `/items/${id}?${query}`, '{"name":"again"}'],
      ['PATCH', `/items/${id}?${query}`, '{"attributes":{"valueOf":true}}'],
      ['DELETE', `/items/${id}?${query}`, undefined],
      ['OPTIONS', `/items?${query}`, undefined],
      ['GET', `/nowhere?${query}`, undefined],
    ];
    for (const auth of [[], [['Authorization', `Bearer ${token}`]]] as Array<Array<[string, string]>>) {
      for (const [method, url, body] of requests) {
        const response = await send(`${dev.url}${url}`, {
          method,
          headers: [...headers, ...auth, ['Content-Type', 'application/json'], ['If-Match', '*']],
          ...(body ? { body } : {}),
        });
        expect(response.status, `${method} ${url} ${response.body}`).toBeLessThan(500);
        expect(response.headers['access-control-allow-origin']).toBe('*');
      }
    }
  });
});
