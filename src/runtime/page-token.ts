import { badRequest } from './errors.js';
import { ITEM_STATUSES, type ItemStatus, isItemId } from './validation.js';

/**
 * Where a listing stopped, per shard of the status index: not started, exhausted, or after the item
 * (createdAt, id). The client sees an opaque base64url string; a token that does not decode to exactly this
 * shape (or was issued for another status) is a 400.
 */
export type ShardCursor = 'start' | 'done' | { createdAt: string; id: string };

export interface PageToken {
  status: ItemStatus;
  cursors: ShardCursor[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longer than any token this API issues (4 shards of a timestamp and a UUID); anything longer is refused. */
export const MAX_TOKEN_LENGTH = 2048;
export const PAGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A timestamp as the server writes them (toISOString): the right shape and a real instant (no month 99). */
function isTimestamp(value: string): boolean {
  if (!ISO_TIME.test(value)) return false;
  const time = new Date(value);
  return !Number.isNaN(time.getTime()) && time.toISOString() === value;
}

export function encodePageToken(token: PageToken): string {
  const c = token.cursors.map((cursor) =>
    cursor === 'start' ? null : cursor === 'done' ? 0 : [cursor.createdAt, cursor.id],
  );
  return Buffer.from(JSON.stringify({ v: 1, s: token.status, c })).toString('base64url');
}

export function decodePageToken(value: string, status: ItemStatus, shards: number): PageToken {
  const invalid = () =>
    badRequest('InvalidNextToken', 'nextToken is not a token this API returned; start again without it.');
  if (value.length > MAX_TOKEN_LENGTH || !PAGE_TOKEN_PATTERN.test(value)) throw invalid();
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isWire(wire) || wire.c.length !== shards) throw invalid();
  if (wire.s !== status) {
    throw badRequest('InvalidNextToken', 'nextToken belongs to a listing of another status.');
  }
  return {
    status,
    cursors: wire.c.map((c) => (c === null ? 'start' : c === 0 ? 'done' : { createdAt: c[0], id: c[1] })),
  };
}

interface Wire {
  v: 1;
  s: string;
  c: Array<null | 0 | [string, string]>;
}

function isWire(value: unknown): value is Wire {
  const wire = value as Wire;
  return (
    typeof wire === 'object' &&
    wire !== null &&
    Object.keys(wire).length === 3 &&
    wire.v === 1 &&
    (ITEM_STATUSES as readonly unknown[]).includes(wire.s) &&
    Array.isArray(wire.c) &&
    wire.c.every(
      (c) =>
        c === null ||
        c === 0 ||
        (Array.isArray(c) &&
          c.length === 2 &&
          typeof c[0] === 'string' &&
          isTimestamp(c[0]) &&
          typeof c[1] === 'string' &&
          isItemId(c[1])),
    )
  );
}
