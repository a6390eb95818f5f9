/**
 * The OpenAPI 3.1 document of the items API, generated from the runtime's own contract: the routes
 * (contract.ts API_ROUTES), the body rules and limits (validation.ts), the media types (request.ts), the
 * pagination (page-token.ts), the caching, ETag and CORS headers (response.ts, contract.ts CORS) and the error
 * answers (errors.ts). The schemas are written once in zod from those constants and turned into JSON Schema
 * 2020-12 (OpenAPI 3.1's dialect) by zod itself. `serverless-infra openapi` prints it; `dev` serves it at
 * /openapi.json.
 *
 * Never imported by the handler (index.ts): zod would not fit its bundle budget (docs/runtime.md). The
 * handler checks bodies by hand; test/runtime/openapi.test.ts checks, over generated bodies, that this
 * document accepts exactly what the handler accepts, and test/dev/openapi.contract.test.ts checks `dev`'s
 * real answers against it.
 */
import * as z from 'zod';
import { API_ROUTES, CORS, WRITE_METHODS } from './contract.js';
import { MAX_JSON_DEPTH } from './json.js';
import { MAX_TOKEN_LENGTH, PAGE_TOKEN_PATTERN } from './page-token.js';
import { BODY_TYPES, MAX_BODY_BYTES } from './request.js';
import { GET_MAX_AGE_SECONDS } from './response.js';
import {
  ATTRIBUTE_NAME,
  FIELD_LIMITS,
  ID_PATTERN,
  ITEM_STATUSES,
  LIMIT,
  NUMBER_LIMITS,
  SERVER_FIELDS,
} from './validation.js';

export interface OpenApiOptions {
  /** info.version: the version of the tool that serves this API. */
  version: string;
  /** The API's base URL (a deployed stage, CloudFront, or `dev`); none: the document has no servers entry. */
  serverUrl?: string;
  serverDescription?: string;
  /** Whether writes need a Cognito ID token (the environment's `auth`: cognito), or anyone may write (none). */
  writeAuth: boolean;
}

export type OpenApiDocument = {
  openapi: string;
  info: Record<string, unknown>;
  servers?: Array<{ url: string; description?: string }>;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
} & Record<string, unknown>;

/** The error codes the handler answers, by HTTP status (errors.ts and its callers). */
export const ERROR_CODES = {
  400: [
    'InvalidJson',
    'InvalidEncoding',
    'MissingBody',
    'ValidationError',
    'ServerOwnedField',
    'InvalidId',
    'InvalidQuery',
    'InvalidNextToken',
    'InvalidIfMatch',
  ],
  401: ['Unauthorized'],
  404: ['NotFound'],
  405: ['MethodNotAllowed'],
  409: ['Conflict'],
  412: ['PreconditionFailed'],
  413: ['PayloadTooLarge'],
  415: ['UnsupportedMediaType'],
  428: ['PreconditionRequired'],
  500: ['InternalError'],
  503: ['ServiceUnavailable'],
} as const satisfies Record<number, readonly string[]>;

// ---- Schemas (zod, from the runtime's constants) ----

/** Descriptions, extra keywords and component ids, kept apart from zod's global registry. */
type Meta = { id?: string; description?: string } & Record<string, unknown>;
const registry = z.registry<Meta>();

/**
 * No lone surrogate (it cannot be stored as UTF-8). Written so that it means the same with and without the
 * regular expression `u` flag: a pair is one code point outside the class, or the second alternative.
 */
const VALID_UNICODE = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
const LENGTH_NOTE =
  'Lengths count UTF-16 code units, as JavaScript does (a character outside the Basic Multilingual Plane, such ' +
  "as an emoji, counts as two); JSON Schema's maxLength counts it as one.";

const text = (max: number, min = 0) => z.string().min(min).max(max).regex(VALID_UNICODE);

