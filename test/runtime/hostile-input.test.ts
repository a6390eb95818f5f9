// The defects issue 14 found with hostile input, each as a case: numbers across DynamoDB's whole range,
// attribute names that are Object.prototype members, RFC 7396 merge patches, deep nesting, bad cursors.
// The handler runs in-process against dynalite and s3rver; answers are read keeping every digit (exact-json.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byValue, PROTOTYPE_NAMES, parseExact, stringifyExact } from './exact-json.js';
import { type Harness, itemPath, parseBody, proxyEvent, type RequestSpec, startHarness } from './harness.js';

let h: Harness;
const call = (spec: RequestSpec) => h.handler(proxyEvent(spec));

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function createRaw(rawBody: string) {
  const result = await call({ method: 'POST', path: '/items', rawBody });
  expect(result.statusCode, result.body).toBe(201);
  return parseExact(result.body) as { id: { toString(): string }; attributes?: unknown };
}
const read = async (id: string) => {
  const result = await call({ method: 'GET', ...itemPath(id) });
  expect(result.statusCode).toBe(200);
  return parseExact(result.body) as Record<string, unknown>;
};

describe("numbers across DynamoDB's range", () => {
  const NUMBERS = {
    max: '9.9999999999999999999999999999999999999e125',
    min: '1e-130',
    negativeMin: '-1e-130',
    digits38: '12345678901234567890123456789012345678',
    fraction38: '0.12345678901234567890123456789012345678',
    beyondSafeInteger: '9007199254740993',
    e20: '1e20',
    upperE: '-4.5E+7',
    zero: '-0',
    tenth: '0.1',
  };
  const body = `{"name":"numbers","attributes":{${Object.entries(NUMBERS)
    .map(([name, text]) => `"${name}":${text}`)
    .join(',')}}}`;

  it('stores every number of the range and reads it back with all its digits (POST, GET, PUT, PATCH, list)', async () => {
    const sent = byValue((parseExact(body) as { attributes: unknown }).attributes);
    const created = (await createRaw(body)) as { id: string; attributes: unknown };
    expect(byValue(created.attributes)).toEqual(sent);
    const id = created.id;
    expect(byValue((await read(id)).attributes)).toEqual(sent);

    const put = await call({
      method: 'PUT',
      ...itemPath(id),
      rawBody: body,
      headers: { 'If-Match': '"1"' },
    });
    expect(put.statusCode).toBe(200);
    expect(byValue((parseExact(put.body) as { attributes: unknown }).attributes)).toEqual(sent);

    const patch = await call({
      method: 'PATCH',
      ...itemPath(id),
      rawBody: '{"attributes":{"added":123456789012345678901234567890.5}}',
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': '"2"' },
    });
    expect(patch.statusCode).toBe(200);
    const patched = byValue((await read(id)).attributes) as Record<string, unknown>;
    expect(patched).toEqual({
      ...(sent as object),
      added: { $number: '1234567890123456789012345678905e29' },
    });

    const listed = await call({ method: 'GET', path: '/items', query: { limit: '100' } });
    const page = parseExact(listed.body) as { items: Array<{ id: string; attributes: unknown }> };
    expect(byValue(page.items.find((item) => item.id === id)!.attributes)).toEqual(patched);
  });

  it('writes numbers as JavaScript would where a double holds them (1e20, 0.1, -0)', async () => {
    const created = await createRaw('{"name":"js","attributes":{"a":1e20,"b":0.1,"c":-0,"d":1.50,"e":1e21}}');
    const { result } = { result: await call({ method: 'GET', ...itemPath(String(created.id)) }) };
    expect(result.body).toContain('"attributes":{"a":100000000000000000000,"b":0.1,"c":0,"d":1.5,"e":1e+21}');
  });

  it.each([
    ['1e126', 'too large'],
    ['-1e126', 'too large'],
    ['1e-131', 'too small'],
    ['123456789012345678901234567890123456789', '39 digits'],
    ['1.00000000000000000000000000000000000001', '39 digits'],
  ])('refuses %s (%s) with a 400 that states the range, on POST, PUT and PATCH', async (number) => {
    const created = await createRaw('{"name":"target"}');
    const id = String(created.id);
    const answers = [
      await call({ method: 'POST', path: '/items', rawBody: `{"name":"n","attributes":{"x":${number}}}` }),
      await call({
        method: 'PUT',
        ...itemPath(id),
        rawBody: `{"name":"n","attributes":{"x":${number}}}`,
        headers: { 'If-Match': '*' },
      }),
      await call({
        method: 'PATCH',
        ...itemPath(id),
        rawBody: `{"attributes":{"x":${number}}}`,
        headers: { 'If-Match': '*' },
      }),
    ];
    for (const answer of answers) {
      expect(answer.statusCode).toBe(400);
      expect(parseBody(answer).error).toEqual({
        code: 'ValidationError',
        message:
          'attributes.x: must be 0, or at most 38 significant digits with a magnitude from 1e-130 up to (not including) 1e126',
      });
    }
  });
});

