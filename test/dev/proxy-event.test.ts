import { describe, expect, it } from 'vitest';
import { resolveRoute, resultHeaders, toProxyEvent } from '../../src/dev/proxy-event.js';

const request = (overrides: Partial<Parameters<typeof toProxyEvent>[0]> = {}) => ({
  method: 'GET',
  url: '/items',
  rawHeaders: [],
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  ...overrides,
});

describe('resolveRoute', () => {
  it('maps paths to the API resources, with the id decoded as a path parameter', () => {
    expect(resolveRoute('GET', '/items')).toEqual({ resource: '/items', pathParameters: null });
    expect(resolveRoute('POST', '/items/')).toEqual({ resource: '/items', pathParameters: null });
    expect(resolveRoute('PATCH', '/items/a%20b')).toEqual({
      resource: '/items/{id}',
      pathParameters: { id: 'a b' },
    });
    expect(resolveRoute('OPTIONS', '/items/x')?.resource).toBe('/items/{id}');
  });

  it('has no resource where API Gateway would answer by itself', () => {
    expect(resolveRoute('GET', '/')).toBeUndefined();
    expect(resolveRoute('GET', '/items/a/b')).toBeUndefined();
    expect(resolveRoute('DELETE', '/items')).toBeUndefined();
    expect(resolveRoute('HEAD', '/items/x')).toBeUndefined();
  });
});

describe('toProxyEvent', () => {
  it('keeps repeated headers and query parameters, last value in the single-value maps', () => {
    const event = toProxyEvent(
      request({
        url: '/items?limit=2&tag=a&tag=b%20c',
        rawHeaders: ['Accept', 'text/plain', 'X-Many', '1', 'X-Many', '2', 'Host', 'localhost:3000'],
      }),
      { resource: '/items', pathParameters: null },
    );
    expect(event.headers).toMatchObject({ Accept: 'text/plain', 'X-Many': '2' });
    expect(event.multiValueHeaders['X-Many']).toEqual(['1', '2']);
    expect(event.queryStringParameters).toEqual({ limit: '2', tag: 'b c' });
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['2'], tag: ['a', 'b c'] });
    expect(event.requestContext).toMatchObject({
      httpMethod: 'GET',
      resourcePath: '/items',
      path: '/local/items',
      domainName: 'localhost:3000',
      stage: 'local',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes null query maps without a query string', () => {
    const event = toProxyEvent(request(), { resource: '/items', pathParameters: null });
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });

  it('passes text bodies as text and binary ones base64-encoded', () => {
    const json = toProxyEvent(
      request({
        method: 'POST',
        rawHeaders: ['Content-Type', 'application/json'],
        body: Buffer.from('{"name":"é"}'),
      }),
      { resource: '/items', pathParameters: null },
    );
    expect(json).toMatchObject({ body: '{"name":"é"}', isBase64Encoded: false });
    const bytes = Buffer.from([0, 1, 2, 255]);
    const binary = toProxyEvent(
      request({ method: 'POST', rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }),
      { resource: '/items', pathParameters: null },
    );
    expect(binary).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    const notUtf8 = toProxyEvent(
      request({ method: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: bytes }),
      { resource: '/items', pathParameters: null },
    );
    expect(notUtf8.isBase64Encoded).toBe(true);
  });
});

it('resultHeaders merges single and multi-value headers', () => {
  expect(
    resultHeaders({
      statusCode: 200,
      body: '',
      headers: { A: '1', B: 2 },
      multiValueHeaders: { C: ['x', 'y'] },
    }),
  ).toEqual({ A: '1', B: '2', C: ['x', 'y'] });
});

describe('client keys that are Object.prototype members', () => {
  const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it('are ordinary keys of every map of the event, with their values', () => {
    const query = HOSTILE.map(
      (name) => `${encodeURIComponent(name)}=q-${name}&${encodeURIComponent(name)}=r`,
    ).join('&');
    const event = toProxyEvent(
      request({
        url: `/items?${query}`,
        rawHeaders: HOSTILE.flatMap((name) => [name, `h-${name}`, name, 'again']),
      }),
      { resource: '/items', pathParameters: null },
    );
    for (const name of HOSTILE) {
      expect(Object.hasOwn(event.headers, name), name).toBe(true);
      expect(event.headers[name]).toBe('again');
      expect(event.multiValueHeaders[name]).toEqual([`h-${name}`, 'again']);
      expect(event.queryStringParameters![name]).toBe('r');
      expect(event.multiValueQueryStringParameters![name]).toEqual([`q-${name}`, 'r']);
    }
    // As API Gateway's JSON event would carry them: serialised and parsed back, the same keys.
    const again = JSON.parse(JSON.stringify(event));
    expect(Object.keys(again.headers).sort()).toEqual([...HOSTILE].sort());
  });

  it('no header named like a prototype member is invented where none was sent', () => {
    const event = toProxyEvent(request(), { resource: '/items', pathParameters: null });
    expect(event.headers.constructor).toBeUndefined();
    expect(event.multiValueHeaders.toString).toBeUndefined();
  });
});