function numberRange(sign: 1 | -1) {
  // Parsed from text: 10 ** 126 is 1.0000000000000001e126 in floating point.
  const least = Number(`1e${NUMBER_LIMITS.minExponent}`);
  const bound = Number(`1e${NUMBER_LIMITS.maxExponent + 1}`);
  return sign === 1 ? z.number().gte(least).lt(bound) : z.number().lte(-least).gt(-bound);
}

const AttributeValue = z
  .union([
    text(FIELD_LIMITS.attributeText),
    z.literal(0),
    numberRange(1),
    numberRange(-1),
    z.boolean(),
    z.null(),
  ])
  .register(registry, {
    description:
      `A string of at most ${FIELD_LIMITS.attributeText} characters, a number, a boolean or null. A number is ` +
      `DynamoDB's: 0, or at most ${NUMBER_LIMITS.digits} significant digits with a magnitude from ` +
      `1e${NUMBER_LIMITS.minExponent} up to (not including) 1e${NUMBER_LIMITS.maxExponent + 1}; it is kept with all its digits.`,
  });
const AttributeName = z.string().regex(ATTRIBUTE_NAME);

const clientFields = {
  name: text(FIELD_LIMITS.name, 1),
  description: text(FIELD_LIMITS.description),
  tags: z.array(text(FIELD_LIMITS.tag, 1)).max(FIELD_LIMITS.tags),
  attributes: z.record(AttributeName, AttributeValue).register(registry, {
    maxProperties: FIELD_LIMITS.attributes,
    description: 'Attribute names to values.',
  }),
};

const ItemInput = z
  .strictObject({
    name: clientFields.name,
    description: clientFields.description.optional(),
    tags: clientFields.tags.optional(),
    attributes: clientFields.attributes.optional(),
  })
  .register(registry, {
    id: 'ItemInput',
    description:
      `The fields a client owns, all of them: PUT replaces every one (an absent optional field is removed). ` +
      `The server owns ${SERVER_FIELDS.join(', ')}: naming one is a 400 ServerOwnedField; an unknown field is ` +
      `a 400 ValidationError. ${LENGTH_NOTE}`,
  });

const ItemMergePatch = z
  .strictObject({
    name: clientFields.name.optional(),
    description: clientFields.description.nullable().optional(),
    tags: clientFields.tags.nullable().optional(),
    attributes: z.record(AttributeName, AttributeValue).nullable().optional().register(registry, {
      description: 'Merged name by name into the attributes; null removes one (or, for the whole map, all).',
    }),
  })
  .register(registry, {
    id: 'ItemMergePatch',
    minProperties: 1,
    description:
      "A JSON merge patch (RFC 7396) of the client fields: a member replaces the item's, null removes it " +
      '(name cannot be removed), objects merge member by member, arrays are replaced whole. The limits of ' +
      `ItemInput apply to the item the patch produces (at most ${FIELD_LIMITS.attributes} attributes after the merge).`,
  });

const Timestamp = z.iso.datetime({ precision: 3 });
const Item = z
  .strictObject({
    id: z
      .string()
      .regex(ID_PATTERN)
      .register(registry, { format: 'uuid', description: 'A UUID v4, set by the server.' }),
    status: z.enum(ITEM_STATUSES),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    version: z
      .int()
      .min(1)
      .register(registry, { description: 'Bumped by every update; the ETag is this number in quotes.' }),
    ...ItemInput.shape,
  })
  .register(registry, { id: 'Item' });

const ItemPage = z
  .strictObject({
    items: z.array(Item).max(LIMIT.max).register(registry, { description: 'Newest first.' }),
    nextToken: z.string().nullable().register(registry, {
      description: 'Pass it as nextToken for the next page; null when the listing is complete.',
    }),
  })
  .register(registry, { id: 'ItemPage' });

const errorObject = (codes: readonly [string, ...string[]], requestId: boolean) =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(codes),
      message: z.string(),
      ...(requestId
        ? {
            requestId: z.string().register(registry, { description: 'Quote it when reporting the problem.' }),
          }
        : {}),
    }),
  });

