import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { conflict, notFound, preconditionFailed, preconditionRequired } from './errors.js';
import { type Item, type ItemsRepository, STATUS_SHARDS, WriteConflict } from './items-repository.js';
import { stringifyJson } from './json.js';
import type { MetadataStore } from './metadata-store.js';
import type { Notifications } from './notifications.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { type ApiRequest, BODY_TYPES, ifMatchVersion, queryValue, readJsonBody } from './request.js';
import { bodyETag, emptyResult, itemETag, jsonResult } from './response.js';
import type { RouteTemplate } from './router.js';
import {
  applyMergePatch,
  type ItemInput,
  parseItemId,
  parseItemInput,
  parseLimit,
  parseMergePatch,
  parseStatus,
} from './validation.js';

export interface ItemsApiDeps {
  items: ItemsRepository;
  metadata: MetadataStore;
  notifications: Notifications;
}

/** What a route handler may use besides the request. */
export interface RouteContext {
  id: string | undefined;
  /** Side effects after a committed write (metadata, notification) do not fail the request: report them. */
  sideEffectFailed(what: string, error: unknown): Promise<void>;
}

export type RouteHandler = (request: ApiRequest, context: RouteContext) => Promise<APIGatewayProxyResult>;

/** With `If-Match: *`, a PATCH that loses a race to another write reads the item again, this many times. */
const PATCH_ATTEMPTS = 3;

export function createItemsApi({ items, metadata, notifications }: ItemsApiDeps) {
  const afterWrite = async (context: RouteContext, effects: Record<string, () => Promise<unknown>>) => {
    await Promise.all(
      Object.entries(effects).map(([what, run]) =>
        run().catch((error) => context.sideEffectFailed(what, error)),
      ),
    );
  };

  const list: RouteHandler = async (request) => {
    const status = parseStatus(queryValue(request, 'status'));
    const limit = parseLimit(queryValue(request, 'limit'));
    const token = queryValue(request, 'nextToken');
    // An empty nextToken is not "no token": it is not a token this API returned (400).
    const cursors =
      token !== undefined
        ? decodePageToken(token, status, STATUS_SHARDS).cursors
        : Array(STATUS_SHARDS).fill('start');
    const page = await items.list(status, limit, cursors);
    const more = page.cursors.some((cursor) => cursor !== 'done');
    const body = stringifyJson({
      items: page.items,
      nextToken: more ? encodePageToken({ status, cursors: page.cursors }) : null,
    });
    return conditionalGet(request, bodyETag(body), body);
  };

  const get: RouteHandler = async (request, { id }) => {
    const item = await items.get(parseItemId(id));
    if (!item) throw notFound('No item with this id.');
    return conditionalGet(request, itemETag(item.version), stringifyJson(item));
  };

  const create: RouteHandler = async (request, context) => {
    const input = parseItemInput(readJsonBody(request));
    const now = new Date().toISOString();
    const item: Item = {
      id: randomUUID(),
      status: 'active',
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...input,
    };
    try {
      await items.create(item);
    } catch (error) {
      if (error instanceof WriteConflict) throw conflict('An item with this id already exists; retry.');
      throw error;
    }
    await afterWrite(context, {
      metadata: () => metadata.put(item),
      notification: () => notifications.itemCreated(item),
    });
    return jsonResult(201, item, { Location: `items/${item.id}`, ETag: itemETag(item.version) });
  };

  /** PUT: the body replaces every client field of the item at the version If-Match names. */
  const replace: RouteHandler = async (request, context) => {
    const id = parseItemId(context.id);
    const expected = ifMatchVersion(request);
    const input = parseItemInput(readJsonBody(request));
    if (expected === undefined) throw preconditionRequired();
    return saveUpdate(context, () =>
      items.update(id, input, expected, new Date().toISOString()).catch((error) => {
        throw writeConflictError(error);
      }),
    );
  };

  /**
   * PATCH: the body is merged into the item (RFC 7396: nested objects merge, null removes), and the result
   * must be a valid item. The merge needs the item, so it is read first and written back on condition that
   * it is still at the version read; If-Match decides which version that may be.
   */
  const patch: RouteHandler = async (request, context) => {
    const id = parseItemId(context.id);
    const expected = ifMatchVersion(request);
    const document = parseMergePatch(readJsonBody(request, BODY_TYPES.mergePatch));
    if (expected === undefined) throw preconditionRequired();
    return saveUpdate(context, async () => {
      for (let attempt = 1; ; attempt++) {
        const current = await items.get(id);
        if (!current) throw notFound('No item with this id.');
        if (expected !== '*' && current.version !== expected) throw staleVersion(current.version);
        const merged = parseItemInput(applyMergePatch(clientFields(current), document));
        try {
          return await items.update(id, merged, current.version, new Date().toISOString());
        } catch (error) {
          // Changed between the read and the write: a named version is now stale; `*` tries again.
          if (!(error instanceof WriteConflict) || expected !== '*') throw writeConflictError(error);
          if (attempt >= PATCH_ATTEMPTS)
            throw conflict('The item kept changing while it was patched; retry.');
        }
      }
    });
  };

  const saveUpdate = async (context: RouteContext, write: () => Promise<Item>) => {
    const item = await write();
    await afterWrite(context, { metadata: () => metadata.put(item) });
    return jsonResult(200, item, { ETag: itemETag(item.version) });
  };

  const remove: RouteHandler = async (request, context) => {
    const id = parseItemId(context.id);
    const expected = ifMatchVersion(request) ?? '*';
    try {
      await items.delete(id, expected);
    } catch (error) {
      throw writeConflictError(error);
    }
    await afterWrite(context, { metadata: () => metadata.delete(id) });
    return emptyResult(204);
  };

  const routes: Record<RouteTemplate, Record<string, RouteHandler>> = {
    '/items': { GET: list, POST: create },
    '/items/{id}': { GET: get, PUT: replace, PATCH: patch, DELETE: remove },
  };
  return routes;
}

function writeConflictError(error: unknown): unknown {
  if (!(error instanceof WriteConflict)) return error;
  if (!error.current) return notFound('No item with this id.');
  return staleVersion(error.current.version);
}

function staleVersion(current: number) {
  return preconditionFailed(
    `The item changed: it is now at version ${current} (ETag ${itemETag(current)}). Read it again and retry.`,
  );
}

/** The fields a client owns, as the document a merge patch applies to. */
function clientFields(item: Item): ItemInput {
  const fields: ItemInput = Object.create(null);
  fields.name = item.name;
  if (item.description !== undefined) fields.description = item.description;
  if (item.tags !== undefined) fields.tags = item.tags;
  if (item.attributes !== undefined) fields.attributes = item.attributes;
  return fields;
}

/** 304 when the client already has this representation (If-None-Match), else 200 with the ETag. */
function conditionalGet(request: ApiRequest, etag: string, body: string): APIGatewayProxyResult {
  const known = request.headers.get('if-none-match');
  const matches = known?.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag.replace(/^W\//, '');
  });
  if (matches) return emptyResult(304, { ETag: etag });
  return { statusCode: 200, headers: { ETag: etag }, body };
}
