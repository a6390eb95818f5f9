import { UserError } from '../errors.js';

/** Names AWS and the SDK give to credentials that are missing, expired or invalid. */
const CREDENTIAL_ERRORS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'TokenRefreshRequired',
]);

export function isCredentialError(error: unknown): boolean {
  return CREDENTIAL_ERRORS.has((error as { name?: string })?.name ?? '');
}

/**
 * Turns an SDK error into something the user can act on: credential problems name the fix (profile, SSO
 * login); AWS service errors keep AWS's own message. Anything else (our bug) is passed through unchanged.
 */
export function explainAwsError(error: unknown, what: string): unknown {
  if (error instanceof UserError) return error;
  const e = error as { name?: string; message?: string; $metadata?: unknown; $fault?: string };
  if (isCredentialError(error)) {
    const expired = /expired/i.test(`${e.name} ${e.message}`);
    return new UserError(
      expired
        ? `Your AWS credentials have expired (${e.name}: ${e.message}).`
        : `No valid AWS credentials (${e.name}: ${e.message}).`,
      {
        code: 'Credentials',
        suggestion: expired
          ? 'Refresh them (e.g. `aws sso login --profile <name>`) and run again; pass --profile to pick another.'
          : 'Set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
        cause: error,
      },
    );
  }
  if (e?.$metadata !== undefined) {
    return new UserError(`${what} failed: ${e.name}: ${e.message}`, {
      code: e.name ?? 'AwsError',
      cause: error,
    });
  }
  return error;
}
