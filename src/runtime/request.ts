import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ApiError, badRequest, payloadTooLarge, unsupportedMediaType } from './errors.js';
import { JsonDepthError, MAX_JSON_DEPTH, parseJson } from './json.js';

/** API Gateway allows 10 MB; an item is small, so anything bigger than this is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The parts of a proxy event the API uses, with header names in lower case. */
export interface ApiRequest {
  method: string;
  headers: Map<string, string>;
  query: Map<string, string[]>;
  event: APIGatewayProxyEvent;
}

export function toApiRequest(event: APIGatewayProxyEvent): ApiRequest {
  const headers = new Map<string, string>();
  // API Gateway fills both maps; multiValueHeaders wins because it keeps repeated headers.
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') headers.set(name.toLowerCase(), value);
  }
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (Array.isArray(values) && values.length > 0) headers.set(name.toLowerCase(), values.join(', '));
  }
  const query = new Map<string, string[]>();
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (typeof value === 'string') query.set(name, [value]);
  }
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (Array.isArray(values) && values.length > 0) query.set(name, values.map(String));
  }
  return { method: String(event.httpMethod ?? '').toUpperCase(), headers, query, event };
}

/**
 * The media types a body may have. PATCH takes a JSON merge patch (RFC 7396) under its own media type, and the
 * same document sent as application/json (clients that cannot set the type): both mean "merge this into the item".
 */
export const BODY_TYPES = {
  json: ['application/json'],
  mergePatch: ['application/merge-patch+json', 'application/json'],
} as const;

/**
 * The body as JSON (numbers with all their digits, objects without a prototype: json.ts), or a 4xx saying
 * what is wrong: no body, a content type other than JSON, a charset other
 * than UTF-8, a compressed body, too many bytes, bytes that are not UTF-8, or text that is not JSON.
 */
export function readJsonBody(
  request: ApiRequest,
  acceptedTypes: readonly string[] = BODY_TYPES.json,
): unknown {
  const { event, headers } = request;
  const contentType = headers.get('content-type');
  const [mediaType = '', ...parameters] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (!acceptedTypes.includes(mediaType)) {
    throw unsupportedMediaType(`Send the body as ${acceptedTypes.join(' or ')} (Content-Type header).`);
  }
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset && charset.replace(/"/g, '') !== 'utf-8' && charset.replace(/"/g, '') !== 'utf8') {
    throw unsupportedMediaType('Only the UTF-8 charset is accepted.');
  }
  const encoding = headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw unsupportedMediaType('Compressed bodies (Content-Encoding) are not accepted.');
  }
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw badRequest('MissingBody', 'The request needs a JSON body.');
  }
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('InvalidEncoding', 'The body is not valid UTF-8.');
  }
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof JsonDepthError) {
      throw badRequest('ValidationError', `body: nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    throw badRequest('InvalidJson', 'The body is not valid JSON.');
  }
}

/** One value of a query parameter; repeating it is ambiguous, so it is refused. */
export function queryValue(request: ApiRequest, name: string): string | undefined {
  const values = request.query.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw badRequest('InvalidQuery', `Give the query parameter ${name} once.`);
  return values[0];
}

/** The version named by an If-Match header (`"3"` or W/"3"); `*` matches any existing item. */
export function ifMatchVersion(request: ApiRequest): number | '*' | undefined {
  const header = request.headers.get('if-match');
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(value);
  if (!match) {
    throw new ApiError(
      400,
      'InvalidIfMatch',
      'If-Match must be the ETag of the item, for example "3", or *.',
    );
  }
  return Number(match[1]);
}
