import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authorizerClaims, verifyDevToken } from '../auth/dev-tokens.js';
import type { AuthMode } from '../config/schema.js';
import { type Throttling, throttlingOf } from '../config/throttling.js';
import { UserError } from '../errors.js';
import { CORS, RUNTIME_ENV, WRITE_AUTH, WRITE_METHODS } from '../runtime/contract.js';
import { buildOpenApiDocument } from '../runtime/openapi.js';
import { type LocalStoreNames, type LocalStores, startLocalStores } from './local-stores.js';
import { resolveRoute, resultHeaders, toProxyEvent } from './proxy-event.js';
import { closeServer, type PublishedMessage } from './sns-sink.js';
import { TokenBucket } from './throttle.js';

/** API Gateway refuses payloads over 10 MB before the function sees them. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Headers of every answer `dev` gives by itself (API Gateway's gateway responses): the stack adds
 * Access-Control-Allow-Origin to DEFAULT_4XX and DEFAULT_5XX, so a browser on another origin can read them.
 */
const GATEWAY_HEADERS = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': CORS.allowOrigin,
} as const;

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface DevServerOptions {
  port: number;
  /** Where the stores keep their data (`.serverless-infra/dev` in the project). */
  dataDir: string;
  reset: boolean;
  names: Partial<LocalStoreNames>;
  environment: string;
  /** As deployed: `cognito` checks a token on every write method (API Gateway's authorizer), `none` does not. */
  auth: { mode: AuthMode; secret: Buffer };
  /** The handler's log level (AWS_LAMBDA_LOG_LEVEL). */
  logLevel: string;
  /** The stage throttling to model, 429 beyond it (the `dev` command passes the environment's; default: the stack's). */
  throttling?: Throttling;
  /** The version of the tool, for the OpenAPI document's info.version. */
  version?: string;
  /** The clock of the throttling bucket (tests hold it still). */
  clock?: () => number;
  /** Awaited once the port is taken, before the stores start: lets a test see `dev` while it starts. */
  startupGate?: Promise<unknown>;
  onRequest(line: { method: string; url: string; status: number; ms: number }): void;
  onPublish(message: PublishedMessage): void;
}

export interface DevServer {
  url: string;
  names: LocalStoreNames;
  stop(): Promise<void>;
}

/**
 * Serves the items API handler on 127.0.0.1 as API Gateway would invoke it, with embedded stores. The HTTP
 * port is taken first, so a busy port fails before anything else starts.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  let handler: Handler | undefined;
  let bucket: TokenBucket | undefined;
  const url = `http://127.0.0.1:${options.port}`;
  let openApi: string | undefined; // built on first request
  const server = createServer((request, response) => {
    if (request.method === 'GET' && new URL(request.url ?? '/', url).pathname === OPENAPI_PATH) {
      // dev's own page, not a route of the API: no throttling, no stores needed.
      request.resume();
      openApi ??= openApiText(url, options);
      response.writeHead(200, { ...GATEWAY_HEADERS, 'Cache-Control': 'no-store' }).end(openApi);
      return;
    }
    if (!handler || !bucket) {
      // The port is taken first (a busy port fails fast); until the stores are up, say so in JSON.
      request.resume();
      response
        .writeHead(503, { ...GATEWAY_HEADERS, 'Retry-After': '1' })
        .end(JSON.stringify({ message: 'serverless-infra dev is starting; retry in a moment.' }));
      return;
    }
    void serve(handler, bucket, request, response, options);
  });
  await listen(server, options.port);

  let stores: LocalStores | undefined;
  let claimed = false;
  try {
    await options.startupGate;
    const bundle = runtimeBundlePath();
    await claimDataDir(options.dataDir);
    claimed = true;
    if (options.reset) await rm(options.dataDir, { recursive: true, force: true });
    await claimDataDir(options.dataDir);
    stores = await startLocalStores({
      dataDir: options.dataDir,
      names: options.names,
      onPublish: options.onPublish,
    });
    // The SDK inside the handler finds the stores through its own AWS_ENDPOINT_URL_<SERVICE> variables.
    Object.assign(process.env, stores.env, {
      [RUNTIME_ENV.environment]: options.environment,
      AWS_LAMBDA_LOG_LEVEL: options.logLevel,
      [RUNTIME_ENV.writeAuth]: options.auth.mode === 'cognito' ? WRITE_AUTH.required : WRITE_AUTH.none,
    });
    const throttling = options.throttling ?? throttlingOf(undefined);
    bucket = new TokenBucket(throttling.rateLimit, throttling.burstLimit, options.clock);
    handler = ((await import(pathToFileURL(bundle).href)) as { handler: Handler }).handler;
  } catch (error) {
    await closeServer(server);
    await stores?.stop();
    if (claimed) await releaseDataDir(options.dataDir);
    throw error;
  }
  const running = stores;
  return {
    url,
    names: running.names,
    async stop() {
      await closeServer(server);
      await running.stop();
      await releaseDataDir(options.dataDir);
    },
  };
}

/** Where `dev` serves the OpenAPI document of the API it runs. */
export const OPENAPI_PATH = '/openapi.json';

