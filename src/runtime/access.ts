import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * Who may write. Today every caller may (the API has no authorizer yet); issue 8 adds authorization for
 * writes: check the caller identity in `event.requestContext.authorizer` here and throw an ApiError
 * (401/403) to refuse. Reads stay public so that CloudFront can cache them.
 */
export function authorizeWrite(_authorizer: APIGatewayProxyEvent['requestContext']['authorizer']): void {}