// Every error body in one component, for clients; each response below names the codes of its status.
errorObject(Object.values(ERROR_CODES).flat() as [string, ...string[]], false).register(registry, {
  id: 'Error',
  description: 'Every error the function answers; 500 and 503 also carry the request id.',
});
const GatewayError = z.strictObject({ message: z.string() }).register(registry, {
  id: 'GatewayError',
  description: 'An answer API Gateway gives by itself, before the function.',
});

/** JSON Schema 2020-12 of a zod schema that uses no component (an inline schema of a header, a parameter). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    metadata: registry,
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  if ('$defs' in rest) throw new TypeError('An inline schema must not use a component: use schemaRef().');
  return rest;
}

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(registry, {
    metadata: registry,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'throw',
  }) as { schemas: Record<string, Record<string, unknown>> };
  const out: Record<string, unknown> = {};
  for (const [id, { $schema: _s, $id: _i, id: _id, ...schema }] of Object.entries(schemas)) out[id] = schema;
  return out;
}

// ---- Headers, parameters, responses ----

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const header = (description: string, schema: z.ZodType, required = true) => ({
  description,
  required,
  schema: jsonSchema(schema),
});
const CACHEABLE = `public, max-age=${GET_MAX_AGE_SECONDS}`;

function headers() {
  return {
    RequestId: header('The request id (also in the logs).', z.string().min(1)),
    AllowOrigin: header('CORS: who may read the answer.', z.string().min(1)),
    ExposeHeaders: header(
      'CORS: the headers a browser script may read.',
      z.literal(CORS.exposeHeaders.join(', ')),
    ),
    CacheControlCacheable: header(
      'GET answers may be cached for a few seconds (CloudFront and browsers).',
      z.literal(CACHEABLE),
    ),
    NoStore: header('Not cacheable.', z.literal('no-store')),
    ItemETag: header("The item's version in quotes: send it back as If-Match.", z.string().regex(/^"\d+"$/)),
    PageETag: header(
      'A digest of the page (weak): send it back as If-None-Match.',
      z.string().regex(/^W\/"[A-Za-z0-9_-]+"$/),
    ),
    Location: header(
      'Where the new item is, relative to the API root.',
      z.string().regex(/^items\/[0-9a-f-]{36}$/),
    ),
    RetryAfter: header('Seconds to wait before retrying.', z.string().regex(/^\d+$/)),
    Allow: header('The methods this path takes.', z.string().min(1)),
    WwwAuthenticate: header("Bearer, on the function's own 401.", z.literal('Bearer'), false),
  };
}

/** Headers of every answer of the function (response.ts withCommonHeaders), cacheable or not. */
const functionHeaders = (cacheable: boolean) => ({
  'X-Request-Id': ref('headers', 'RequestId'),
  'Access-Control-Allow-Origin': ref('headers', 'AllowOrigin'),
  'Access-Control-Expose-Headers': ref('headers', 'ExposeHeaders'),
  'Cache-Control': ref('headers', cacheable ? 'CacheControlCacheable' : 'NoStore'),
});
const json = (schema: unknown) => ({ 'application/json': { schema } });
/** A $ref to a component schema (one registered with an id). */
const schemaRef = (schema: z.ZodType) => {
  const id = registry.get(schema)?.id;
  if (!id) throw new TypeError('Not a component schema.');
  return ref('schemas', id);
};

function errorResponse(
  status: keyof typeof ERROR_CODES,
  description: string,
  extraHeaders: Record<string, unknown> = {},
) {
  return {
    description,
    headers: { ...functionHeaders(false), ...extraHeaders },
    content: json(jsonSchema(errorObject(ERROR_CODES[status], status >= 500))),
  };
}

/** Answers either API Gateway (a gateway response) or the function may give: only CORS is common to both. */
function gatewayOrFunction(status: 401 | 413, description: string, extraHeaders: Record<string, unknown>) {
  return {
    description,
    headers: { 'Access-Control-Allow-Origin': ref('headers', 'AllowOrigin'), ...extraHeaders },
    content: json({
      anyOf: [schemaRef(GatewayError), jsonSchema(errorObject(ERROR_CODES[status], false))],
    }),
  };
}

