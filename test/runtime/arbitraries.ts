import fc from 'fast-check';
import {
  HOSTILE_KEYS,
  PROTOTYPE_NAMES,
  storableNumber,
  stringifyExact,
  unstorableNumber,
} from './exact-json.js';

/** Client fields that the API must accept (so a model can predict 201/200). */
export const validFields = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
    description: fc.string({ maxLength: 60, unit: 'grapheme' }),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 4 }),
    attributes: fc.dictionary(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,10}$/),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.constantFrom(0.5, -2.25, Math.PI, 1e-7),
        fc.boolean(),
        fc.constant(null),
      ),
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ['name'] },
);

const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));

/** Attribute names that fit the pattern, Object.prototype members among them. */
export const attributeName = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,10}$/), weight: 3 },
  fc.constantFrom(...PROTOTYPE_NAMES),
);

/** An attribute value a client may store; numbers anywhere in DynamoDB's range, written in any JSON form. */
export const storableValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  { arbitrary: storableNumber, weight: 2 },
  fc.boolean(),
  fc.constant(null),
);

/** Client fields as { $number } documents (exact-json.ts): names and numbers the API must keep exactly. */
export const exactFields = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
    description: fc.string({ maxLength: 60 }),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 4 }),
    attributes: fc.dictionary(attributeName, storableValue, { maxKeys: 6 }),
  },
  { requiredKeys: ['name'] },
);

/** A JSON merge patch of the client fields: null removes, attributes merge member by member. */
export const mergePatch = fc
  .record(
    {
      name: fc.string({ minLength: 1, maxLength: 20 }),
      description: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      tags: fc.option(fc.array(fc.string({ minLength: 1, maxLength: 5 }), { maxLength: 3 }), { nil: null }),
      attributes: fc.option(
        fc.dictionary(attributeName, fc.oneof(storableValue, fc.constant(null), fc.constant(null)), {
          maxKeys: 4,
        }),
        { nil: null, freq: 6 },
      ),
    },
    { requiredKeys: [] },
  )
  .filter((patch) => Object.keys(patch).length > 0);

/** JSON nested `depth` levels deep, as arrays or as objects. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 1, max: 3000 }), objects: fc.boolean(), inAttribute: fc.boolean() })
  .map(({ depth, objects, inAttribute }) => {
    const deep = objects
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return { text: inAttribute ? `{"name":"deep","attributes":{"x":${deep}}}` : deep };
  });

/**
 * Anything a client might send as a body: valid items (numbers across DynamoDB's range, prototype-member
 * names), merge patches, items with extras or numbers out of range, deep nesting, any JSON, any text, any bytes.
 */
export const anyBody = fc.oneof(
  { arbitrary: validFields.map((body) => ({ text: JSON.stringify(body) })), weight: 4 },
  { arbitrary: exactFields.map((body) => ({ text: stringifyExact(body) })), weight: 4 },
  { arbitrary: mergePatch.map((patch) => ({ text: stringifyExact(patch) })), weight: 3 },
  fc
    .record({ fields: exactFields, name: attributeName, number: unstorableNumber })
    .map(({ fields, name, number }) => ({
      text: stringifyExact({ ...fields, attributes: { ...fields.attributes, [name]: number } }),
    })),
  deepJson,
  fc
    .record({
      fields: validFields,
      extra: fc.dictionary(
        fc.oneof(
          fc.constantFrom('id', 'status', 'createdAt', 'updatedAt', 'version', ...HOSTILE_KEYS),
          fc.string(),
        ),
        fc.jsonValue(),
        { maxKeys: 2 },
      ),
    })
    .map(({ fields, extra }) => ({ text: JSON.stringify({ ...fields, ...extra }) })),
  fc.jsonValue().map((value) => ({ text: JSON.stringify(value) ?? 'null' })),
  anyString.map((text) => ({ text })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ bytes })),
  fc.constant({ text: 'x'.repeat(20_000) }),
  fc.constant(undefined),
);

export const anyMethod = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), weight: 12 },
  fc.constantFrom('OPTIONS', 'HEAD', 'get', 'TRACE'),
  fc.string({ maxLength: 8 }),
);

export const anyContentType = fc.option(
  fc.oneof(
    { arbitrary: fc.constantFrom('application/json', 'application/merge-patch+json'), weight: 10 },
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/JSON;charset="UTF-8"',
      'application/merge-patch+json',
      'application/json; charset=iso-8859-1',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
    fc.string({ maxLength: 30 }),
  ),
  { nil: undefined, freq: 10 },
);

/** CURRENT stands for the ETag of the item's current version (the test fills it in). */
export const anyETag = fc.option(
  fc.oneof(
    { arbitrary: fc.constant('CURRENT'), weight: 8 },
    { arbitrary: fc.integer({ min: 0, max: 5 }).map((v) => `"${v}"`), weight: 6 },
    fc.integer({ min: 0, max: 5 }).map((v) => `W/"${v}"`),
    fc.constantFrom('*', '"99999999999999999999"', 'garbage', ''),
    fc.string({ maxLength: 12 }),
  ),
  { nil: undefined },
);

export const anyQuery = fc.dictionary(
  fc.oneof(
    fc.constantFrom('limit', 'nextToken', 'status'),
    fc.constantFrom(...HOSTILE_KEYS),
    fc.string({ maxLength: 8 }),
  ),
  fc.array(
    fc.oneof(
      fc.integer({ min: -5, max: 200 }).map(String),
      fc.constantFrom(
        'active',
        'eyJ2IjoxfQ',
        'eyJ2IjoxLCJzIjoiYWN0aXZlIiwiYyI6WzAsMCwwLDBdfQ',
        '',
        // A cursor at 2024-99-99T99:99:99.999Z: the right shape, not a real instant.
        Buffer.from(
          JSON.stringify({
            v: 1,
            s: 'active',
            c: [['2024-99-99T99:99:99.999Z', '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b'], null, null, null],
          }),
        ).toString('base64url'),
      ),
      fc.base64String({ maxLength: 40 }),
      anyString,
    ),
    { minLength: 1, maxLength: 2 },
  ),
  { maxKeys: 3 },
);

export const anyHeaderName = fc.oneof(
  fc.constantFrom('Accept', 'X-Forwarded-For', 'content-encoding', 'If-None-Match', 'Authorization'),
  fc.constantFrom(...HOSTILE_KEYS),
  fc.stringMatching(/^[A-Za-z-]{1,12}$/),
);
