import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, WRITE_METHODS } from '../../src/runtime/contract.js';
import { ApiError } from '../../src/runtime/errors.js';
import { parseJson } from '../../src/runtime/json.js';
import { buildOpenApiDocument, ERROR_CODES } from '../../src/runtime/openapi.js';
import { applyMergePatch, parseItemInput, parseMergePatch } from '../../src/runtime/validation.js';
import { ROOT } from '../helpers/cli.js';
import { contractOf, type Json, validateDocument } from '../helpers/openapi.js';
import { PROTOTYPE_NAMES } from './exact-json.js';

const document = buildOpenApiDocument({
  version: '1.2.3',
  writeAuth: true,
  serverUrl: 'https://api.example',
});
const openDocument = buildOpenApiDocument({ version: '1.2.3', writeAuth: false });

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (@readme/openapi-parser), with and without auth', async () => {
    for (const doc of [document, openDocument]) {
      const result = await validateDocument(doc);
      expect(result).toMatchObject({ valid: true, specification: 'OpenAPI' });
      expect((result as { warnings: unknown[] }).warnings).toEqual([]);
    }
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
    expect(document.servers).toEqual([{ url: 'https://api.example' }]);
    expect(openDocument.servers).toBeUndefined();
  });

  it('the validator can fail: a dangling $ref and a wrong type are reported', async () => {
    const broken = structuredClone(document) as Json;
    delete broken.components.schemas.Item;
    expect((await validateDocument(broken)).valid).toBe(false);
    const wrongType = structuredClone(document) as Json;
    wrongType.paths['/items'].get.responses = 'none';
    expect((await validateDocument(wrongType)).valid).toBe(false);
  });

  it('has an operation for every route and method of the runtime, and a CORS preflight on each path', () => {
    const declared = API_ROUTES.flatMap((route) =>
      [...route.methods, 'OPTIONS'].map((m) => `${m} ${route.path}`),
    );
    const documented = Object.entries(document.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((key) => key !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(declared.sort());
    const ids = documented.map((op) => {
      const [m, p] = op.split(' ') as [string, string];
      return (document.paths[p]![m.toLowerCase()] as { operationId: string }).operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('asks for the Cognito token on writes only, and only when writes need it', () => {
    for (const route of API_ROUTES) {
      for (const method of route.methods) {
        const op = document.paths[route.path]![method.toLowerCase()] as Json;
        const open = openDocument.paths[route.path]![method.toLowerCase()] as Json;
        expect(op.security ?? []).toEqual(WRITE_METHODS.has(method) ? [{ cognito: [] }] : []);
        expect(op.responses['401'] !== undefined).toBe(WRITE_METHODS.has(method));
        expect(open.security).toBeUndefined();
        expect(open.responses['401']).toBeUndefined();
      }
    }
    expect(document.components.securitySchemes).toMatchObject({
      cognito: { type: 'http', scheme: 'bearer' },
    });
    expect(openDocument.components.securitySchemes).toBeUndefined();
  });

  it('documents every error code the runtime answers (found in src/runtime)', () => {
    const dir = path.join(ROOT, 'src/runtime');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'openapi.ts')
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    const found = new Map<string, number>();
    for (const m of source.matchAll(/badRequest\(\s*'(\w+)'/g)) found.set(m[1]!, 400);
    for (const m of source.matchAll(/new ApiError\(\s*(\d+),\s*'(\w+)'/g)) found.set(m[2]!, Number(m[1]));
    for (const m of source.matchAll(/\{ code: '(\w+)', message/g)) found.set(m[1]!, -1);
    // The helpers of errors.ts (notFound, conflict, …) name their code once each.
    expect(found.size).toBeGreaterThan(15);
    const documented = new Map<string, number>(
      Object.entries(ERROR_CODES).flatMap(([status, codes]) =>
        codes.map((c) => [c, Number(status)] as const),
      ),
    );
    for (const [code, status] of found) {
      expect(documented.has(code), code).toBe(true);
      if (status > 0) expect(documented.get(code), code).toBe(status);
    }
  });
});

// ---- The request schemas accept exactly the bodies the handler accepts ----

const LIMITS = [1, 50, 200, 1000, 2000].flatMap((n) => [n - 1, n, n + 1]);
const someText = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(0, ...LIMITS).map((n) => 'x'.repeat(n)),
  // Lone surrogates are refused; a pair (one emoji) is fine. Pairs are kept short: see the departure below.
  fc.constantFrom('\ud800', 'a\udc00', '\ud83d\ude00', 'é', '\u0000'),
);
const someNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e-130, 9.99e-131, 9.999999999999999e125, 1e126, -1e-130, -1e126, 1e300, 5e-324),
);
const someValue = fc.oneof(
  { arbitrary: someText, weight: 3 },
  { arbitrary: someNumber, weight: 2 },
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,8}$/),
  fc.constantFrom('a'.repeat(64), 'a'.repeat(65), '1a', '_a', '', 'a b', ...PROTOTYPE_NAMES),
);
const someAttributes = fc.oneof(
  fc.dictionary(attributeName, someValue, { maxKeys: 4 }),
  fc.constantFrom(50, 51).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, i]))),
  someValue,
);
const someTags = fc.oneof(
  fc.array(someText, { maxLength: 3 }),
  fc.constantFrom(0, 20, 21).map((n) => Array(n).fill('t')),
  someValue,
);
const fieldsBody = fc.record(
  { name: someText, description: someText, tags: someTags, attributes: someAttributes },
  { requiredKeys: [] },
);
const someBody = fc.oneof(
  { arbitrary: fieldsBody, weight: 6 },
  fc
    .tuple(
      fieldsBody,
      fc.constantFrom('extra', 'version', 'id', 'createdAt', 'status', 'constructor'),
      someValue,
    )
    .map(([body, key, value]) => ({ ...body, [key]: value })),
  fc.record(
    {
      name: fc.option(someText),
      description: fc.constant(null),
      tags: fc.constant(null),
      attributes: fc.constant(null),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

function handlerAccepts(parse: (body: unknown) => unknown, text: string): boolean {
  try {
    parse(parseJson(text));
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return false;
    throw error;
  }
}

describe('the request schemas agree with the handler (ajv on the document vs the handler, generated bodies)', async () => {
  const contract = await contractOf(document);

  it('POST and PUT: ItemInput', () => {
    const post = contract.requestValidator('/items', 'POST', 'application/json');
    const put = contract.requestValidator('/items/{id}', 'PUT', 'application/json');
    let accepted = 0;
    fc.assert(
      fc.property(someBody, (body) => {
        const text = JSON.stringify(body) ?? 'null';
        const verdict = handlerAccepts(parseItemInput, text);
        expect(post(JSON.parse(text)), text).toBe(verdict);
        expect(put(JSON.parse(text)), text).toBe(verdict);
        if (verdict) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('PATCH: ItemMergePatch, under both media types (onto an item the patch cannot push over a limit)', () => {
    const validators = ['application/merge-patch+json', 'application/json'].map((type) =>
      contract.requestValidator('/items/{id}', 'PATCH', type),
    );
    const base = { name: 'base', description: 'd', tags: ['t'], attributes: { keep: 1 } };
    let accepted = 0;
    fc.assert(
      fc.property(someBody, (patch) => {
        const text = JSON.stringify(patch) ?? 'null';
        // The one limit of the merged item a patch alone cannot show: 50 attributes after the merge.
        const attributes = (patch as { attributes?: unknown } | null)?.attributes;
        fc.pre(!(attributes && typeof attributes === 'object' && Object.keys(attributes).length >= 50));
        const verdict = handlerAccepts(
          (body) => parseItemInput(applyMergePatch(parseJson(JSON.stringify(base)), parseMergePatch(body))),
          text,
        );
        for (const validate of validators) expect(validate(JSON.parse(text)), text).toBe(verdict);
        if (verdict) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('the departures the document states: lengths in code units, and the attribute count after a merge', () => {
    const post = contract.requestValidator('/items', 'POST', 'application/json');
    const patch = contract.requestValidator('/items/{id}', 'PATCH', 'application/merge-patch+json');
    // 200 emoji: 400 UTF-16 code units for the handler, 200 code points for JSON Schema's maxLength.
    const emoji = { name: '\ud83d\ude00'.repeat(200) };
    expect(handlerAccepts(parseItemInput, JSON.stringify(emoji))).toBe(false);
    expect(post(emoji)).toBe(true);
    expect(document.components.schemas?.ItemInput).toMatchObject({
      description: expect.stringContaining('UTF-16 code units'),
    });
    // 30 attributes onto an item with 30: each side fits, the merged item does not.
    const attributes = (from: number) =>
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`a${from + i}`, i]));
    const full = { name: 'n', attributes: attributes(0) };
    const more = { attributes: attributes(100) };
    expect(patch(more)).toBe(true);
    expect(
      handlerAccepts(
        (body) => parseItemInput(applyMergePatch(parseJson(JSON.stringify(full)), parseMergePatch(body))),
        JSON.stringify(more),
      ),
    ).toBe(false);
    expect(document.components.schemas?.ItemMergePatch).toMatchObject({
      description: expect.stringContaining('after the merge'),
    });
  });
});
