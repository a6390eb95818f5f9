import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, parseBody, proxyEvent, startHarness } from './harness.js';

/** GET /health: the write-free route the release's smoke test invokes directly (never routed by API Gateway). */
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ AWS_LAMBDA_FUNCTION_VERSION: '7' });
});
afterAll(async () => {
  await harness?.stop();
});

describe('GET /health', () => {
  it('answers 200 with the version, writes nothing, publishes nothing', async () => {
    const before = parseBody(await harness.handler(proxyEvent({ method: 'GET', path: '/items' })));
    const result = await harness.handler(proxyEvent({ method: 'GET', path: '/health' }));
    expect(result.statusCode).toBe(200);
    expect(parseBody(result)).toEqual({ status: 'ok', version: '7' });
    expect(result.headers?.['Access-Control-Allow-Origin']).toBeDefined();
    expect(parseBody(await harness.handler(proxyEvent({ method: 'GET', path: '/items' })))).toEqual(before);
    expect(harness.published).toEqual([]);
  });

  it('only GET: any other method on /health is not a route (404, as before)', async () => {
    const result = await harness.handler(proxyEvent({ method: 'POST', path: '/health', body: {} }));
    expect(result.statusCode).toBe(404);
  });
});
