import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { anyBody, anyContentType, anyETag, anyHeaderName, anyMethod, anyQuery } from './arbitraries.js';
import { byValue, parseExact } from './exact-json.js';
import { type Harness, proxyEvent } from './harness.js';

let h: Harness;
/** Items the run created, with their last known version: requests aim at them to reach the deep paths. */
const known = new Map<string, number>();
const outcomes = new Set<string>();

beforeAll(async () => {
  const { startHarness } = await import('./harness.js');
  h = await startHarness();
  const created = await h.handler(proxyEvent({ method: 'POST', path: '/items', body: { name: 'seed' } }));
  known.set(JSON.parse(created.body).id, 1);
});
afterAll(async () => {
  await h?.stop();
});

const anyPath = fc.oneof(
  { arbitrary: fc.constantFrom('/items', '/items/known'), weight: 12 },
  fc.constant('/items/known/'),
  fc.constantFrom('/items/', '/', '/ITEMS', '/items/%', '/items/%E0%A4%A'),
  fc.uuid({ version: 4 }).map((id) => `/items/${id}`),
  fc.string({ maxLength: 40 }).map((s) => `/items/${s}`),
  fc.webPath(),
  fc.string({ maxLength: 20 }),
);

const anyRequest = fc.record({
  method: anyMethod,
  path: anyPath,
  asApiGateway: fc.boolean(),
  query: anyQuery,
  contentType: anyContentType,
  ifMatch: anyETag,
  extraHeaders: fc.dictionary(anyHeaderName, fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  body: anyBody,
  base64: fc.boolean(),
  pick: fc.nat(),
});

let roundTrips = 0;

it('answers every generated request with a 4xx or 2xx/3xx and a JSON body, and keeps what it accepts exactly (6,000 requests)', async () => {
  await fc.assert(
    fc.asyncProperty(anyRequest, async (r) => {
      const ids = [...known.keys()];
      const knownId = ids[r.pick % ids.length] ?? '00000000-0000-4000-8000-000000000000';
      const path = r.path.replace('/items/known', `/items/${knownId}`);
      const segments = path.split('/').filter(Boolean);
      // API Gateway only invokes the function for its declared resources; elsewhere the event comes from a proxy.
      const byId = r.asApiGateway && segments[0] === 'items' && segments.length === 2;
      const headers: Record<string, string> = { ...r.extraHeaders };
      if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
      if (r.ifMatch !== undefined) {
        headers['If-Match'] = r.ifMatch === 'CURRENT' ? `"${known.get(knownId) ?? 1}"` : r.ifMatch;
      }
      const sent = r.body as { text?: string; bytes?: Uint8Array } | undefined;
      const bytes = sent === undefined ? undefined : Buffer.from(sent.bytes ?? sent.text ?? '');
      const event = proxyEvent({
        method: r.method,
        path,
        resource: byId ? '/items/{id}' : r.asApiGateway ? path : '/{proxy+}',
        ...(byId ? { id: safeDecode(segments[1]!) } : {}),
        headers,
        query: r.query,
      });
      event.body =
        bytes === undefined
          ? null
          : r.base64
            ? Buffer.from(bytes).toString('base64')
            : bytes.toString('utf8');
      event.isBase64Encoded = bytes !== undefined && r.base64;

      const result = await h.handler(event);
      outcomes.add(`${event.httpMethod} ${result.statusCode}`);
      track(event.httpMethod, result);
      expect(result.statusCode).toBeGreaterThanOrEqual(200);
      expect(result.statusCode).toBeLessThan(500);
      if (result.statusCode === 204 || result.statusCode === 304) {
        expect(result.body).toBe('');
        return;
      }
      const body = JSON.parse(result.body);
      if (result.statusCode >= 400) {
        expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      }
      expect(result.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
      // A create or a replace answers with exactly the client fields it was sent, every digit included.
      if (
        (event.httpMethod === 'POST' && result.statusCode === 201) ||
        (event.httpMethod === 'PUT' && result.statusCode === 200)
      ) {
        const { id, status, createdAt, updatedAt, version, ...fields } = parseExact(result.body) as Record<
          string,
          unknown
        >;
        const sentText = event.isBase64Encoded
          ? Buffer.from(event.body!, 'base64').toString('utf8')
          : event.body!;
        expect(byValue(fields)).toEqual(byValue(parseExact(sentText)));
        roundTrips++;
      }
    }),
    { numRuns: 6000 },
  );
  expect(roundTrips).toBeGreaterThan(30);
  // The generator reaches the deep paths too, not only the early refusals.
  for (const outcome of [
    'POST 201',
    'GET 200',
    'PATCH 200',
    'PUT 200',
    'DELETE 204',
    'PUT 412',
    'GET 404',
    'POST 400',
    'POST 415',
    'GET 400',
    'OPTIONS 204',
  ]) {
    expect(outcomes, outcome).toContain(outcome);
  }
});

function track(method: string, result: { statusCode: number; body: string }) {
  if (method === 'DELETE' && result.statusCode === 204) return; // the id stays: later requests get 404s
  if (result.statusCode !== 200 && result.statusCode !== 201) return;
  const body = JSON.parse(result.body);
  if (typeof body.id === 'string') known.set(body.id, body.version);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
