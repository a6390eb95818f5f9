import { badRequest } from './errors.js';
import { Decimal, isJsonObject, type JsonObject } from './json.js';

/** Fields only the server sets; a body that names one is refused rather than silently ignored. */
export const SERVER_FIELDS = ['id', 'status', 'createdAt', 'updatedAt', 'version'] as const;

/** Statuses an item can have; new items are `active` (the status is server-owned). */
export const ITEM_STATUSES = ['active'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** An attribute holds one scalar; a number keeps all its digits (json.ts). */
export type AttributeValue = string | Decimal | boolean | null;

/** Attribute names to values, in an object without a prototype: any name that fits the pattern is just a key. */
export type Attributes = { [name: string]: AttributeValue };

/** The fields a client owns: POST and PUT send all of them (missing optional ones are absent). */
export interface ItemInput {
  name: string;
  description?: string;
  tags?: string[];
  attributes?: Attributes;
}

/*
 * The body rules. They are written by hand, not with zod: zod/mini alone would take 17-23 KB of the handler's
 * 30 KB bundle budget (docs/runtime.md). test/runtime/body-rules.test.ts holds the same rules written in zod
 * and checks, over generated bodies, that both accept and refuse exactly the same ones; the documented limits
 * are also tested as literal boundary cases there.
 */
export const FIELD_LIMITS = {
  name: 200,
  description: 2000,
  tags: 20,
  tag: 50,
  attributes: 50,
  attributeText: 1000,
} as const;

/**
 * DynamoDB numbers: up to 38 significant digits, magnitude from 1e-130 to 9.9999999999999999999999999999999999999e125
 * (the Number type in the DynamoDB developer guide). Every number in that range is stored and read back exactly.
 */
export const NUMBER_LIMITS = { digits: 38, minExponent: -130, maxExponent: 125 } as const;
const NUMBER_RANGE_TEXT =
  '0, or at most 38 significant digits with a magnitude from 1e-130 up to (not including) 1e126';

// A lone surrogate cannot be stored as UTF-8: DynamoDB would silently replace it, so refuse it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const ATTRIBUTE_NAME_TEXT = 'invalid attribute name (a letter, then up to 63 of A-Z a-z 0-9 _ . : -)';

/** Checks one value found at `where` (a field path such as `tags.2`) and returns it, or throws a 400. */
type Rule<T> = (value: unknown, where: string) => T;

const invalid = (where: string, problem: string) => badRequest('ValidationError', `${where}: ${problem}`);

const text =
  (max: number, nonEmpty = false): Rule<string> =>
  (value, where) => {
    if (typeof value !== 'string') throw invalid(where, 'expected a string');
    if (nonEmpty && value.length === 0) throw invalid(where, 'must not be empty');
    if (value.length > max) throw invalid(where, `too long (max ${max} characters)`);
    if (LONE_SURROGATE.test(value)) throw invalid(where, 'must be valid Unicode text');
    return value;
  };

const tag = text(FIELD_LIMITS.tag, true);
const tagList: Rule<string[]> = (value, where) => {
  if (!Array.isArray(value)) throw invalid(where, 'expected an array');
  if (value.length > FIELD_LIMITS.tags) throw invalid(where, `too many (max ${FIELD_LIMITS.tags})`);
  return value.map((each, index) => tag(each, `${where}.${index}`));
};

/** A number as DynamoDB can store it exactly, or a 400 that states the range. */
const storableNumber: Rule<Decimal> = (value, where) => {
  // A plain number arrives only from code (tests); a request body's numbers are Decimals (json.ts).
  const decimal = value instanceof Decimal ? value : new Decimal(String(value));
  const { digits, exponent } = decimal.parts;
  if (
    digits !== '0' &&
    (digits.length > NUMBER_LIMITS.digits ||
      exponent < NUMBER_LIMITS.minExponent ||
      exponent > NUMBER_LIMITS.maxExponent)
  ) {
    throw invalid(where, `must be ${NUMBER_RANGE_TEXT}`);
  }
  return decimal;
};

const attributeText = text(FIELD_LIMITS.attributeText);
const attributeValue: Rule<AttributeValue> = (value, where) => {
  if (typeof value === 'string') return attributeText(value, where);
  if (value instanceof Decimal || (typeof value === 'number' && Number.isFinite(value)))
    return storableNumber(value, where);
  if (typeof value === 'boolean' || value === null) return value;
  throw invalid(where, 'expected a string, a number, a boolean or null');
};

function attributeName(name: string, where: string): void {
  // Checked before it becomes a key: the pattern also keeps out __proto__.
  if (!ATTRIBUTE_NAME.test(name)) throw invalid(`${where}.${name}`, ATTRIBUTE_NAME_TEXT);
}

const attributeMap: Rule<Attributes> = (value, where) => {
  if (!isJsonObject(value)) throw invalid(where, 'expected an object');
  const names = Object.keys(value);
  if (names.length > FIELD_LIMITS.attributes)
    throw invalid(where, `too many (max ${FIELD_LIMITS.attributes})`);
  const attributes: Attributes = Object.create(null);
  for (const name of names) {
    attributeName(name, where);
    attributes[name] = attributeValue(value[name], `${where}.${name}`);
  }
  return attributes;
};

const FIELD_RULES: { [K in keyof ItemInput]-?: Rule<ItemInput[K]> } = {
  name: text(FIELD_LIMITS.name, true),
  description: text(FIELD_LIMITS.description),
  tags: tagList,
  attributes: attributeMap,
};

/** The client fields of a POST/PUT body (or of an item after a merge patch), in a new object. */
export function parseItemInput(body: unknown): ItemInput {
  const fields = checkFieldNames(body);
  if (!Object.hasOwn(fields, 'name')) throw invalid('name', 'required');
  const input: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(FIELD_RULES)) {
    if (Object.hasOwn(fields, name)) input[name] = rule(fields[name], name);
  }
  return input as unknown as ItemInput;
}

