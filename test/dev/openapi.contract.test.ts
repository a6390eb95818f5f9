// The contract test: `serverless-infra dev` (the built binary, auth on as deployed) is driven over HTTP through
// every route and its error answers, and each real answer (status, headers such as ETag, body) is checked against
// the OpenAPI document `dev` itself serves at /openapi.json, with ajv (+ ajv-formats) on the dereferenced document.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/dev/server.js';
import { ROOT, type RunningDev, runCli, startDev, stopDev, tempDir } from '../helpers/cli.js';
import { type Answer, type Contract, contractOf, type Json, validateDocument } from '../helpers/openapi.js';
import { freePort } from '../support/moto.js';
import { devOptions, send } from './in-process.js';

type Template = '/items' | '/items/{id}';
const exercised = new Set<string>();

/** Sends a request, checks the answer against the document, and returns it. */
async function call(
  contract: Contract,
  base: string,
  template: Template,
  request: { method: string; path: string; headers?: Array<[string, string]>; body?: string | Buffer },
): Promise<Answer & { json: () => Json }> {
  const answer = await send(`${base}${request.path}`, request);
  exercised.add(`${request.method} ${template} ${answer.status}`);
  expect(contract.problems(template, request.method, answer), `${request.method} ${request.path}`).toEqual(
    [],
  );
  return { ...answer, json: () => JSON.parse(answer.body) };
}

let cwd: string;
let dev: RunningDev;
let contract: Contract;
let token: string;

beforeAll(async () => {
  if (
    !existsSync(path.join(ROOT, 'dist', 'commands', 'openapi.js')) ||
    !existsSync(path.join(ROOT, 'dist', 'runtime', 'index.mjs'))
  ) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  cwd = await tempDir('si-openapi-contract-');
  dev = await startDev({ cwd, port: await freePort(), env: { SERVERLESS_INFRA_DEV_AUTH: 'cognito' } });
  const issued = await runCli(['token', '--dev'], { cwd });
  expect(issued.code, issued.stderr).toBe(0);
  token = issued.stdout.trim();
}, 180_000);

