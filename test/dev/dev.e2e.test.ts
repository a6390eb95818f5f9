import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, startDev, stopDev } from '../helpers/cli.js';
import { freePort } from '../support/moto.js';

// The built binary, driven over real HTTP as a user would: `serverless-infra dev` in an empty project folder.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let cwd: string;

// Open writes: these tests are about the API; test/security covers dev's token check.
const startOpenDev = (port: number, ...args: string[]) =>
  startDev({ cwd, port, args, env: { SERVERLESS_INFRA_DEV_AUTH: 'none' } });

const json = { 'Content-Type': 'application/json' };

beforeAll(async () => {
  if (
    !existsSync(path.join(root, 'dist', 'commands', 'dev.js')) ||
    !existsSync(path.join(root, 'dist', 'runtime', 'index.mjs'))
  ) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
  cwd = await mkdtemp(path.join(tmpdir(), 'serverless-infra-dev-'));
}, 180_000);
afterAll(async () => {
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

it('serves the API over HTTP, persists data across restarts, and stops cleanly on Ctrl-C', async () => {
  const port = await freePort();
  const dev = await startOpenDev(port);
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${dev.url}/items`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: `n${i}` }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toMatch(/^items\//);
      ids.push(((await response.json()) as { id: string }).id);
    }

    const listed: string[] = [];
    let nextToken: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '2', ...(nextToken ? { nextToken } : {}) });
      const response = await fetch(`${dev.url}/items?${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toMatch(/max-age/);
      const page = (await response.json()) as { items: Array<{ id: string }>; nextToken: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      listed.push(...page.items.map((item) => item.id));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(listed).toEqual([...ids].reverse());

    const got = await fetch(`${dev.url}/items/${ids[0]}`);
    const etag = got.headers.get('etag')!;
    const patched = await fetch(`${dev.url}/items/${ids[0]}`, {
      method: 'PATCH',
      headers: { ...json, 'If-Match': etag },
      body: JSON.stringify({ description: 'changed' }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ description: 'changed', version: 2 });
    const stale = await fetch(`${dev.url}/items/${ids[0]}`, {
      method: 'PUT',
      headers: { ...json, 'If-Match': etag },
      body: JSON.stringify({ name: 'lost' }),
    });
    expect(stale.status).toBe(412);

    expect((await fetch(`${dev.url}/items/${ids[1]}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${dev.url}/items/${ids[1]}`)).status).toBe(404);

    const badJson = await fetch(`${dev.url}/items`, { method: 'POST', headers: json, body: '{"name":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 'InvalidJson' } });
    const binary = await fetch(`${dev.url}/items`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array([1, 2, 255]),
    });
    expect(binary.status).toBe(415);
    expect((await fetch(`${dev.url}/items/not-an-id`)).status).toBe(400);
    expect((await fetch(`${dev.url}/elsewhere`)).status).toBe(403);
    const preflight = await fetch(`${dev.url}/items`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    // A second server on the same port, or on the same data, fails clearly instead of half-starting.
    const busyPort = await runCli(['dev', '--port', String(port)], { cwd });
    expect(busyPort.code).not.toBe(0);
    expect(busyPort.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    const busyData = await runCli(['dev', '--port', String(await freePort())], { cwd });
    expect(busyData.code).not.toBe(0);
    expect(busyData.stderr).toMatch(/Another serverless-infra dev \(pid \d+\) is using/);

    expect(dev.stderr()).toContain('SNS [Development] Item created: n0');
    expect(dev.stderr()).toMatch(/POST \/items 201/);
  } finally {
    expect(await stopDev(dev)).toBe(0);
  }
  expect(dev.stderr()).toContain('Stopped.');

  const again = await startOpenDev(port);
  try {
    const page = (await (await fetch(`${again.url}/items?limit=100`)).json()) as { items: unknown[] };
    expect(page.items).toHaveLength(4);
  } finally {
    expect(await stopDev(again)).toBe(0);
  }

  const reset = await startOpenDev(port, '--reset');
  try {
    const page = (await (await fetch(`${reset.url}/items`)).json()) as { items: unknown[] };
    expect(page.items).toHaveLength(0);
  } finally {
    expect(await stopDev(reset)).toBe(0);
  }
}, 120_000);
