import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, itemPath, parseBody, proxyEvent, startHarness } from './harness.js';

// The bucket the handler is told about does not exist: metadata writes fail after the item is committed.
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ BUCKET_NAME: 'no-such-bucket' });
});
afterAll(async () => {
  await h?.stop();
});

it('keeps a committed create (201, readable) when its metadata write fails, and notifies the failure', async () => {
  const created = await h.handler(proxyEvent({ method: 'POST', path: '/items', body: { name: 'survivor' } }));
  expect(created.statusCode).toBe(201);
  const item = parseBody(created);
  const read = await h.handler(proxyEvent({ method: 'GET', ...itemPath(item.id) }));
  expect(parseBody(read)).toEqual(item);

  const messages = h.published.map((m) => JSON.parse(m.message));
  expect(messages).toContainEqual(expect.objectContaining({ event: 'item.created' }));
  const failure = messages.find((m) => m.event === 'error');
  expect(failure).toMatchObject({ error: expect.stringContaining('metadata after write') });
});
