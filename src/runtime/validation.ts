import { badRequest } from './errors.js';

/** Fields only the server sets; a body that names one is refused rather than silently ignored. */
export const SERVER_FIELDS = ['id', 'status', 'createdAt', 'updatedAt', 'version'] as const;

/** Statuses an item can have; new items are `active` (the status is server-owned). */
export const ITEM_STATUSES = ['active'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** An attribute holds one scalar. */
export type AttributeValue = string | number | boolean | null;

/** The fields a client owns: POST and PUT send all of them (missing optional ones are absent). */
export interface ItemInput {
  name: string;
  description?: string;
  tags?: string[];
  attributes?: Record<string, AttributeValue>;
}

/** PATCH is a JSON merge patch (RFC 7396) of the client fields: null removes an optional field. */
export interface ItemPatch {
  name?: string;
  description?: string | null;
  tags?: string[] | null;
  attributes?: Record<string, AttributeValue> | null;
}

/*
 * The body rules. They are written by hand, not with zod: zod/mini alone would take 17-23 KB of the handler's
 * 30 KB bundle budget (docs/runtime.md). test/runtime/body-rules.test.ts holds the same rules written in zod
 * and checks, over generated bodies, that both accept and refuse exactly the same ones.
 */
export const FIELD_LIMITS = {
  name: 200,
  description: 2000,
  tags: 20,
  tag: 50,
  attributes: 50,
  attributeText: 1000,
} as const;

// A lone surrogate cannot be stored as UTF-8: DynamoDB would silently replace it, so refuse it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// DynamoDB numbers span 1e-130..1e126 with 38 digits; keep well inside so a stored number reads back equal.
const NUMBER_RANGE = { min: 1e-100, max: 1e100, text: '0 or within 1e-100..1e100' };
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

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

const attributeText = text(FIELD_LIMITS.attributeText);
const attributeValue: Rule<AttributeValue> = (value, where) => {
  if (typeof value === 'string') return attributeText(value, where);
  if (typeof value === 'number') {
    const size = Math.abs(value);
    if (value !== 0 && !(size >= NUMBER_RANGE.min && size <= NUMBER_RANGE.max)) {
      throw invalid(where, `must be ${NUMBER_RANGE.text}`);
    }
    return value;
  }
  if (typeof value === 'boolean' || value === null) return value;
  throw invalid(where, 'expected a string, a number, a boolean or null');
};
const attributeMap: Rule<Record<string, AttributeValue>> = (value, where) => {
  if (!isObject(value)) throw invalid(where, 'expected an object');
  const entries = Object.entries(value);
  if (entries.length > FIELD_LIMITS.attributes)
    throw invalid(where, `too many (max ${FIELD_LIMITS.attributes})`);
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, each] of entries) {
    // Checked before it becomes a key: the pattern also keeps out __proto__.
    if (!ATTRIBUTE_NAME.test(name)) {
      throw invalid(
        `${where}.${name}`,
        'invalid attribute name (a letter, then up to 63 of A-Z a-z 0-9 _ . : -)',
      );
    }
    attributes[name] = attributeValue(each, `${where}.${name}`);
  }
  return attributes;
};

const FIELD_RULES: { [K in keyof ItemInput]-?: Rule<ItemInput[K]> } = {
  name: text(FIELD_LIMITS.name, true),
  description: text(FIELD_LIMITS.description),
  tags: tagList,
  attributes: attributeMap,
};

export function parseItemInput(body: unknown): ItemInput {
  return parseFields(body, 'replace') as ItemInput;
}

export function parseItemPatch(body: unknown): ItemPatch {
  const patch = parseFields(body, 'merge');
  if (Object.keys(patch).length === 0) throw badRequest('ValidationError', 'The patch changes no field.');
  return patch;
}

/** The client fields of a body, in a new object; `merge` makes every field optional and null a removal. */
function parseFields(body: unknown, mode: 'replace' | 'merge'): ItemPatch {
  if (!isObject(body)) throw badRequest('ValidationError', 'The body must be a JSON object.');
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

  const fields: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(FIELD_RULES)) {
    if (!Object.hasOwn(body, name)) {
      if (name === 'name' && mode === 'replace') throw invalid(name, 'required');
      continue;
    }
    const value = body[name];
    if (value === null && mode === 'merge') {
      if (name === 'name') throw invalid(name, 'cannot be removed');
      fields[name] = null;
    } else {
      fields[name] = rule(value, name);
    }
  }
  return fields;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids are the server's UUIDs (v4, lower case); anything else cannot name an item. */
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

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