describe('attribute names that are Object.prototype members', () => {
  it('round-trip through POST, GET, PUT, PATCH and the listing', async () => {
    const attributes = Object.fromEntries(PROTOTYPE_NAMES.map((name, i) => [name, `${name}-${i}`]));
    const created = await call({ method: 'POST', path: '/items', body: { name: 'proto', attributes } });
    expect(created.statusCode).toBe(201);
    const item = parseBody(created);
    expect(item.attributes).toEqual(attributes);
    expect((await read(item.id)).attributes).toEqual(attributes);

    const replaced = { ...attributes, constructor: 7 };
    const put = await call({
      method: 'PUT',
      ...itemPath(item.id),
      body: { name: 'proto', attributes: replaced },
      headers: { 'If-Match': '"1"' },
    });
    expect(put.statusCode).toBe(200);
    expect(parseBody(put).attributes).toEqual(replaced);

    const patch = await call({
      method: 'PATCH',
      ...itemPath(item.id),
      body: { attributes: { toString: null, valueOf: false } },
      headers: { 'If-Match': '"2"' },
    });
    expect(patch.statusCode).toBe(200);
    const { toString: _removed, ...expected } = { ...replaced, valueOf: false };
    expect(parseBody(patch).attributes).toEqual(expected);
    expect(Object.keys(parseBody(patch).attributes)).not.toContain('toString');
  });
});

describe('PATCH is a JSON merge patch (RFC 7396)', () => {
  const patch = (id: string, document: unknown, ifMatch: string, type = 'application/merge-patch+json') =>
    call({
      method: 'PATCH',
      ...itemPath(id),
      rawBody: JSON.stringify(document),
      headers: { 'Content-Type': type, 'If-Match': ifMatch },
    });

  it('merges attributes member by member, null removes one, other fields stay', async () => {
    const item = parseBody(
      await call({
        method: 'POST',
        path: '/items',
        body: { name: 'm', description: 'keep', tags: ['a', 'b'], attributes: { a: 1, b: 'two', c: true } },
      }),
    );
    const first = await patch(item.id, { attributes: { b: 2 } }, '"1"');
    expect(first.statusCode).toBe(200);
    expect(parseBody(first)).toMatchObject({
      description: 'keep',
      tags: ['a', 'b'],
      attributes: { a: 1, b: 2, c: true },
      version: 2,
    });
    const second = await patch(item.id, { attributes: { a: null }, tags: ['z'] }, '"2"');
    expect(parseBody(second).attributes).toEqual({ b: 2, c: true });
    expect(parseBody(second).tags).toEqual(['z']);
    // The same document as application/json means the same merge.
    const third = await patch(
      item.id,
      { attributes: { c: null }, description: null },
      '"3"',
      'application/json',
    );
    expect(parseBody(third).attributes).toEqual({ b: 2 });
    expect(parseBody(third)).not.toHaveProperty('description');
    const everything = await patch(item.id, { attributes: null }, '"4"');
    expect(parseBody(everything)).not.toHaveProperty('attributes');
    expect(parseBody(await call({ method: 'GET', ...itemPath(item.id) }))).toEqual(parseBody(everything));
  });

  it('adds attributes to an item that had none, and checks the merged item against the limits', async () => {
    const item = parseBody(await call({ method: 'POST', path: '/items', body: { name: 'bare' } }));
    const added = await patch(item.id, { attributes: { x: 'y', gone: null } }, '"1"');
    expect(parseBody(added).attributes).toEqual({ x: 'y' });
    const fifty = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i]));
    expect((await patch(item.id, { attributes: fifty }, '"2"')).statusCode).toBe(200);
    const tooMany = await patch(item.id, { attributes: { one: 1, more: 2 } }, '"3"');
    expect(tooMany.statusCode).toBe(400);
    expect(parseBody(tooMany).error.message).toBe('attributes: too many (max 50)');
    const nested = await patch(item.id, { attributes: { x: { deep: 1 } } }, '"3"');
    expect(nested.statusCode).toBe(400);
    expect(parseBody(nested).error.message).toBe(
      'attributes.x: expected a string, a number, a boolean or null',
    );
    expect(parseBody(await call({ method: 'GET', ...itemPath(item.id) })).version).toBe(3);
  });

  it('keeps the If-Match rules: 428 without, 412 when stale (nothing merged), * merges into whatever is there', async () => {
    const item = parseBody(
      await call({ method: 'POST', path: '/items', body: { name: 'c', attributes: { a: 1 } } }),
    );
    const without = await call({ method: 'PATCH', ...itemPath(item.id), body: { attributes: { b: 1 } } });
    expect(without.statusCode).toBe(428);
    const stale = await patch(item.id, { attributes: { b: 1 } }, '"9"');
    expect(stale.statusCode).toBe(412);
    expect(parseBody(stale).error.message).toContain('version 1');
    const star = await patch(item.id, { attributes: { b: 1 } }, '*');
    expect(parseBody(star).attributes).toEqual({ a: 1, b: 1 });
    const absent = await patch('00000000-0000-4000-8000-000000000000', { name: 'x' }, '*');
    expect(absent.statusCode).toBe(404);
  });

  it('answers 415 for a JSON Patch (RFC 6902) document, naming the types it takes', async () => {
    const item = parseBody(await call({ method: 'POST', path: '/items', body: { name: 'p' } }));
    const result = await patch(
      item.id,
      [{ op: 'add', path: '/tags', value: [] }],
      '"1"',
      'application/json-patch+json',
    );
    expect(result.statusCode).toBe(415);
    expect(parseBody(result).error.message).toContain('application/merge-patch+json');
  });
});

