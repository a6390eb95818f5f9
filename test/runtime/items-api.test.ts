import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, itemPath, parseBody, proxyEvent, type RequestSpec, startHarness } from './harness.js';

let h: Harness;
const call = (spec: RequestSpec) => h.handler(proxyEvent(spec));
const create = async (body: unknown = { name: 'widget' }) => {
  const result = await call({ method: 'POST', path: '/items', body });
  expect(result.statusCode).toBe(201);
  return parseBody(result);
};
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('POST /items', () => {
  it('creates an item with server-owned fields, metadata in S3 and a notification', async () => {
    const before = h.published.length;
    const result = await call({ method: 'POST', path: '/items', body: { name: 'lamp', tags: ['home'] } });
    expect(result.statusCode).toBe(201);
    const item = parseBody(result);
    expect(item).toMatchObject({ name: 'lamp', tags: ['home'], status: 'active', version: 1 });
    expect(item.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.createdAt).toBe(item.updatedAt);
    expect(result.headers).toMatchObject({
      Location: `items/${item.id}`,
      ETag: '"1"',
      'Cache-Control': 'no-store',
    });
    expect(await h.readMetadata(item.id)).toMatchObject({ id: item.id, version: 1, status: 'active' });
    const message = h.published.slice(before).find((m) => m.message.includes(item.id));
    expect(JSON.parse(message!.message)).toMatchObject({ event: 'item.created', item: { id: item.id } });
    expect(message!.topicArn).toBe(h.stores.names.topicArn);
  });

  it.each(['id', 'status', 'createdAt', 'updatedAt', 'version'])(
    'refuses a body that sets %s',
    async (field) => {
      const result = await call({ method: 'POST', path: '/items', body: { name: 'x', [field]: 'mine' } });
      expect(result.statusCode).toBe(400);
      expect(parseBody(result).error).toMatchObject({ code: 'ServerOwnedField' });
      expect(parseBody(result).error.message).toContain(field);
    },
  );

  it.each([
    ['a missing name', {}],
    ['an empty name', { name: '' }],
    ['a wrong type', { name: 42 }],
    ['an unknown field', { name: 'x', colour: 'red' }],
    ['an array', [{ name: 'x' }]],
    ['a number out of range', { name: 'x', attributes: { n: 1e300 } }],
    ['a bad attribute name', { name: 'x', attributes: { __proto__x: 1, 'bad name': 2 } }],
    ['a lone surrogate', { name: '\ud800' }],
    ['JSON null', null],
  ])('answers 400 ValidationError for %s', async (_, body) => {
    const result = await call({ method: 'POST', path: '/items', rawBody: JSON.stringify(body) });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.code).toBe('ValidationError');
  });

  it('answers 400 InvalidJson for malformed JSON', async () => {
    const result = await call({ method: 'POST', path: '/items', rawBody: '{"name": "x",' });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result)).toEqual({ error: { code: 'InvalidJson', message: expect.any(String) } });
  });

  it('answers 400 MissingBody without a body', async () => {
    const result = await call({
      method: 'POST',
      path: '/items',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.code).toBe('MissingBody');
  });

  it.each([
    ['text/plain', {}],
    ['application/json; charset=latin1', {}],
    ['application/json', { 'Content-Encoding': 'gzip' }],
  ])('answers 415 for Content-Type %s %o', async (type, extra) => {
    const result = await call({
      method: 'POST',
      path: '/items',
      rawBody: '{"name":"x"}',
      headers: { 'Content-Type': type, ...extra },
    });
    expect(result.statusCode).toBe(415);
    expect(parseBody(result).error.code).toBe('UnsupportedMediaType');
  });

  it('answers 413 for a body over the limit', async () => {
    const result = await call({
      method: 'POST',
      path: '/items',
      body: { name: 'x', description: 'y'.repeat(20_000) },
    });
    expect(result.statusCode).toBe(413);
  });

  it('accepts a base64-encoded body and refuses one that is not UTF-8', async () => {
    const ok = await call({ method: 'POST', path: '/items', body: { name: 'café' }, base64: true });
    expect(ok.statusCode).toBe(201);
    expect(parseBody(ok).name).toBe('café');
    const bad = await h.handler({
      ...proxyEvent({ method: 'POST', path: '/items', rawBody: 'x' }),
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(bad.statusCode).toBe(400);
    expect(parseBody(bad).error.code).toBe('InvalidEncoding');
  });

  it('matches header names case-insensitively', async () => {
    const result = await call({
      method: 'POST',
      path: '/items',
      rawBody: '{"name":"x"}',
      headers: { 'CONTENT-TYPE': 'Application/JSON; Charset=UTF-8' },
    });
    expect(result.statusCode).toBe(201);
  });
});

describe('GET /items/{id}', () => {
  it('returns the item with a short Cache-Control and its ETag, 304 when unchanged', async () => {
    const item = await create({ name: 'chair', attributes: { legs: 4, wood: true } });
    const result = await call({ method: 'GET', ...itemPath(item.id) });
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual(item);
    expect(result.headers).toMatchObject({ ETag: '"1"', 'Cache-Control': 'public, max-age=5' });
    const again = await call({ method: 'GET', ...itemPath(item.id), headers: { 'If-None-Match': '"1"' } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 404 for an absent item and 400 for an id that cannot be one', async () => {
    const absent = await call({ method: 'GET', ...itemPath(MISSING_ID) });
    expect(absent.statusCode).toBe(404);
    expect(parseBody(absent).error.code).toBe('NotFound');
    expect(absent.headers?.['Cache-Control']).toBe('no-store');
    for (const id of ['abc', 'ABCDEF00-0000-4000-8000-000000000000', `${MISSING_ID}x`, '%E0%A4%A']) {
      const bad = await call({ method: 'GET', path: `/items/${id}`, resource: '/{proxy+}' });
      expect(bad.statusCode, id).toBe(400);
      expect(parseBody(bad).error.code).toBe('InvalidId');
    }
  });
});

describe('GET /items', () => {
  it('pages newest-first through every item exactly once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 13; i++) created.push((await create({ name: `page-${i}` })).id);
    const seen: Array<{ id: string; createdAt: string }> = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { limit: '4', ...(nextToken ? { nextToken } : {}) };
      const result = await call({ method: 'GET', path: '/items', query });
      expect(result.statusCode).toBe(200);
      expect(result.headers).toMatchObject({
        'Cache-Control': 'public, max-age=5',
        ETag: expect.any(String),
      });
      const body = parseBody(result);
      expect(body.items.length).toBeLessThanOrEqual(4);
      seen.push(...body.items);
      nextToken = body.nextToken;
      pages++;
    } while (nextToken && pages < 50);
    const ids = seen.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(created));
    const times = seen.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('uses the default limit of 25', async () => {
    for (let i = 0; i < 14; i++) await create({ name: `more-${i}` });
    const body = parseBody(await call({ method: 'GET', path: '/items' }));
    expect(body.items).toHaveLength(25);
    expect(body.nextToken).toEqual(expect.any(String));
  });

  it.each([['0'], ['101'], ['abc'], ['-1'], ['2.5']])('answers 400 for limit=%s', async (limit) => {
    const result = await call({ method: 'GET', path: '/items', query: { limit } });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.code).toBe('InvalidQuery');
  });

  it('answers 400 for a repeated parameter and an unknown status', async () => {
    expect((await call({ method: 'GET', path: '/items', query: { limit: ['1', '2'] } })).statusCode).toBe(
      400,
    );
    expect((await call({ method: 'GET', path: '/items', query: { status: 'deleted' } })).statusCode).toBe(
      400,
    );
  });

  it('answers 400 for a tampered nextToken', async () => {
    const first = parseBody(await call({ method: 'GET', path: '/items', query: { limit: '1' } }));
    const wire = JSON.parse(Buffer.from(first.nextToken, 'base64url').toString());
    const tampered = [
      `${first.nextToken.slice(0, -2)}!!`,
      'not-a-token',
      Buffer.from(JSON.stringify({ ...wire, c: wire.c.slice(1) })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...wire, c: wire.c.map(() => ['yesterday', 'x']) })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...wire, extra: 1 })).toString('base64url'),
      Buffer.from('[]').toString('base64url'),
      'A'.repeat(5000),
    ];
    for (const nextToken of tampered) {
      const result = await call({ method: 'GET', path: '/items', query: { nextToken } });
      expect(result.statusCode, nextToken).toBe(400);
      expect(parseBody(result).error.code).toBe('InvalidNextToken');
    }
  });
});

