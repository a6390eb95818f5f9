import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Every failure the API reports on purpose, with its HTTP status. Anything that is not an ApiError (or an
 * AWS throttling error) is a bug or an outage and becomes a 500 without internals (see toErrorResult).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const notFound = (message: string) => new ApiError(404, 'NotFound', message);
export const methodNotAllowed = (allowed: readonly string[]) =>
  new ApiError(405, 'MethodNotAllowed', `Method not allowed here; use ${allowed.join(', ')}.`, {
    Allow: allowed.join(', '),
  });
export const conflict = (message: string) => new ApiError(409, 'Conflict', message);
export const preconditionFailed = (message: string) => new ApiError(412, 'PreconditionFailed', message);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'PayloadTooLarge', `The body is larger than ${limit} bytes.`);
export const unsupportedMediaType = (message: string) => new ApiError(415, 'UnsupportedMediaType', message);
export const preconditionRequired = () =>
  new ApiError(
    428,
    'PreconditionRequired',
    'Send If-Match with the ETag of the item you read, so that a concurrent change is never overwritten.',
  );

/** DynamoDB/S3/SNS said "slow down": the client may retry, so this is a 503, not a bug. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'SlowDown',
  'Throttling',
]);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** The one place where errors become HTTP responses. */
export function toErrorResult(
  error: unknown,
  requestId: string,
): { result: APIGatewayProxyResult; unexpected: boolean } {
  if (error instanceof ApiError) {
    return errorResult(error.status, { code: error.code, message: error.message }, error.headers, false);
  }
  if (isThrottling(error)) {
    return errorResult(
      503,
      { code: 'ServiceUnavailable', message: 'The service is busy; retry shortly.', requestId },
      { 'Retry-After': '1' },
      false,
    );
  }
  return errorResult(
    500,
    { code: 'InternalError', message: 'Something went wrong on our side; quote the request id.', requestId },
    {},
    true,
  );
}

function errorResult(
  statusCode: number,
  error: ErrorBody['error'],
  headers: Record<string, string>,
  unexpected: boolean,
): { result: APIGatewayProxyResult; unexpected: boolean } {
  return { result: { statusCode, headers, body: JSON.stringify({ error }) }, unexpected };
}
