import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ApiError } from '../../src/runtime/errors.js';
import { FIELD_LIMITS, parseItemInput, parseItemPatch } from '../../src/runtime/validation.js';

// The handler checks bodies by hand to stay inside its bundle budget (docs/runtime.md). Here the same rules
// are written declaratively in zod, as the reference: over generated bodies, many of them on a limit, both
// must accept exactly the same bodies and the handler must return what zod returns.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (max: number, min = 0) =>
  z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.refine((s) => !LONE_SURROGATE.test(s)),
  );
const scalar = z.union([
  text(FIELD_LIMITS.attributeText),
  z.number().check(z.refine((n) => n === 0 || (Math.abs(n) >= 1e-100 && Math.abs(n) <= 1e100))),
  z.boolean(),
  z.null(),
]);
const fields = {
  name: text(FIELD_LIMITS.name, 1),
  description: text(FIELD_LIMITS.description),
  tags: z.array(text(FIELD_LIMITS.tag, 1)).check(z.maxLength(FIELD_LIMITS.tags)),
  attributes: z
    .record(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/)), scalar)
    .check(z.refine((o) => Object.keys(o).length <= FIELD_LIMITS.attributes)),
};
const inputSchema = z.strictObject({
  name: fields.name,
  description: z.optional(fields.description),
  tags: z.optional(fields.tags),
  attributes: z.optional(fields.attributes),
});
const patchSchema = z.strictObject({
  name: z.optional(fields.name),
  description: z.optional(z.nullable(fields.description)),
  tags: z.optional(z.nullable(fields.tags)),
  attributes: z.optional(z.nullable(fields.attributes)),
});

// Strings on and around every length limit, with and without a lone surrogate, and anything else.
const lengths = Object.values(FIELD_LIMITS).flatMap((n) => [n - 1, n, n + 1]);
const someText = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(0, 1, ...lengths).map((n) => 'x'.repeat(n)),
  fc.constantFrom('\ud800', 'a\udc00', '\ud83d\ude00', 'é', '\u0000'),
);
const someNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1e-100, 9.99e-101, 1e100, 1.01e100, -1e-100, -1e100, -1.01e100, 1e300, 1e-300),
);
const someValue = fc.oneof(
  { arbitrary: someText, weight: 3 },
  { arbitrary: someNumber, weight: 2 },
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const someTags = fc.oneof(
  fc.array(someText, { maxLength: 3 }),
  fc.constantFrom(0, FIELD_LIMITS.tags, FIELD_LIMITS.tags + 1).map((n) => Array(n).fill('t')),
  someValue,
);
const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,8}$/),
  fc.constantFrom('a'.repeat(64), 'a'.repeat(65), '1a', '_a', '__proto__', 'constructor', '', 'a b'),
  fc.string({ maxLength: 4 }),
);
const someAttributes = fc.oneof(
  fc.dictionary(attributeName, someValue, { maxKeys: 4 }),
  fc
    .constantFrom(FIELD_LIMITS.attributes, FIELD_LIMITS.attributes + 1)
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, i]))),
  someValue,
);
const fieldsBody = fc.record(
  { name: someText, description: someText, tags: someTags, attributes: someAttributes },
  { requiredKeys: [] },
);
const someBody = fc.oneof(
  { arbitrary: fieldsBody, weight: 6 },
  fc
    .tuple(fieldsBody, fc.constantFrom('extra', 'version', 'id', '__proto__'), someValue)
    .map(([body, key, value]) => ({ ...body, [key]: value })),
  fc.record(
    { name: fc.option(someText), description: fc.constant(null), tags: fc.constant(null) },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** What the handler makes of a body: the fields it keeps, or the 400 it answers. */
function outcome(parse: (body: unknown) => unknown, body: unknown) {
  try {
    return { accepted: true, value: parse(body) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    return { accepted: false, code: error.code };
  }
}

const asReceived = (body: unknown) => JSON.parse(JSON.stringify(body) ?? 'null');

/**
 * zod's verdict, with one deliberate difference: zod's record drops an attribute named __proto__ without a
 * word, where the handler refuses it like any other name outside the attribute-name pattern.
 */
function reference<T>(schema: z.ZodMiniType<T>, body: unknown) {
  const attributes = (body as { attributes?: unknown } | null)?.attributes;
  if (typeof attributes === 'object' && attributes !== null && Object.hasOwn(attributes, '__proto__')) {
    return { success: false as const };
  }
  return schema.safeParse(body);
}

/** Over 5,000 generated bodies, `parse` accepts those zod accepts (and `alsoNeeds`), with the same fields. */
function agreesWithZod<T extends object>(
  schema: z.ZodMiniType<T>,
  parse: (body: unknown) => unknown,
  alsoNeeds: (fields: T) => boolean = () => true,
) {
  let accepted = 0;
  fc.assert(
    fc.property(someBody, (generated) => {
      const body = asReceived(generated);
      const expected = reference(schema, body);
      const accepts = expected.success && alsoNeeds(expected.data);
      const actual = outcome(parse, body);
      expect(actual.accepted).toBe(accepts);
      if (accepts) {
        accepted++;
        expect(actual.value).toEqual(expected.data);
      }
    }),
    { numRuns: 5000 },
  );
  // The generated bodies reach both sides of the rules, not only refusals.
  expect(accepted).toBeGreaterThan(100);
}

describe('the body rules agree with the same rules written in zod', () => {
  it('POST and PUT bodies', () => {
    agreesWithZod(inputSchema, parseItemInput);
  });

  it('PATCH bodies (a patch must also change a field)', () => {
    agreesWithZod(patchSchema, parseItemPatch, (patch) => Object.keys(patch).length > 0);
  });

  it('names the field and the problem in a refusal', () => {
    const message = (body: unknown, parse: (body: unknown) => unknown = parseItemInput) => {
      try {
        parse(body);
      } catch (error) {
        return (error as ApiError).message;
      }
      throw new Error('expected a refusal');
    };
    expect(message({})).toBe('name: required');
    expect(message({ name: 'x', colour: 'red', size: 1 })).toBe('body: unknown field(s) colour, size');
    expect(message({ name: 'x', tags: ['a', ''] })).toBe('tags.1: must not be empty');
    expect(message({ name: 'x', attributes: { 'bad name': 1 } })).toMatch(
      /^attributes\.bad name: invalid attribute name/,
    );
    expect(message({ name: 'x', attributes: JSON.parse('{"__proto__": 1}') })).toMatch(
      /^attributes\.__proto__: invalid attribute name/,
    );
    expect(message({ name: 'x', attributes: { n: 1e300 } })).toBe(
      'attributes.n: must be 0 or within 1e-100..1e100',
    );
    expect(message({ name: null }, parseItemPatch)).toBe('name: cannot be removed');
    expect(message({ name: 'x', version: 2 })).toBe(
      'version cannot be set by the client: the server sets it.',
    );
  });
});
