import { randomUUID } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type LocalStores, startLocalStores } from '../../src/dev/local-stores.js';
import type { PublishedMessage } from '../../src/dev/sns-sink.js';

export type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface Harness {
  stores: LocalStores;
  handler: Handler;
  published: PublishedMessage[];
  readMetadata(id: string): Promise<unknown | undefined>;
  stop(): Promise<void>;
}

/**
 * Real local stores (dynalite, s3rver, the SNS stand-in) and the handler imported with their environment,
 * as the Lambda runtime would load it. One per test file (the handler's clients live at module scope).
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const published: PublishedMessage[] = [];
  const stores = await startLocalStores({ onPublish: (message) => published.push(message) });
  // Writes fail closed without WRITE_AUTH (src/runtime/config.ts): these tests open them on purpose, unless
  // a test asks for WRITE_AUTH itself (test/security/handler-auth.test.ts).
  Object.assign(process.env, { AWS_LAMBDA_LOG_LEVEL: 'FATAL', WRITE_AUTH: 'none' }, stores.env, env);
  const { handler } = await import('../../src/runtime/index.js');
  const s3 = new S3Client({});
  return {
    stores,
    handler: (event) => handler(event),
    published,
    async readMetadata(id) {
      try {
        const object = await s3.send(
          new GetObjectCommand({ Bucket: stores.names.bucketName, Key: `items/${id}/metadata.json` }),
        );
        return JSON.parse(await object.Body!.transformToString());
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    async stop() {
      s3.destroy();
      await stores.stop();
    },
  };
}

export interface RequestSpec {
  method: string;
  path: string;
  resource?: string;
  id?: string;
  body?: unknown;
  rawBody?: string;
  base64?: boolean;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
}

/** An API Gateway REST proxy event, shaped as API Gateway sends it. */
export function proxyEvent(spec: RequestSpec): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    ...(spec.body !== undefined || spec.rawBody !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...spec.headers,
  };
  const query = spec.query ?? {};
  const multiQuery = Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]),
  );
  const body = spec.rawBody ?? (spec.body === undefined ? null : JSON.stringify(spec.body));
  return {
    httpMethod: spec.method,
    path: spec.path,
    resource: spec.resource ?? (spec.id !== undefined ? '/items/{id}' : spec.path),
    pathParameters: spec.id !== undefined ? { id: spec.id } : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(query).length
      ? Object.fromEntries(Object.entries(multiQuery).map(([k, v]) => [k, v.at(-1)!]))
      : null,
    multiValueQueryStringParameters: Object.keys(query).length ? multiQuery : null,
    stageVariables: null,
    body: body !== null && spec.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: Boolean(spec.base64),
    requestContext: { requestId: randomUUID(), authorizer: null } as never,
  };
}

/** The item routes by id, as API Gateway fills them. */
export const itemPath = (id: string) => ({ path: `/items/${id}`, id });

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
export function parseBody(result: APIGatewayProxyResult): any {
  return result.body ? JSON.parse(result.body) : undefined;
}
