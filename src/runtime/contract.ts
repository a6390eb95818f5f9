/**
 * What the stack (src/synth) and the handler (src/runtime) must agree on. The CLI may import this file;
 * the handler must never import CLI code.
 */

/** Environment variables the stack sets on the function and the handler reads. */
export const RUNTIME_ENV = {
  tableName: 'TABLE_NAME',
  statusIndex: 'TABLE_STATUS_INDEX',
  bucketName: 'BUCKET_NAME',
  topicArn: 'TOPIC_ARN',
  environment: 'ENVIRONMENT',
  corsAllowOrigin: 'CORS_ALLOW_ORIGIN',
  /** WRITE_AUTH values: whether the handler refuses writes that carry no authorizer identity. */
  writeAuth: 'WRITE_AUTH',
} as const;

/** Values of RUNTIME_ENV.writeAuth. The stack always sets it; unset or unknown means required (fail closed). */
export const WRITE_AUTH = { required: 'required', none: 'none' } as const;

/** Methods that change data: API Gateway's authorizer checks them (reads stay public and cacheable). */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The items table: partition key `id`; the index lists one status newest-first without scanning. */
export const TABLE_KEYS = {
  partitionKey: 'id',
  statusIndex: { name: 'byStatus', partitionKey: 'status', sortKey: 'createdAt' },
} as const;

/**
 * The SNS message attribute that marks an item event (its value: the event, e.g. item.created). The owner's
 * e-mail subscription filters these out (errors and alarms carry no such attribute): see docs/scale.md.
 */
export const ITEM_EVENT_ATTRIBUTE = 'itemEvent';

/** Where the handler writes an item's metadata in the storage bucket: `items/<id>/metadata.json`. */
export const METADATA_PREFIX = 'items/';

/** The routes API Gateway sends to the function (all Lambda proxy integrations on the alias `live`). */
export const API_ROUTES = [
  { path: '/items', methods: ['GET', 'POST'] },
  { path: '/items/{id}', methods: ['GET', 'PUT', 'PATCH', 'DELETE'] },
] as const;

/**
 * A write-free route the function answers when invoked directly (never routed by API Gateway): the release's
 * smoke test checks it before any traffic moves (src/runtime/smoke-hook.ts). Answers 200 with the version.
 */
export const HEALTH_PATH = '/health';

/** Environment variables of the smoke-test hook function (src/runtime/smoke-hook.ts). */
export const SMOKE_HOOK_ENV = {
  /** The function whose target version the hook invokes. */
  targetFunction: 'TARGET_FUNCTION',
  /** SMOKE_CHECKS values: which built-in checks run before the user's own smoke module, if any. */
  checks: 'SMOKE_CHECKS',
} as const;

/** Values of SMOKE_HOOK_ENV.checks: the items API's checks, or only "GET /items neither errors nor 5xx". */
export const SMOKE_CHECKS = { itemsApi: 'items-api', ownHandler: 'own-handler' } as const;

/** The file name of a user's own smoke module inside the hook's bundle directory (next to index.mjs). */
export const SMOKE_MODULE_FILE = 'smoke.mjs';

/** One CORS configuration for API Gateway's preflight answers and the handler's own headers. */
export const CORS = {
  allowOrigin: '*',
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  // If-None-Match: a browser may revalidate (304). No X-Api-Key: the API key is CloudFront's, not a client's.
  allowHeaders: [
    'Content-Type',
    'Authorization',
    'If-Match',
    'If-None-Match',
    'X-Amz-Date',
    'X-Amz-Security-Token',
  ],
  exposeHeaders: ['ETag', 'Location', 'X-Request-Id'],
  maxAgeSeconds: 600,
} as const;