/**
 * A PATCH body: a JSON merge patch (RFC 7396) of the client fields. Its shape is checked here (an object,
 * only client fields, `name` not removed, attribute names that fit the pattern); the values are checked on
 * the item the patch produces (applyMergePatch, then parseItemInput), where the limits apply.
 */
export function parseMergePatch(body: unknown): JsonObject {
  const patch = checkFieldNames(body);
  if (Object.keys(patch).length === 0) throw badRequest('ValidationError', 'The patch changes no field.');
  if (patch.name === null) throw invalid('name', 'cannot be removed');
  if (isJsonObject(patch.attributes)) {
    for (const name of Object.keys(patch.attributes)) attributeName(name, 'attributes');
  }
  return patch;
}

/**
 * RFC 7396 section 2: members of the patch replace those of the target, objects merge recursively, and null
 * removes a member. The target is not changed; the result has no prototype.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = Object.create(null);
  if (isJsonObject(target)) for (const key of Object.keys(target)) result[key] = target[key];
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** The body as an object naming only client fields, or the 400 that says what is wrong. */
function checkFieldNames(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw badRequest('ValidationError', 'The body must be a JSON object.');
  const names = Object.keys(body);
  const owned = SERVER_FIELDS.filter((name) => names.includes(name));
  if (owned.length > 0) {
    throw badRequest(
      'ServerOwnedField',
      `${owned.join(', ')} cannot be set by the client: the server sets it.`,
    );
  }
  const unknown = names.filter((name) => !Object.hasOwn(FIELD_RULES, name));
  if (unknown.length > 0) throw invalid('body', `unknown field(s) ${unknown.join(', ')}`);
  return body;
}

/** Ids are the server's UUIDs (v4, lower case); anything else cannot name an item. */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isItemId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function parseItemId(value: string | undefined): string {
  if (value === undefined || !isItemId(value)) {
    throw badRequest('InvalidId', 'The item id must be a UUID as returned by POST /items.');
  }
  return value;
}

export const LIMIT = { min: 1, max: 100, default: 25 } as const;

export function parseLimit(value: string | undefined): number {
  if (value === undefined) return LIMIT.default;
  if (!/^\d{1,3}$/.test(value) || Number(value) < LIMIT.min || Number(value) > LIMIT.max) {
    throw badRequest('InvalidQuery', `limit must be a whole number from ${LIMIT.min} to ${LIMIT.max}.`);
  }
  return Number(value);
}

export function parseStatus(value: string | undefined): ItemStatus {
  if (value === undefined) return 'active';
  const status = ITEM_STATUSES.find((s) => s === value);
  if (!status) throw badRequest('InvalidQuery', `status must be one of ${ITEM_STATUSES.join(', ')}.`);
  return status;
}
