import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { API_ROUTES } from '../runtime/contract.js';

/** The stage name `dev` puts in requestContext (API Gateway puts the deployed stage's). */
export const DEV_STAGE = 'local';

export interface RawRequest {
  method: string;
  /** The request target as sent: path and query string, still percent-encoded. */
  url: string;
  /** Header names and values in the order received, names with their original case (Node's rawHeaders). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
}

export interface RouteResolution {
  resource: string;
  pathParameters: Record<string, string> | null;
}

/**
 * The API Gateway resource a path falls on, or undefined where API Gateway would not invoke the function
 * (it answers 403 "Missing Authentication Token" there itself).
 */
export function resolveRoute(method: string, path: string): RouteResolution | undefined {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== 'items' || segments.length > 2) return undefined;
  const route = API_ROUTES[segments.length === 1 ? 0 : 1];
  const methods: readonly string[] = route.methods;
  if (!methods.includes(method) && method !== 'OPTIONS') return undefined;
  if (segments.length === 1) return { resource: route.path, pathParameters: null };
  let id: string;
  try {
    id = decodeURIComponent(segments[1]!);
  } catch {
    id = segments[1]!;
  }
  return { resource: route.path, pathParameters: { id } };
}

// Bodies API Gateway passes as text; anything else (or bytes that are not UTF-8) arrives base64-encoded.
const TEXT_TYPES =
  /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript)\b)/i;

/** The REST API proxy event API Gateway would send for this request. */
export function toProxyEvent(
  request: RawRequest,
  route: RouteResolution,
  now = new Date(),
): APIGatewayProxyEvent {
  const url = new URL(request.url, 'http://127.0.0.1');
  // Every map built from client data has no prototype: a header or query key named __proto__, constructor
  // or toString is an ordinary key, as in the JSON event API Gateway sends (JSON.parse makes own keys).
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    const value = request.rawHeaders[i + 1]!;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = Object.create(null);
  const multiValueQuery: Record<string, string[]> = Object.create(null);
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const { body, isBase64Encoded } = encodeBody(request.body, contentType);
  const requestId = randomUUID();
  return {
    resource: route.resource,
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      domainName: headers.Host ?? headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      extendedRequestId: requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: headers['User-Agent'] ?? headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/${DEV_STAGE}${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTime: apiGatewayTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.resource,
      stage: DEV_STAGE,
    },
    body,
    isBase64Encoded,
  };
}

function encodeBody(
  bytes: Buffer,
  contentType: string | undefined,
): { body: string | null; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { body: null, isBase64Encoded: false };
  const textual = contentType === undefined || TEXT_TYPES.test(contentType);
  if (textual) {
    try {
      return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes), isBase64Encoded: false };
    } catch {
      // not UTF-8: pass the bytes through untouched
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestTime format: 25/Nov/2026:19:53:56 +0000. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Headers of a proxy result, single- and multi-value merged as API Gateway does. */
export function resultHeaders(result: APIGatewayProxyResult): Record<string, string | string[]> {
  const merged: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of Object.entries(result.headers ?? {})) merged[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    merged[name] = values.map(String);
  return merged;
}
