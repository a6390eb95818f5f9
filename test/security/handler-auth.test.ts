// Defence in depth: with WRITE_AUTH=required (what the stack sets when auth is on), the handler itself refuses
// a write whose event carries no authorizer identity, whatever API Gateway did; reads stay open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, parseBody, proxyEvent, startHarness } from '../runtime/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ WRITE_AUTH: 'required' });
});
afterAll(async () => {
  await h?.stop();
});

const claims = { sub: '6f1c2a9e-0d3b-4c3e-9a55-1f2e3d4c5b6a', email: 'alice@example.com', token_use: 'id' };

describe('the handler with WRITE_AUTH=required', () => {
  it('refuses writes without an authorizer identity (401), before touching the stores', async () => {
    for (const [method, extra] of [
      ['POST', { path: '/items', body: { name: 'x' } }],
      [
        'DELETE',
        { path: '/items/6f1c2a9e-0d3b-4c3e-9a55-1f2e3d4c5b6a', id: '6f1c2a9e-0d3b-4c3e-9a55-1f2e3d4c5b6a' },
      ],
    ] as const) {
      const result = await h.handler(proxyEvent({ method, ...extra }));
      expect(result.statusCode, method).toBe(401);
      expect(parseBody(result).error.code).toBe('Unauthorized');
      expect(result.headers?.['WWW-Authenticate']).toBe('Bearer');
    }
    // An authorizer object without a subject is no identity either.
    const empty = proxyEvent({ method: 'POST', path: '/items', body: { name: 'x' } });
    (empty.requestContext as { authorizer: unknown }).authorizer = { claims: {} };
    expect((await h.handler(empty)).statusCode).toBe(401);
    expect(h.published).toEqual([]);
  });

  it('accepts a write that carries the claims API Gateway puts there', async () => {
    const event = proxyEvent({ method: 'POST', path: '/items', body: { name: 'signed' } });
    (event.requestContext as { authorizer: unknown }).authorizer = { claims };
    const result = await h.handler(event);
    expect(result.statusCode).toBe(201);
    expect(parseBody(result).name).toBe('signed');
  });

  it('reads stay public', async () => {
    const result = await h.handler(proxyEvent({ method: 'GET', path: '/items' }));
    expect(result.statusCode).toBe(200);
  });
});
