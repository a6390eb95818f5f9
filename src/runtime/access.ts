import type { APIGatewayProxyEvent } from 'aws-lambda';
import { WRITE_AUTH } from './contract.js';
import { ApiError } from './errors.js';

export type WriteAuth = (typeof WRITE_AUTH)[keyof typeof WRITE_AUTH];

/**
 * Who may write. API Gateway's Cognito authorizer already refuses a write without a valid ID token before
 * the function runs; this is defence in depth against a method deployed without it (a console edit, a
 * drifted stack): when the stack says writes need authorization (WRITE_AUTH=required), a write must carry
 * the identity the authorizer puts in `requestContext.authorizer.claims`. Reads stay public (cacheable).
 */
export function authorizeWrite(
  authorizer: APIGatewayProxyEvent['requestContext']['authorizer'],
  mode: WriteAuth,
): void {
  if (mode === WRITE_AUTH.none) return;
  const claims = (authorizer as { claims?: Record<string, unknown> } | null | undefined)?.claims;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new ApiError(
      401,
      'Unauthorized',
      'Writes need a signed-in user: send Authorization: Bearer <ID token>.',
      {
        'WWW-Authenticate': 'Bearer',
      },
    );
  }
}