/** The API's OpenAPI document (runtime/openapi.ts) for this server's URL and auth. */
function openApiText(url: string, options: DevServerOptions): string {
  return JSON.stringify(
    buildOpenApiDocument({
      version: options.version ?? '0.0.0',
      serverUrl: url,
      serverDescription: 'serverless-infra dev',
      writeAuth: options.auth.mode === 'cognito',
    }),
    null,
    2,
  );
}

async function serve(
  handler: Handler,
  bucket: TokenBucket,
  request: IncomingMessage,
  response: ServerResponse,
  options: DevServerOptions,
) {
  const started = Date.now();
  const method = request.method ?? 'GET';
  const url = request.url ?? '/';
  let status = 500;
  try {
    const body = await readBody(request);
    const route = resolveRoute(method, new URL(url, 'http://127.0.0.1').pathname);
    if (!bucket.take()) {
      // The stage's throttling (THROTTLED, a DEFAULT_4XX gateway response), before auth and the function.
      status = 429;
      sendJson(response, status, { message: 'Too Many Requests' });
    } else if (body === undefined) {
      status = 413;
      sendJson(response, status, { message: 'Request Too Long' });
    } else if (!route) {
      // What API Gateway answers for a path or method it has no resource for.
      status = 403;
      sendJson(response, status, { message: 'Missing Authentication Token' });
    } else {
      const event = toProxyEvent(
        {
          method,
          url,
          rawHeaders: request.rawHeaders,
          body,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        },
        route,
      );
      const refusal = gatewayAuthorization(event, options.auth);
      const result = refusal ?? (await invoke(handler, event));
      status = result.statusCode;
      const payload = result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : Buffer.from(result.body ?? '');
      response.writeHead(status, {
        ...resultHeaders(result),
        'x-amzn-RequestId': event.requestContext.requestId,
      });
      response.end(payload);
    }
  } catch {
    // A handler that throws or returns garbage: API Gateway answers 502.
    status = 502;
    if (!response.headersSent) sendJson(response, status, { message: 'Internal server error' });
    else response.end();
  }
  options.onRequest({ method, url, status, ms: Date.now() - started });
}

/**
 * What API Gateway's Cognito authorizer does before the function runs: on a write method, no or a bad token
 * is a 401 `{"message":"Unauthorized"}` (an expired one says so); a good one puts its claims in
 * `requestContext.authorizer.claims`. Read methods have no authorizer: their events carry none.
 */
function gatewayAuthorization(
  event: APIGatewayProxyEvent,
  auth: DevServerOptions['auth'],
): APIGatewayProxyResult | undefined {
  if (auth.mode !== 'cognito' || !WRITE_METHODS.has(event.httpMethod)) return undefined;
  const header = Object.entries(event.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const check = verifyDevToken(auth.secret, header);
  if (!check.ok) {
    const message = check.reason === 'expired' ? 'The incoming token has expired' : 'Unauthorized';
    return {
      statusCode: 401,
      headers: { ...GATEWAY_HEADERS, 'x-amzn-ErrorType': 'UnauthorizedException' },
      body: JSON.stringify({ message }),
    };
  }
  event.requestContext.authorizer = { claims: authorizerClaims(check.claims) };
  return undefined;
}

async function invoke(handler: Handler, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const context = {
    awsRequestId: event.requestContext.requestId,
    functionName: 'serverless-infra-dev',
  } as Context;
  const result = await handler(event, context);
  if (!result || typeof result.statusCode !== 'number') throw new Error('Malformed Lambda proxy response');
  return result;
}

/** An answer API Gateway gives by itself (a gateway response), with the headers the stack gives them. */
function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, GATEWAY_HEADERS).end(JSON.stringify(body));
}

/** The body, or undefined when it is over API Gateway's payload limit. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new UserError(`Port ${port} on 127.0.0.1 is already in use.`, {
            suggestion: `Stop what is using it, or pass another port: serverless-infra dev --port ${port + 1}`,
            code: 'PortInUse',
          }),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new UserError(`Not allowed to listen on port ${port}.`, {
            suggestion: 'Pass --port 1024 or higher.',
          }),
        );
      } else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** The handler as the package build bundled it (the same file the stack deploys). */
export function runtimeBundlePath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const bundle = path.join(dir, 'dist', 'runtime', 'index.mjs');
  if (!existsSync(bundle)) {
    throw new UserError(`The handler bundle ${bundle} is missing.`, {
      suggestion: 'Run npm run build first.',
    });
  }
  return bundle;
}

const LOCK_FILE = 'dev.pid';

/**
 * One dev server per data folder: LevelDB allows a single process, and dynalite would crash the second one
 * with an unreadable error. The pid file is taken over when its process is gone.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  const lock = path.join(dataDir, LOCK_FILE);
  const pid = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
  if (pid && pid !== process.pid && isAlive(pid)) {
    throw new UserError(`Another serverless-infra dev (pid ${pid}) is using ${dataDir}.`, {
      suggestion: 'Stop it first (Ctrl-C in its terminal); one dev server can serve every client.',
      code: 'DataInUse',
    });
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(lock, String(process.pid));
}

async function releaseDataDir(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
