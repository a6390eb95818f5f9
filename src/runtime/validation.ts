import * as z from 'zod/mini';
import { badRequest } from './errors.js';

/** Fields only the server sets; a body that names one is refused rather than silently ignored. */
export const SERVER_FIELDS = ['id', 'status', 'createdAt', 'updatedAt', 'version'] as const;

/** Statuses an item can have; new items are `active` (the status is server-owned). */
export const ITEM_STATUSES = ['active'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

// A lone surrogate cannot be stored as UTF-8: DynamoDB would silently replace it, so refuse it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (max: number, min = 0) =>
  z.string().check(
    z.minLength(min),
    z.maxLength(max),
    z.refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text'),
  );
// DynamoDB numbers span 1e-130..1e126 with 38 digits; keep well inside so a stored number reads back equal.
const number = z
  .number()
  .check(
    z.refine(
      (n) => n === 0 || (Math.abs(n) >= 1e-100 && Math.abs(n) <= 1e100),
      'must be 0 or within 1e-100..1e100',
    ),
  );
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

const fields = {
  name: text(200, 1),
  description: text(2000),
  tags: z.array(text(50, 1)).check(z.maxLength(20)),
  attributes: z
    .record(z.string().check(z.regex(ATTRIBUTE_NAME)), z.union([text(1000), number, z.boolean(), z.null()]))
    .check(z.refine((o) => Object.keys(o).length <= 50, 'at most 50 attributes')),
};

/** The fields a client owns: POST and PUT send all of them (missing optional ones are absent). */
const itemInputSchema = z.strictObject({
  name: fields.name,
  description: z.optional(fields.description),
  tags: z.optional(fields.tags),
  attributes: z.optional(fields.attributes),
});
export type ItemInput = z.infer<typeof itemInputSchema>;

/** PATCH is a JSON merge patch (RFC 7396) of the client fields: null removes an optional field. */
const itemPatchSchema = z.strictObject({
  name: z.optional(fields.name),
  description: z.optional(z.nullable(fields.description)),
  tags: z.optional(z.nullable(fields.tags)),
  attributes: z.optional(z.nullable(fields.attributes)),
});
export type ItemPatch = z.infer<typeof itemPatchSchema>;

export function parseItemInput(body: unknown): ItemInput {
  return parseFields(itemInputSchema, body);
}

export function parseItemPatch(body: unknown): ItemPatch {
  const patch = parseFields(itemPatchSchema, body);
  if (Object.keys(patch).length === 0) throw badRequest('ValidationError', 'The patch changes no field.');
  return patch;
}

function parseFields<T>(schema: z.ZodMiniType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('ValidationError', 'The body must be a JSON object.');
  }
  const owned = SERVER_FIELDS.filter((name) => Object.hasOwn(body, name));
  if (owned.length > 0) {
    throw badRequest(
      'ServerOwnedField',
      `${owned.join(', ')} cannot be set by the client: the server sets it.`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw badRequest('ValidationError', `${where}: ${describeIssue(issue)}`);
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'custom') return issue.message;
  if (issue.code === 'too_big') return `too long or too large (max ${String(issue.maximum)})`;
  if (issue.code === 'too_small') return `too short or too small (min ${String(issue.minimum)})`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_format') return `invalid format`;
  if (issue.code === 'invalid_key')
    return 'invalid attribute name (a letter, then up to 63 of A-Z a-z 0-9 _ . : -)';
  return 'invalid value';
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