function responses() {
  return {
    BadRequest: errorResponse(
      400,
      `Bad input: ${ERROR_CODES[400].join(', ')} (the message names the field and the problem).`,
    ),
    Unauthorized: gatewayOrFunction(
      401,
      'A write without a valid token: API Gateway\'s Cognito authorizer answers {"message":"Unauthorized"} ' +
        '(or "The incoming token has expired"); the function refuses a write that reached it without an identity.',
      { 'WWW-Authenticate': ref('headers', 'WwwAuthenticate') },
    ),
    NotFound: errorResponse(404, 'No item with this id.'),
    PreconditionFailed: errorResponse(
      412,
      'If-Match names a version that is no longer current: read the item again (the message names its version).',
    ),
    PayloadTooLarge: gatewayOrFunction(
      413,
      `The body is over ${MAX_BODY_BYTES} bytes (PayloadTooLarge), or over API Gateway's 10 MB (gateway answer ` +
        '{"message":"Request Too Long"}).',
      {},
    ),
    UnsupportedMediaType: errorResponse(
      415,
      'A Content-Type the method does not take, a charset other than UTF-8, or a Content-Encoding.',
    ),
    PreconditionRequired: errorResponse(
      428,
      'If-Match is missing: send the ETag of the item you read (or *), so that no change is overwritten.',
    ),
    TooManyRequests: {
      description:
        "The stage's throttling (the environment's rate and burst limits: docs/scale.md), answered by API " +
        'Gateway before the function: {"message":"Too Many Requests"}.',
      headers: { 'Access-Control-Allow-Origin': ref('headers', 'AllowOrigin') },
      content: json(schemaRef(GatewayError)),
    },
    InternalError: errorResponse(500, 'Something went wrong on the server; the body carries the request id.'),
    ServiceUnavailable: errorResponse(503, 'A store is throttling: retry after Retry-After seconds.', {
      'Retry-After': ref('headers', 'RetryAfter'),
    }),
  };
}

const asParameter = (
  name: string,
  where: 'path' | 'query' | 'header',
  schema: z.ZodType,
  description: string,
  required = false,
) => ({ name, in: where, required, description, schema: jsonSchema(schema, 'input') });

function parameters() {
  return {
    ItemId: asParameter(
      'id',
      'path',
      z.string().regex(ID_PATTERN).register(registry, { format: 'uuid' }),
      'The id POST /items returned (a UUID v4, lower case); anything else is a 400 InvalidId.',
      true,
    ),
    Limit: asParameter(
      'limit',
      'query',
      z.int().min(LIMIT.min).max(LIMIT.max).default(LIMIT.default),
      'Items per page.',
    ),
    NextToken: asParameter(
      'nextToken',
      'query',
      z.string().min(1).max(MAX_TOKEN_LENGTH).regex(PAGE_TOKEN_PATTERN),
      'The nextToken of the previous page (opaque; an empty or altered one is a 400 InvalidNextToken).',
    ),
    Status: asParameter(
      'status',
      'query',
      z.enum(ITEM_STATUSES).default(ITEM_STATUSES[0]),
      'List the items of this status.',
    ),
    IfMatch: asParameter(
      'If-Match',
      'header',
      z.string().regex(/^(?:\*|(?:W\/)?"\d{1,15}")$/),
      'The ETag of the item as read ("3" or W/"3"), or * for whatever version exists. Without it: 428; a ' +
        'stale one: 412.',
      true,
    ),
    IfMatchOptional: asParameter(
      'If-Match',
      'header',
      z.string().regex(/^(?:\*|(?:W\/)?"\d{1,15}")$/),
      'Delete only this version (412 when stale).',
    ),
    IfNoneMatch: asParameter(
      'If-None-Match',
      'header',
      z.string().min(1),
      'An ETag you have: 304 without a body when it is still current.',
    ),
  };
}

