import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { canonicalNumber, Decimal } from './json.js';
import type { ShardCursor } from './page-token.js';
import type { Attributes, AttributeValue, ItemInput, ItemStatus } from './validation.js';

export interface Item extends ItemInput {
  id: string;
  status: ItemStatus;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * The status index is written in STATUS_SHARDS shards (`active#0` … `active#3`, chosen from the id) so that
 * no single index partition takes every write and every list read; a listing merges the shards newest-first.
 * See docs/runtime.md.
 */
export const STATUS_SHARDS = 4;

const OPTIONAL_FIELDS = ['description', 'tags', 'attributes'] as const;

/** A write was refused by its condition: the item is absent (`item` undefined) or at another version. */
export class WriteConflict extends Error {
  constructor(readonly current: Item | undefined) {
    super(current ? `item is at version ${current.version}` : 'item does not exist');
    this.name = 'WriteConflict';
  }
}

export interface ItemsPage {
  items: Item[];
  cursors: ShardCursor[];
}

export class ItemsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly statusIndex: string,
  ) {}

  async get(id: string): Promise<Item | undefined> {
    const { Item: stored } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return stored ? fromStored(stored) : undefined;
  }

  /** Never overwrites: the put is conditional on the id being new. */
  async create(item: Item): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toStored(item),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new WriteConflict(await this.get(item.id));
      throw error;
    }
  }

  /**
   * Replaces the client fields (absent optional ones are removed) if the item exists and, unless
   * `expectedVersion` is '*', is at that version. A PATCH arrives here as the whole merged item.
   */
  async update(id: string, input: ItemInput, expectedVersion: number | '*', now: string): Promise<Item> {
    const names: Record<string, string> = {
      '#version': 'version',
      '#updatedAt': 'updatedAt',
      '#name': 'name',
    };
    const values: Record<string, unknown> = { ':one': 1, ':now': now, ':name': input.name };
    const set = ['#version = #version + :one', '#updatedAt = :now', '#name = :name'];
    const remove: string[] = [];
    const stored = toStoredFields(input);
    for (const field of OPTIONAL_FIELDS) {
      names[`#${field}`] = field;
      if (stored[field] === undefined) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = stored[field];
      }
    }
    let condition = 'attribute_exists(id)';
    if (expectedVersion !== '*') {
      condition += ' AND #version = :expected';
      values[':expected'] = expectedVersion;
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromStored(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) throw new WriteConflict(await this.get(id));
      throw error;
    }
  }

  async delete(id: string, expectedVersion: number | '*'): Promise<Item> {
    const versioned = expectedVersion !== '*';
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id },
          ConditionExpression: versioned
            ? 'attribute_exists(id) AND #version = :expected'
            : 'attribute_exists(id)',
          ...(versioned
            ? {
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }
            : {}),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return fromStored(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) throw new WriteConflict(await this.get(id));
      throw error;
    }
  }

  /**
   * One page of a status, newest first: each unfinished shard is queried (in parallel) for up to `limit`
   * items after its cursor, and the results are merged. A shard's cursor only moves past items that made it
   * into the page, so nothing is skipped or repeated between pages.
   */
  async list(status: ItemStatus, limit: number, cursors: ShardCursor[]): Promise<ItemsPage> {
    const shards = await Promise.all(
      cursors.map(async (cursor, shard) =>
        cursor === 'done' ? { items: [], more: false } : this.queryShard(status, shard, limit, cursor),
      ),
    );
    const taken = shards.map(() => 0);
    const next = [...cursors];
    const items: Item[] = [];
    while (items.length < limit) {
      let best = -1;
      for (let shard = 0; shard < shards.length; shard++) {
        const head = shards[shard]!.items[taken[shard]!];
        if (!head) {
          // A shard with more to read but nothing buffered could hold the next-newest item: stop here.
          if (shards[shard]!.more) {
            best = -1;
            break;
          }
          continue;
        }
        if (best < 0 || head.createdAt > shards[best]!.items[taken[best]!]!.createdAt) best = shard;
      }
      if (best < 0) break;
      const item = shards[best]!.items[taken[best]!]!;
      taken[best]!++;
      items.push(item);
      next[best] = { createdAt: item.createdAt, id: item.id };
    }
    return {
      items,
      cursors: next.map((cursor, shard) => {
        const page = shards[shard]!;
        return cursor === 'done' || (taken[shard] === page.items.length && !page.more) ? 'done' : cursor;
      }),
    };
  }

  private async queryShard(
    status: ItemStatus,
    shard: number,
    limit: number,
    cursor: ShardCursor,
  ): Promise<{ items: Item[]; more: boolean }> {
    const key = `${status}#${shard}`;
    const { Items, LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: this.statusIndex,
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': key },
        ScanIndexForward: false,
        Limit: limit,
        ...(typeof cursor === 'object'
          ? { ExclusiveStartKey: { id: cursor.id, status: key, createdAt: cursor.createdAt } }
          : {}),
      }),
    );
    return { items: (Items ?? []).map(fromStored), more: LastEvaluatedKey !== undefined };
  }
}

function shardOf(id: string): number {
  return Number.parseInt(id.slice(0, 2), 16) % STATUS_SHARDS;
}

function toStored(item: Item): Record<string, unknown> {
  return { ...item, ...toStoredFields(item), status: `${item.status}#${shardOf(item.id)}` };
}

/**
 * The client fields as the document client must get them. Attributes go as a Map: the client marshals a
 * plain object only if its `constructor` is Object, so an attribute named `constructor` would break it; and
 * numbers go as NumberValue, which carries all 38 digits (a JavaScript number carries about 16).
 */
function toStoredFields(input: ItemInput): Record<(typeof OPTIONAL_FIELDS)[number], unknown> {
  const attributes = input.attributes;
  return {
    description: input.description,
    tags: input.tags,
    attributes:
      attributes &&
      new Map(
        Object.keys(attributes).map((name) => {
          const value = attributes[name];
          return [name, value instanceof Decimal ? NumberValue.from(value.text) : value];
        }),
      ),
  };
}

/** An item as read with `wrapNumbers` (every number a NumberValue). */
function fromStored(stored: Record<string, unknown>): Item {
  const { id, status, createdAt, updatedAt, version, name, description, tags, attributes } = stored as Omit<
    Item,
    'version' | 'attributes'
  > & { version: NumberValue; attributes?: Record<string, unknown> };
  // A stable field order, whatever order the store returns attributes in.
  const item: Item = {
    id,
    status: status.split('#')[0] as ItemStatus,
    createdAt,
    updatedAt,
    version: Number(String(version)),
    name,
  };
  if (description !== undefined) item.description = description;
  if (tags !== undefined) item.tags = tags;
  if (attributes !== undefined) item.attributes = fromStoredAttributes(attributes);
  return item;
}

function fromStoredAttributes(stored: Record<string, unknown>): Attributes {
  const attributes: Attributes = Object.create(null);
  for (const [name, value] of Object.entries(stored)) {
    attributes[name] =
      value instanceof NumberValue
        ? new Decimal(canonicalNumber(value.toString()))
        : (value as AttributeValue);
  }
  return attributes;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
