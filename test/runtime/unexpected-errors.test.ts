import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type Harness, parseBody, proxyEvent, startHarness } from './harness.js';

// The handler points at a table that does not exist: every store call fails as an outage would.
let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  h = await startHarness({ TABLE_NAME: 'no-such-table', AWS_LAMBDA_LOG_LEVEL: 'INFO' });
  const write = process.stdout.write.bind(process.stdout);
  const capture = ((chunk: string | Uint8Array, ...rest: [never]) => {
    if (typeof chunk === 'string' && chunk.startsWith('{')) {
      logLines.push(chunk);
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h?.stop();
});

it('answers 500 with the request id and no internals, logs it, and notifies once per window', async () => {
  const events = [1, 2, 3].map(() => proxyEvent({ method: 'GET', path: '/items' }));
  for (const event of events) {
    const result = await h.handler(event);
    expect(result.statusCode).toBe(500);
    const body = parseBody(result);
    expect(body).toEqual({
      error: {
        code: 'InternalError',
        message: expect.any(String),
        requestId: event.requestContext.requestId,
      },
    });
    expect(result.body).not.toMatch(/no-such-table|ResourceNotFound|at /);
    expect(result.headers).toMatchObject({
      'X-Request-Id': event.requestContext.requestId,
      'Cache-Control': 'no-store',
    });
  }

  const errors = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'ERROR');
  expect(errors.map((e) => e.requestId)).toEqual(events.map((e) => e.requestContext.requestId));
  expect(errors[0]).toMatchObject({ message: 'Unexpected error', method: 'GET', path: '/items' });
  expect(errors[0].error.name).toBe('ResourceNotFoundException');

  const notifications = h.published.filter((m) => JSON.parse(m.message).event === 'error');
  expect(notifications).toHaveLength(1);
  expect(JSON.parse(notifications[0]!.message)).toMatchObject({
    requestId: events[0]!.requestContext.requestId,
  });
});

it('still answers 4xx for bad input without touching the store', async () => {
  const result = await h.handler(proxyEvent({ method: 'POST', path: '/items', rawBody: '{' }));
  expect(result.statusCode).toBe(400);
});