describe('PUT and PATCH /items/{id}', () => {
  it('PUT replaces the client fields when If-Match names the current version', async () => {
    const item = await create({ name: 'desk', description: 'oak', tags: ['office'] });
    const result = await call({
      method: 'PUT',
      ...itemPath(item.id),
      body: { name: 'desk 2' },
      headers: { 'If-Match': '"1"' },
    });
    expect(result.statusCode).toBe(200);
    const updated = parseBody(result);
    expect(updated).toEqual({
      ...item,
      name: 'desk 2',
      description: undefined,
      tags: undefined,
      version: 2,
      updatedAt: updated.updatedAt,
    });
    expect(updated).not.toHaveProperty('description');
    expect(result.headers).toMatchObject({ ETag: '"2"', 'Cache-Control': 'no-store' });
    expect(await h.readMetadata(item.id)).toMatchObject({ version: 2 });
    expect(parseBody(await call({ method: 'GET', ...itemPath(item.id) }))).toEqual(updated);
  });

  it('PATCH merges fields, null removes one, and keeps the rest', async () => {
    const item = await create({ name: 'sofa', description: 'red', attributes: { seats: 3 } });
    const result = await call({
      method: 'PATCH',
      ...itemPath(item.id),
      rawBody: JSON.stringify({ description: null, tags: ['living'] }),
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': 'W/"1"' },
    });
    expect(result.statusCode).toBe(200);
    const patched = parseBody(result);
    expect(patched).toMatchObject({ name: 'sofa', tags: ['living'], attributes: { seats: 3 }, version: 2 });
    expect(patched).not.toHaveProperty('description');
  });

  it('answers 428 without If-Match, 412 for a stale one, 400 for a malformed one', async () => {
    const item = await create();
    const body = { name: 'changed' };
    expect((await call({ method: 'PUT', ...itemPath(item.id), body })).statusCode).toBe(428);
    expect((await call({ method: 'PATCH', ...itemPath(item.id), body })).statusCode).toBe(428);
    await call({ method: 'PATCH', ...itemPath(item.id), body, headers: { 'If-Match': '"1"' } });
    const stale = await call({
      method: 'PUT',
      ...itemPath(item.id),
      body: { name: 'lost' },
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.statusCode).toBe(412);
    expect(parseBody(stale).error.code).toBe('PreconditionFailed');
    expect(parseBody(await call({ method: 'GET', ...itemPath(item.id) })).name).toBe('changed');
    const malformed = await call({
      method: 'PUT',
      ...itemPath(item.id),
      body,
      headers: { 'If-Match': 'v2' },
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('If-Match: * updates whatever the version', async () => {
    const item = await create();
    const result = await call({
      method: 'PATCH',
      ...itemPath(item.id),
      body: { name: 'any' },
      headers: { 'If-Match': '*' },
    });
    expect(result.statusCode).toBe(200);
  });

  it('answers 404 for an absent item and 400 for server-owned fields or an empty patch', async () => {
    const headers = { 'If-Match': '"1"' };
    expect(
      (await call({ method: 'PUT', ...itemPath(MISSING_ID), body: { name: 'x' }, headers })).statusCode,
    ).toBe(404);
    expect(
      (await call({ method: 'PATCH', ...itemPath(MISSING_ID), body: { name: 'x' }, headers })).statusCode,
    ).toBe(404);
    const item = await create();
    const owned = await call({ method: 'PATCH', ...itemPath(item.id), body: { version: 9 }, headers });
    expect(parseBody(owned).error.code).toBe('ServerOwnedField');
    expect((await call({ method: 'PATCH', ...itemPath(item.id), body: {}, headers })).statusCode).toBe(400);
    expect(
      (await call({ method: 'PATCH', ...itemPath(item.id), body: { name: null }, headers })).statusCode,
    ).toBe(400);
  });
});

describe('DELETE /items/{id}', () => {
  it('deletes the item and its metadata, then answers 404', async () => {
    const item = await create();
    const result = await call({ method: 'DELETE', ...itemPath(item.id) });
    expect(result.statusCode).toBe(204);
    expect(result.body).toBe('');
    expect(await h.readMetadata(item.id)).toBeUndefined();
    expect((await call({ method: 'GET', ...itemPath(item.id) })).statusCode).toBe(404);
    expect((await call({ method: 'DELETE', ...itemPath(item.id) })).statusCode).toBe(404);
  });

  it('honours If-Match: 412 when stale, nothing deleted', async () => {
    const item = await create();
    const stale = await call({ method: 'DELETE', ...itemPath(item.id), headers: { 'If-Match': '"7"' } });
    expect(stale.statusCode).toBe(412);
    expect((await call({ method: 'GET', ...itemPath(item.id) })).statusCode).toBe(200);
    expect(
      (await call({ method: 'DELETE', ...itemPath(item.id), headers: { 'If-Match': '"1"' } })).statusCode,
    ).toBe(204);
  });
});

describe('routing and CORS', () => {
  it('answers OPTIONS with the CORS configuration', async () => {
    const result = await call({ method: 'OPTIONS', path: '/items' });
    expect(result.statusCode).toBe(204);
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': expect.stringContaining('If-Match'),
      'Access-Control-Max-Age': '600',
    });
    const one = await call({ method: 'OPTIONS', ...itemPath(MISSING_ID) });
    expect(one.headers?.['Access-Control-Allow-Methods']).toBe('GET, PUT, PATCH, DELETE, OPTIONS');
  });

  it('puts CORS headers and the request id on every response', async () => {
    const event = proxyEvent({ method: 'GET', path: '/nowhere' });
    const result = await h.handler(event);
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'ETag, Location, X-Request-Id',
      'X-Request-Id': event.requestContext.requestId,
    });
  });

  it('answers 404 for an unknown route and 405 with Allow for an unknown method', async () => {
    for (const path of ['/nowhere', '/', '/items/a/b', '/itemsx']) {
      const result = await call({ method: 'GET', path, resource: '/{proxy+}' });
      expect(result.statusCode, path).toBe(404);
      expect(parseBody(result).error.code).toBe('NotFound');
    }
    const result = await call({ method: 'DELETE', path: '/items' });
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ Allow: 'GET, POST' });
    expect((await call({ method: 'HEAD', ...itemPath(MISSING_ID) })).statusCode).toBe(405);
  });
});