afterAll(async () => {
  if (dev) expect(await stopDev(dev)).toBe(0);
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

describe('dev serves the OpenAPI document, and its answers keep to it', () => {
  it('GET /openapi.json: a valid OpenAPI 3.1 document for this server, writes behind the token', async () => {
    expect(dev.stderr()).toContain(`OpenAPI document: ${dev.url}/openapi.json`);
    const response = await fetch(`${dev.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const document = (await response.json()) as Json;
    expect(await validateDocument(document)).toMatchObject({ valid: true });
    expect(document.servers).toEqual([{ url: dev.url, description: 'serverless-infra dev' }]);
    expect(document.paths['/items'].post.security).toEqual([{ cognito: [] }]);
    contract = await contractOf(document);
  });

  it('every route, its successes and its errors', async () => {
    const c = (template: Template, request: Parameters<typeof call>[3]) =>
      call(contract, dev.url, template, request);
    const auth: [string, string] = ['Authorization', `Bearer ${token}`];
    const json: [string, string] = ['Content-Type', 'application/json'];
    const mergePatch: [string, string] = ['Content-Type', 'application/merge-patch+json'];
    const post = (body: string, headers: Array<[string, string]> = [auth, json]) =>
      c('/items', { method: 'POST', path: '/items', headers, body });

    // Create: 201 with ETag and Location; 401 without a token; 400, 413, 415.
    const created = await post(
      JSON.stringify({
        name: 'first',
        tags: ['a'],
        attributes: { n: 1.5, on: true, none: null, big: 1e125 },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id as string;
    expect((await post(JSON.stringify({ name: 'second' }))).status).toBe(201);
    expect((await post(JSON.stringify({ name: 'x' }), [json])).status).toBe(401);
    expect((await post('{"name":')).json().error.code).toBe('InvalidJson');
    expect((await post(JSON.stringify({ name: 'x', id }))).json().error.code).toBe('ServerOwnedField');
    expect((await post(JSON.stringify({ name: '' }))).json().error.code).toBe('ValidationError');
    expect((await post(JSON.stringify({ name: 'x' }), [auth, ['Content-Type', 'text/plain']])).status).toBe(
      415,
    );
    expect((await post(JSON.stringify({ name: 'x'.repeat(17 * 1024) }))).json().error.code).toBe(
      'PayloadTooLarge',
    );
    const huge = await post('x'.repeat(10 * 1024 * 1024 + 1));
    expect(huge.json()).toEqual({ message: 'Request Too Long' });

    // List: pages with nextToken, a page ETag and 304; bad limit, token and status.
    const list = (query: string, headers: Array<[string, string]> = []) =>
      c('/items', { method: 'GET', path: `/items${query}`, headers });
    const page = await list('?limit=1');
    expect(page.status).toBe(200);
    expect(page.json().nextToken).toEqual(expect.any(String));
    const next = await list(`?limit=1&nextToken=${encodeURIComponent(page.json().nextToken)}`);
    expect(next.json().items).toHaveLength(1);
    expect((await list('?limit=1', [['If-None-Match', String(page.headers.etag)]])).status).toBe(304);
    expect((await list('?limit=0')).json().error.code).toBe('InvalidQuery');
    expect((await list('?nextToken=not-a-token')).json().error.code).toBe('InvalidNextToken');
    expect((await list('?status=gone')).json().error.code).toBe('InvalidQuery');
    expect((await list('')).json().items.length).toBeGreaterThanOrEqual(2);

    // Read: 200 with the version as ETag, 304, 400 for a bad id, 404.
    const item = (method: string, itemId: string, headers: Array<[string, string]> = [], body?: string) =>
      c('/items/{id}', {
        method,
        path: `/items/${itemId}`,
        headers,
        ...(body === undefined ? {} : { body }),
      });
    const got = await item('GET', id);
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect((await item('GET', id, [['If-None-Match', '"1"']])).status).toBe(304);
    expect((await item('GET', 'not-a-uuid')).json().error.code).toBe('InvalidId');
    expect((await item('GET', randomUUID())).status).toBe(404);

    // Replace: If-Match required (428), stale (412), malformed (400), unknown (404), 415, 401, 200.
    const replacement = JSON.stringify({ name: 'replaced' });
    expect((await item('PUT', id, [auth, json], replacement)).status).toBe(428);
    expect((await item('PUT', id, [auth, json, ['If-Match', 'v1']], replacement)).json().error.code).toBe(
      'InvalidIfMatch',
    );
    expect((await item('PUT', id, [json, ['If-Match', '"1"']], replacement)).status).toBe(401);
    expect(
      (await item('PUT', id, [auth, ['Content-Type', 'text/plain'], ['If-Match', '"1"']], replacement))
        .status,
    ).toBe(415);
    expect((await item('PUT', randomUUID(), [auth, json, ['If-Match', '*']], replacement)).status).toBe(404);
    expect(
      (
        await item(
          'PUT',
          id,
          [auth, json, ['If-Match', '"1"']],
          JSON.stringify({ name: 'x'.repeat(17 * 1024) }),
        )
      ).status,
    ).toBe(413);
    const replaced = await item('PUT', id, [auth, json, ['If-Match', '"1"']], replacement);
    expect(replaced.status).toBe(200);
    expect(replaced.headers.etag).toBe('"2"');
    expect((await item('PUT', id, [auth, json, ['If-Match', '"1"']], replacement)).status).toBe(412);

    // Merge patch (RFC 7396) under both media types; a JSON Patch is 415; name cannot be removed.
    const patched = await item(
      'PATCH',
      id,
      [auth, mergePatch, ['If-Match', '"2"']],
      JSON.stringify({ attributes: { colour: 'red', size: 3 }, description: 'd' }),
    );
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({ version: 3, attributes: { colour: 'red', size: 3 } });
    const asJson = await item(
      'PATCH',
      id,
      [auth, json, ['If-Match', '*']],
      JSON.stringify({ attributes: { size: null } }),
    );
    expect(asJson.json().attributes).toEqual({ colour: 'red' });
    expect((await item('PATCH', id, [auth, mergePatch, ['If-Match', '*']], '{"name":null}')).status).toBe(
      400,
    );
    expect(
      (
        await item(
          'PATCH',
          id,
          [auth, ['Content-Type', 'application/json-patch+json'], ['If-Match', '*']],
          '[]',
        )
      ).status,
    ).toBe(415);
    expect((await item('PATCH', id, [auth, mergePatch], '{"description":"x"}')).status).toBe(428);
    expect(
      (await item('PATCH', id, [auth, mergePatch, ['If-Match', '"1"']], '{"description":"x"}')).status,
    ).toBe(412);
    expect((await item('PATCH', id, [mergePatch, ['If-Match', '*']], '{"description":"x"}')).status).toBe(
      401,
    );
    expect(
      (await item('PATCH', randomUUID(), [auth, mergePatch, ['If-Match', '*']], '{"description":"x"}'))
        .status,
    ).toBe(404);
    expect(
      (
        await item(
          'PATCH',
          id,
          [auth, mergePatch, ['If-Match', '*']],
          JSON.stringify({ description: 'd'.repeat(17 * 1024) }),
        )
      ).status,
    ).toBe(413);

    // Delete: 401, 400, 412 with a stale If-Match, 204, then 404.
    expect((await item('DELETE', id)).status).toBe(401);
    expect((await item('DELETE', 'not-a-uuid', [auth])).status).toBe(400);
    expect((await item('DELETE', id, [auth, ['If-Match', '"1"']])).status).toBe(412);
    expect((await item('DELETE', id, [auth])).status).toBe(204);
    expect((await item('DELETE', id, [auth])).status).toBe(404);

    // CORS preflight on both paths.
    expect((await c('/items', { method: 'OPTIONS', path: '/items' })).status).toBe(204);
    expect((await item('OPTIONS', id)).status).toBe(204);
  });
});

describe("dev's stage throttling answers as the document says (in-process, the bucket's clock held still)", () => {
  it('429 Too Many Requests', async () => {
    const dir = await tempDir('si-openapi-throttle-');
    const server = await startDevServer(
      await devOptions(dir, Buffer.alloc(32, 7), {
        throttling: { rateLimit: 1, burstLimit: 1 },
        clock: () => 0,
      }),
    );
    try {
      expect((await call(contract, server.url, '/items', { method: 'GET', path: '/items' })).status).toBe(
        200,
      );
      const throttled = await call(contract, server.url, '/items', { method: 'GET', path: '/items' });
      expect(throttled.status).toBe(429);
      expect(throttled.json()).toEqual({ message: 'Too Many Requests' });
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('coverage of the document', () => {
  it('every documented answer was produced above, except those that need a store outage or a race', () => {
    // Not staged through `dev`: 500 and 503 need a failing or throttling store (test/runtime/unexpected-errors
    // covers the handler's side); 409 needs an id collision (POST) or three lost races (PATCH with If-Match: *);
    // 429 is the same gateway answer on every operation and is produced once (GET /items).
    const notStaged = (method: string, template: string, status: string) =>
      status === '500' ||
      status === '503' ||
      status === '409' ||
      (status === '429' && !(method === 'GET' && template === '/items'));
    const missing: string[] = [];
    for (const [template, pathItem] of Object.entries<Json>(contract.api.paths)) {
      for (const [method, operation] of Object.entries<Json>(pathItem)) {
        if (method === 'parameters') continue;
        for (const status of Object.keys(operation.responses)) {
          const key = `${method.toUpperCase()} ${template} ${status}`;
          if (!exercised.has(key) && !notStaged(method.toUpperCase(), template, status)) missing.push(key);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
