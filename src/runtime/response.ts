import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CORS } from './contract.js';
import { stringifyJson } from './json.js';

/** GETs may be cached briefly by CloudFront and browsers; a write is visible within this many seconds. */
export const GET_MAX_AGE_SECONDS = 5;

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode, headers, body: stringifyJson(body) };
}

export function emptyResult(statusCode: number, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers, body: '' };
}

/** The ETag of an item is its version: If-Match sends it back on updates. */
export function itemETag(version: number): string {
  return `"${version}"`;
}

/** A listing's ETag is a digest of its body (weak: the same items, possibly serialised differently). */
export function bodyETag(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Headers every response carries: CORS (from the one CORS configuration), caching, the request id. */
export function withCommonHeaders(
  result: APIGatewayProxyResult,
  options: { method: string; requestId: string; allowOrigin: string | undefined },
): APIGatewayProxyResult {
  const cacheable = options.method === 'GET' && (result.statusCode === 200 || result.statusCode === 304);
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': options.allowOrigin ?? CORS.allowOrigin,
    'Access-Control-Expose-Headers': CORS.exposeHeaders.join(', '),
    'Cache-Control': cacheable ? `public, max-age=${GET_MAX_AGE_SECONDS}` : 'no-store',
    'X-Request-Id': options.requestId,
    ...(result.body ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    ...(options.allowOrigin && options.allowOrigin !== '*' ? { Vary: 'Origin' } : {}),
    ...(result.headers as Record<string, string>),
  };
  return { ...result, headers };
}

/** The answer to a browser's preflight: the same methods and headers API Gateway announces. */
export function preflightResult(allowed: readonly string[]): APIGatewayProxyResult {
  return emptyResult(204, {
    'Access-Control-Allow-Methods': [...allowed, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': CORS.allowHeaders.join(', '),
    'Access-Control-Max-Age': String(CORS.maxAgeSeconds),
  });
}
