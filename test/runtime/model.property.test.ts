import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergePatch, exactFields as validFields } from './arbitraries.js';
import { byValue, parseExact, stringifyExact } from './exact-json.js';
import { type Harness, itemPath, proxyEvent, type RequestSpec, startHarness } from './harness.js';

// The API against a model of what it should hold: after any sequence of creates, reads, updates (fresh,
// stale or missing If-Match, racing writers, JSON merge patches) and deletes, every item reads back exactly
// as the model says and a full listing holds exactly the model's items: nothing lost, nothing clobbered.
// Fields carry numbers across DynamoDB's whole range and attribute names such as `constructor`; answers are
// read keeping every digit (exact-json.ts) and compared by value.
let h: Harness;
let requests = 0;
const outcomes = new Set<string>();
const model = new Map<string, Record<string, unknown>>();
const deleted: string[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const call = (spec: RequestSpec) => {
  requests++;
  const { body, ...rest } = spec;
  return h.handler(proxyEvent(body === undefined ? rest : { ...rest, rawBody: stringifyExact(body) }));
};
// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely
const parseBody = (result: { body: string }): any => parseExact(result.body);
const versionOf = (item: Record<string, unknown>) => Number((item.version as { $number: string }).$number);
const SERVER = ['id', 'status', 'createdAt', 'updatedAt', 'version'];
const clientFields = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([key]) => !SERVER.includes(key)));

const patchFields = mergePatch;

const etagKind = fc.constantFrom('current', 'stale', 'star', 'none');
const target = fc.nat();

const operation = fc.oneof(
  fc.record({ op: fc.constant('create' as const), fields: validFields }),
  fc.record({ op: fc.constant('get' as const), target }),
  fc.record({ op: fc.constant('put' as const), target, fields: validFields, etag: etagKind }),
  fc.record({ op: fc.constant('patch' as const), target, patch: patchFields, etag: etagKind }),
  { arbitrary: fc.record({ op: fc.constant('delete' as const), target, etag: etagKind }), weight: 2 },
  fc.record({ op: fc.constant('race' as const), target, a: validFields, b: validFields }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function pick(n: number): string | undefined {
  const ids = [...model.keys(), ...deleted.slice(-5)];
  return ids.length ? ids[n % ids.length] : undefined;
}

function ifMatch(id: string, kind: string): Record<string, string> {
  const item = model.get(id);
  const version = item ? versionOf(item) : 1;
  if (kind === 'current') return { 'If-Match': `"${version}"` };
  if (kind === 'stale') return { 'If-Match': `"${version + 1}"` };
  if (kind === 'star') return { 'If-Match': '*' };
  return {};
}

async function apply(operation: Operation): Promise<void> {
  if (operation.op === 'create') {
    const result = await call({ method: 'POST', path: '/items', body: operation.fields });
    expect(result.statusCode).toBe(201);
    const item = parseBody(result);
    expect(byValue(clientFields(item))).toEqual(byValue(operation.fields));
    expect(model.has(item.id)).toBe(false);
    model.set(item.id, item);
    return;
  }
  const id = pick(operation.target);
  if (!id) return;
  const current = model.get(id);
  if (operation.op === 'get') {
    const result = await call({ method: 'GET', ...itemPath(id) });
    expect(result.statusCode).toBe(current ? 200 : 404);
    if (current) expect(parseBody(result)).toEqual(current);
    return;
  }
  if (operation.op === 'race') {
    const headers = ifMatch(id, 'current');
    const [a, b] = await Promise.all([
      call({ method: 'PUT', ...itemPath(id), body: operation.a, headers }),
      call({ method: 'PUT', ...itemPath(id), body: operation.b, headers }),
    ]);
    if (!current) {
      expect([a.statusCode, b.statusCode]).toEqual([404, 404]);
      return;
    }
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    outcomes.add('race 200/412');
    const winner = a.statusCode === 200 ? a : b;
    const item = parseBody(winner);
    expect(byValue(clientFields(item))).toEqual(byValue(a.statusCode === 200 ? operation.a : operation.b));
    model.set(id, item);
    return;
  }
  const headers = ifMatch(id, operation.etag);
  const expected = !current
    ? operation.etag === 'none' && operation.op !== 'delete'
      ? 428
      : 404
    : operation.etag === 'stale'
      ? 412
      : operation.etag === 'none' && operation.op !== 'delete'
        ? 428
        : operation.op === 'delete'
          ? 204
          : 200;
  const spec: RequestSpec =
    operation.op === 'put'
      ? { method: 'PUT', ...itemPath(id), body: operation.fields, headers }
      : operation.op === 'patch'
        ? { method: 'PATCH', ...itemPath(id), body: operation.patch, headers }
        : { method: 'DELETE', ...itemPath(id), headers };
  const result = await call(spec);
  expect(result.statusCode).toBe(expected);
  outcomes.add(`${operation.op} ${expected}`);
  if (expected === 204) {
    model.delete(id);
    deleted.push(id);
  } else if (expected === 200 && current) {
    const item = parseBody(result);
    const fields =
      operation.op === 'put'
        ? operation.fields
        : applyPatch(clientFields(current), operation.op === 'patch' ? operation.patch : {});
    expect(byValue(clientFields(item))).toEqual(byValue(fields));
    expect(item).toMatchObject({ id, createdAt: current.createdAt });
    expect(versionOf(item)).toBe(versionOf(current) + 1);
    model.set(id, item);
  }
}

/** RFC 7396 section 2, from the RFC's pseudocode; { $number } values are scalars, as in JSON. */
function applyPatch(target: unknown, patch: unknown): Record<string, unknown> {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !('$number' in v);
  if (!isObject(patch)) return patch as Record<string, unknown>;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyPatch(result[key], value);
  }
  return result;
}

async function listEverything(limit: number): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let nextToken: string | null = null;
  do {
    const result = await call({
      method: 'GET',
      path: '/items',
      query: { limit: String(limit), ...(nextToken ? { nextToken } : {}) },
    });
    expect(result.statusCode).toBe(200);
    const body = parseBody(result);
    items.push(...body.items);
    nextToken = body.nextToken;
  } while (nextToken);
  return items;
}

it('never loses or clobbers an item, whatever the sequence of requests (4,000+ requests)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(operation, { minLength: 30, maxLength: 100 }),
      fc.integer({ min: 25, max: 100 }),
      async (operations, limit) => {
        for (const operation of operations) await apply(operation);
        const listed = await listEverything(limit);
        const ids = listed.map((item) => item.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Map(listed.map((item) => [item.id as string, item]))).toEqual(model);
        const times = listed.map((item) => item.createdAt as string);
        expect(times).toEqual([...times].sort().reverse());
      },
    ),
    { numRuns: 80, endOnFailure: true },
  );
  expect(requests).toBeGreaterThanOrEqual(4000);
  for (const outcome of [
    'race 200/412',
    'put 200',
    'patch 200',
    'delete 204',
    'put 412',
    'patch 428',
    'delete 404',
  ]) {
    expect(outcomes, outcome).toContain(outcome);
  }
  // Thousands of sequential requests against real local stores: minutes on a loaded 2-core machine.
}, 600_000);
