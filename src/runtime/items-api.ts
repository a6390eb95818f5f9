import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { conflict, notFound, preconditionFailed, preconditionRequired } from './errors.js';
import { type Item, type ItemsRepository, STATUS_SHARDS, WriteConflict } from './items-repository.js';
import type { MetadataStore } from './metadata-store.js';
import type { Notifications } from './notifications.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { type ApiRequest, ifMatchVersion, queryValue, readJsonBody } from './request.js';
import { bodyETag, emptyResult, itemETag, jsonResult } from './response.js';
import type { RouteTemplate } from './router.js';
import { parseItemId, parseItemInput, parseItemPatch, parseLimit, parseStatus } from './validation.js';

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

const PATCH_TYPES = ['application/merge-patch+json', 'application/json'];

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
    const cursors = token
      ? decodePageToken(token, status, STATUS_SHARDS).cursors
      : Array(STATUS_SHARDS).fill('start');
    const page = await items.list(status, limit, cursors);
    const more = page.cursors.some((cursor) => cursor !== 'done');
    const body = JSON.stringify({
      items: page.items,
      nextToken: more ? encodePageToken({ status, cursors: page.cursors }) : null,
    });
    return conditionalGet(request, bodyETag(body), body);
  };

  const get: RouteHandler = async (request, { id }) => {
    const item = await items.get(parseItemId(id));
    if (!item) throw notFound('No item with this id.');
    return conditionalGet(request, itemETag(item.version), JSON.stringify(item));
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

  const update =
    (mode: 'replace' | 'merge'): RouteHandler =>
    async (request, context) => {
      const id = parseItemId(context.id);
      const expected = ifMatchVersion(request);
      const changes =
        mode === 'replace'
          ? parseItemInput(readJsonBody(request))
          : parseItemPatch(readJsonBody(request, PATCH_TYPES));
      if (expected === undefined) throw preconditionRequired();
      let item: Item;
      try {
        item = await items.update(id, changes, mode, expected, new Date().toISOString());
      } catch (error) {
        throw writeConflictError(error);
      }
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
    '/items/{id}': { GET: get, PUT: update('replace'), PATCH: update('merge'), DELETE: remove },
  };
  return routes;
}

function writeConflictError(error: unknown): unknown {
  if (!(error instanceof WriteConflict)) return error;
  if (!error.current) return notFound('No item with this id.');
  return preconditionFailed(
    `The item changed: it is now at version ${error.current.version} (ETag ${itemETag(error.current.version)}). Read it again and retry.`,
  );
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
