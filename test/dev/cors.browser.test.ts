// CORS as a browser enforces it: headless Chromium (Debian's `chromium`, driven by playwright-core) opens a
// page on one origin and calls `dev` on another, from JavaScript. Every answer the page must act on has to be
// readable there, errors included: a GET and its ETag, a POST with a token, a PUT with If-Match, a 304 on
// If-None-Match, and `dev`'s own 401, 413 and 429 (API Gateway's gateway responses, which the stack gives
// CORS headers). `dev` runs in-process; its throttling clock is held still, so the 429 comes from spending
// the bucket, not from timing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueDevToken } from '../../src/auth/dev-tokens.js';
import { type DevServer, startDevServer } from '../../src/dev/server.js';
import { devOptions, send } from './in-process.js';

const CHROMIUM = '/usr/bin/chromium';
const SECRET = Buffer.alloc(32, 6);

let dataDir: string;
let profileDir: string;
let dev: DevServer;
let pageServer: Server;
let pageOrigin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it).`);
  }
  dataDir = await mkdtemp(path.join(tmpdir(), 'si-cors-'));
  profileDir = await mkdtemp(path.join(tmpdir(), 'si-chromium-'));
  dev = await startDevServer(
    await devOptions(dataDir, SECRET, { throttling: { rateLimit: 1, burstLimit: 100 }, clock: () => 0 }),
  );
  // The page's own origin: another port, so every call to `dev` is cross-origin.
  pageServer = createServer((_, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>client</title>');
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  // The flags this machine's Chromium needs (/work/.library/env/machines/node.md): no sandbox as root, no
  // GPU, and no background connections to a network that is closed here.
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = context.browser()!;
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(pageOrigin);
}, 120_000);

afterAll(async () => {
  await page?.context().close();
  await browser?.close();
  await dev?.stop();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  for (const dir of [dataDir, profileDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

interface Seen {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
}

/** fetch() run by the page itself: what the page's JavaScript can see of the answer (or the CORS error). */
function fetchFromPage(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; bodyBytes?: number } = {},
): Promise<Seen | { error: string }> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          cache: 'no-store',
          body: init.bodyBytes ? new Uint8Array(init.bodyBytes).fill(32) : init.body,
        } as RequestInit);
        const text = await response.text();
        const headers: Record<string, string | null> = {};
        for (const name of ['etag', 'location', 'x-request-id', 'content-type'])
          headers[name] = response.headers.get(name);
        return { status: response.status, body: text ? JSON.parse(text) : null, headers };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { url, init },
  );
}

it('a page on another origin reads every answer of dev from JavaScript, errors included', async () => {
  const token = issueDevToken(SECRET, 'browser@example.com').token;
  const json = { 'Content-Type': 'application/json' };
  expect(await page.evaluate(() => (globalThis as unknown as { location: URL }).location.origin)).toBe(
    pageOrigin,
  );
  expect(pageOrigin).not.toBe(new URL(dev.url).origin);

  // GET: the listing and its exposed ETag.
  const listed = (await fetchFromPage(`${dev.url}/items`)) as Seen;
  expect(listed.status).toBe(200);
  expect(listed.body).toEqual({ items: [], nextToken: null });
  expect(listed.headers.etag).toMatch(/^W\/"/);

  // POST with a token (a preflight for Authorization and the JSON content type), Location exposed.
  const created = (await fetchFromPage(`${dev.url}/items`, {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'from the browser', attributes: { big: 1 } }),
  })) as Seen;
  expect(created.status).toBe(201);
  const item = created.body as { id: string; version: number };
  expect(created.headers.location).toBe(`items/${item.id}`);
  expect(created.headers.etag).toBe('"1"');

  // GET with If-None-Match (not a CORS-safelisted header: the preflight must allow it): 304.
  const revalidated = (await fetchFromPage(`${dev.url}/items/${item.id}`, {
    headers: { 'If-None-Match': '"1"' },
  })) as Seen;
  expect(revalidated.status).toBe(304);

  // PUT with If-Match: 200; the same stale If-Match again: 412, readable.
  const put = (await fetchFromPage(`${dev.url}/items/${item.id}`, {
    method: 'PUT',
    headers: { ...json, Authorization: `Bearer ${token}`, 'If-Match': '"1"' },
    body: JSON.stringify({ name: 'renamed' }),
  })) as Seen;
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ name: 'renamed', version: 2 });
  expect(put.headers.etag).toBe('"2"');
  const stale = (await fetchFromPage(`${dev.url}/items/${item.id}`, {
    method: 'PUT',
    headers: { ...json, Authorization: `Bearer ${token}`, 'If-Match': '"1"' },
    body: JSON.stringify({ name: 'lost' }),
  })) as Seen;
  expect(stale.status).toBe(412);
  expect(stale.body).toMatchObject({ error: { code: 'PreconditionFailed' } });

  // dev's own 401 (API Gateway's authorizer): no token.
  const unauthorized = (await fetchFromPage(`${dev.url}/items`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'anonymous' }),
  })) as Seen;
  expect(unauthorized).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });

  // dev's own 413 (API Gateway's payload limit, 10 MB).
  const tooLarge = (await fetchFromPage(`${dev.url}/items`, {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${token}` },
    bodyBytes: 10 * 1024 * 1024 + 1,
  })) as Seen;
  expect(tooLarge).toMatchObject({ status: 413, body: { message: 'Request Too Long' } });

  // dev's own 429 (stage throttling): spend the bucket from here, then the page's GET is throttled.
  let spent = 0;
  while ((await send(`${dev.url}/items`)).status !== 429) spent++;
  expect(spent).toBeLessThan(100);
  const throttled = (await fetchFromPage(`${dev.url}/items`)) as Seen;
  expect(throttled).toMatchObject({ status: 429, body: { message: 'Too Many Requests' } });
}, 120_000);