// ---- Operations ----

type Operation = Record<string, unknown>;

const notModified = (etag: string) => ({
  description: 'Not modified: your copy (If-None-Match) is current.',
  headers: { ...functionHeaders(true), ETag: ref('headers', etag) },
});

const OPERATIONS: Record<(typeof API_ROUTES)[number]['path'], Record<string, Operation>> = {
  '/items': {
    GET: {
      operationId: 'listItems',
      summary: 'List items, newest first, a page at a time',
      description:
        'A paginated listing (never a scan). Follow nextToken until it is null; a page may rarely come back ' +
        'empty with a nextToken.',
      parameters: ['Limit', 'NextToken', 'Status', 'IfNoneMatch'].map((p) => ref('parameters', p)),
      responses: {
        200: {
          description: 'A page of items.',
          headers: { ...functionHeaders(true), ETag: ref('headers', 'PageETag') },
          content: json(schemaRef(ItemPage)),
        },
        304: notModified('PageETag'),
        400: ref('responses', 'BadRequest'),
      },
    },
    POST: {
      operationId: 'createItem',
      summary: 'Create an item',
      requestBody: {
        required: true,
        description: `At most ${MAX_BODY_BYTES} bytes, nested at most ${MAX_JSON_DEPTH} levels.`,
        content: Object.fromEntries(BODY_TYPES.json.map((type) => [type, { schema: schemaRef(ItemInput) }])),
      },
      responses: {
        201: {
          description: 'Created.',
          headers: {
            ...functionHeaders(false),
            ETag: ref('headers', 'ItemETag'),
            Location: ref('headers', 'Location'),
          },
          content: json(schemaRef(Item)),
        },
        400: ref('responses', 'BadRequest'),
        409: errorResponse(409, 'An item with the generated id already exists (practically never): retry.'),
        413: ref('responses', 'PayloadTooLarge'),
        415: ref('responses', 'UnsupportedMediaType'),
      },
    },
  },
  '/items/{id}': {
    GET: {
      operationId: 'getItem',
      summary: 'Read an item',
      parameters: [ref('parameters', 'IfNoneMatch')],
      responses: {
        200: {
          description: 'The item; its ETag is its version.',
          headers: { ...functionHeaders(true), ETag: ref('headers', 'ItemETag') },
          content: json(schemaRef(Item)),
        },
        304: notModified('ItemETag'),
        400: ref('responses', 'BadRequest'),
        404: ref('responses', 'NotFound'),
      },
    },
    PUT: {
      operationId: 'replaceItem',
      summary: 'Replace the client fields of an item',
      parameters: [ref('parameters', 'IfMatch')],
      requestBody: {
        required: true,
        description: `At most ${MAX_BODY_BYTES} bytes. Every client field is replaced; an absent optional one is removed.`,
        content: Object.fromEntries(BODY_TYPES.json.map((type) => [type, { schema: schemaRef(ItemInput) }])),
      },
      responses: updateResponses(false),
    },
    PATCH: {
      operationId: 'patchItem',
      summary: 'Change some fields of an item (JSON merge patch, RFC 7396)',
      parameters: [ref('parameters', 'IfMatch')],
      requestBody: {
        required: true,
        description: `At most ${MAX_BODY_BYTES} bytes. application/json is taken as the same merge patch.`,
        content: Object.fromEntries(
          BODY_TYPES.mergePatch.map((type) => [type, { schema: schemaRef(ItemMergePatch) }]),
        ),
      },
      responses: updateResponses(true),
    },
    DELETE: {
      operationId: 'deleteItem',
      summary: 'Delete an item',
      parameters: [ref('parameters', 'IfMatchOptional')],
      responses: {
        204: { description: 'Deleted.', headers: functionHeaders(false) },
        400: ref('responses', 'BadRequest'),
        404: ref('responses', 'NotFound'),
        412: ref('responses', 'PreconditionFailed'),
      },
    },
  },
};