describe('deep nesting and other shapes that must stay 4xx', () => {
  it.each([
    ['an array 8,000 deep (16 KB)', `${'['.repeat(8000)}${']'.repeat(8000)}`],
    ['an object 2,500 deep', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`],
    [
      'an attribute holding a deep object',
      `{"name":"n","attributes":{"a":${'{"b":'.repeat(40)}1${'}'.repeat(40)}}}`,
    ],
  ])('%s: 400', async (_, rawBody) => {
    const result = await call({ method: 'POST', path: '/items', rawBody });
    expect(result.statusCode).toBe(400);
    expect(['ValidationError', 'InvalidJson']).toContain(parseBody(result).error.code);
  });

  it('an object key __proto__ at the top level is an unknown field, not a prototype', async () => {
    const result = await call({
      method: 'POST',
      path: '/items',
      rawBody: '{"name":"n","__proto__":{"x":1}}',
    });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.message).toBe('body: unknown field(s) __proto__');
  });
});

describe('pagination cursors', () => {
  const token = (cursors: unknown[]) =>
    Buffer.from(JSON.stringify({ v: 1, s: 'active', c: cursors })).toString('base64url');
  const ID = '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b';

  it.each([
    ['an impossible timestamp', token([['2024-99-99T99:99:99.999Z', ID], null, null, null])],
    ['February 30', token([['2024-02-30T10:00:00.000Z', ID], 0, 0, 0])],
    ['an empty nextToken', ''],
  ])('%s: 400 InvalidNextToken', async (_, nextToken) => {
    const result = await call({ method: 'GET', path: '/items', query: { nextToken } });
    expect(result.statusCode).toBe(400);
    expect(parseBody(result).error.code).toBe('InvalidNextToken');
  });

  it('a well-formed cursor of a real instant is accepted', async () => {
    const result = await call({
      method: 'GET',
      path: '/items',
      query: { nextToken: token([['2024-02-29T10:00:00.000Z', ID], 0, 0, 0]) },
    });
    expect(result.statusCode).toBe(200);
  });
});

it('stringifyExact writes numbers as given (the helper the other tests rely on)', () => {
  expect(
    stringifyExact({ a: { $number: '1e-130' }, b: [{ $number: '12345678901234567890123456789012345678' }] }),
  ).toBe('{"a":1e-130,"b":[12345678901234567890123456789012345678]}');
  expect(parseExact('{"s":"1e5 \\" 2","n":-1.50E+3}')).toEqual({ s: '1e5 " 2', n: { $number: '-1.50E+3' } });
});