function updateResponses(patch: boolean) {
  return {
    200: {
      description: 'The item as updated, at its new version.',
      headers: { ...functionHeaders(false), ETag: ref('headers', 'ItemETag') },
      content: json(schemaRef(Item)),
    },
    400: ref('responses', 'BadRequest'),
    404: ref('responses', 'NotFound'),
    ...(patch
      ? {
          409: errorResponse(
            409,
            'With If-Match: *, the item kept changing between the read and the write (three times): retry.',
          ),
        }
      : {}),
    412: ref('responses', 'PreconditionFailed'),
    413: ref('responses', 'PayloadTooLarge'),
    415: ref('responses', 'UnsupportedMediaType'),
    428: ref('responses', 'PreconditionRequired'),
  };
}

function preflight(operationId: string, methods: readonly string[]): Operation {
  return {
    operationId,
    summary: 'CORS preflight',
    description: `Answered without authorization. Allowed methods here: ${[...methods, 'OPTIONS'].join(', ')}.`,
    responses: {
      204: {
        description: 'The CORS configuration.',
        headers: {
          'Access-Control-Allow-Origin': ref('headers', 'AllowOrigin'),
          'Access-Control-Allow-Methods': header('Methods a browser may use.', z.string().min(1)),
          'Access-Control-Allow-Headers': header('Request headers a browser may send.', z.string().min(1)),
          'Access-Control-Max-Age': header(
            'Seconds a browser may keep this answer.',
            z.literal(String(CORS.maxAgeSeconds)),
          ),
        },
      },
    },
  };
}

/** The document. Pure: the same options give the same document. */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const item: Record<string, unknown> = {};
    if (route.path.includes('{id}')) item.parameters = [ref('parameters', 'ItemId')];
    for (const method of route.methods) {
      const operation: Operation = { ...OPERATIONS[route.path][method] };
      const write = WRITE_METHODS.has(method);
      if (write && options.writeAuth) {
        operation.security = [{ cognito: [] }];
        operation.responses = { ...(operation.responses as object), 401: ref('responses', 'Unauthorized') };
      }
      operation.responses = {
        ...(operation.responses as object),
        429: ref('responses', 'TooManyRequests'),
        500: ref('responses', 'InternalError'),
        503: ref('responses', 'ServiceUnavailable'),
      };
      item[method.toLowerCase()] = operation;
    }
    item.options = preflight(route.path === '/items' ? 'itemsPreflight' : 'itemPreflight', route.methods);
    paths[route.path] = item;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Items API',
      version: options.version,
      description:
        'The items API that serverless-infra deploys (API Gateway REST, Lambda, DynamoDB). Reads are public and ' +
        `cacheable for ${GET_MAX_AGE_SECONDS} s; ` +
        (options.writeAuth
          ? 'writes need a Cognito ID token (`serverless-infra token`). '
          : 'writes are open to anyone (auth: none). ') +
        'Every write is conditional: send If-Match with the ETag you read. Every error is a JSON body; a path or ' +
        'method outside this document gets API Gateway\'s 403 {"message":"Missing Authentication Token"}.',
    },
    ...(options.serverUrl
      ? {
          servers: [
            {
              url: options.serverUrl,
              ...(options.serverDescription ? { description: options.serverDescription } : {}),
            },
          ],
        }
      : {}),
    paths,
    components: {
      schemas: componentSchemas(),
      responses: responses(),
      parameters: parameters(),
      headers: headers(),
      ...(options.writeAuth
        ? {
            securitySchemes: {
              cognito: {
                type: 'http',
                scheme: 'bearer',
                bearerFormat: 'JWT',
                description:
                  "The ID token of a user of the stack's Cognito user pool: `serverless-infra token` (or " +
                  "`token --dev` for `serverless-infra dev`). Checked by API Gateway's Cognito authorizer.",
              },
            },
          }
        : {}),
    },
  };
}
