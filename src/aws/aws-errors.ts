import { ExitCode, UserError } from '../errors.js';
import { CALL_SITE, type CallSite } from './clients.js';

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

/** Node.js's names for a request that never got an HTTP answer. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed while sending',
  ECONNABORTED: 'the connection was aborted',
  UND_ERR_SOCKET: 'the connection was closed',
};

/** The variable that points each SDK client elsewhere (AWS_ENDPOINT_URL_<SERVICE>). */
const ENDPOINT_VARIABLES: Record<string, string> = {
  CloudFormation: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
  S3: 'AWS_ENDPOINT_URL_S3',
  Lambda: 'AWS_ENDPOINT_URL_LAMBDA',
  STS: 'AWS_ENDPOINT_URL_STS',
  CloudWatch: 'AWS_ENDPOINT_URL_CLOUDWATCH',
  CloudWatchLogs: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  CodeDeploy: 'AWS_ENDPOINT_URL_CODEDEPLOY',
  SNS: 'AWS_ENDPOINT_URL_SNS',
  Cognito: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
};

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  [CALL_SITE]?: CallSite;
}

export function isCredentialError(error: unknown): boolean {
  return CREDENTIAL_ERRORS.has((error as { name?: string })?.name ?? '');
}

function isThrottling(name: string): boolean {
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|RateExceeded/i.test(name);
}

/** "CloudFormation DescribeStacks (https://cloudformation.eu-west-1.amazonaws.com)". */
function where(site: CallSite | undefined): string {
  if (!site) return 'AWS';
  const endpoint = site.endpoint ? ` at ${site.endpoint}` : '';
  return `${site.service} ${site.operation}${endpoint}`;
}

/** What to check when the endpoint itself is the problem: the override variable if one is set, or the network. */
function endpointAdvice(site: CallSite | undefined): string {
  const variable = site ? ENDPOINT_VARIABLES[site.service] : undefined;
  const override = variable && (process.env[variable] ?? process.env.AWS_ENDPOINT_URL);
  if (override) {
    return `${process.env[variable as string] ? variable : 'AWS_ENDPOINT_URL'} points ${site?.service} at ${override}: check that it is right and running, or unset it to reach AWS.`;
  }
  return 'Check your network connection, proxy (HTTPS_PROXY) and the region (--region); then run the command again.';
}

/**
 * The one translation of AWS and network failures into something the user can act on, for every command
 * (the base command's error path calls it): which service and operation, which endpoint, the HTTP status,
 * and what to do. Returns undefined for anything that is not an AWS call's failure (a bug of ours).
 */
export function translateAwsError(error: unknown): UserError | undefined {
  if (error instanceof UserError) return error;
  const e = error as SdkError;
  if (!e || typeof e !== 'object' || (e.$metadata === undefined && !(CALL_SITE in e))) return undefined;
  const site = e[CALL_SITE];
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;

  if (isCredentialError(error)) {
    const expired = /expired/i.test(`${name} ${e.message}`);
    return new UserError(
      expired
        ? `Your AWS credentials have expired (${where(site)}: ${name}: ${e.message}).`
        : `No valid AWS credentials (${where(site)}: ${name}: ${e.message}).`,
      {
        code: 'Credentials',
        suggestion: expired
          ? 'Refresh them (e.g. `aws sso login --profile <name>`) and run again; pass --profile to pick another.'
          : 'Set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.',
        cause: error,
      },
    );
  }

  const network =
    NETWORK_ERRORS[e.code ?? ''] ?? (name === 'TimeoutError' ? 'the request timed out' : undefined);
  if (network || (status === undefined && /socket hang up|ECONN|network/i.test(e.message ?? ''))) {
    return new UserError(`Could not reach ${where(site)}: ${network ?? e.message}.`, {
      code: 'NetworkError',
      suggestion: endpointAdvice(site),
      cause: error,
    });
  }

  // An answer, but not one AWS gives: an HTML error page of a proxy or load balancer, a body the SDK could not
  // parse, an error without a name.
  const unparsed =
    name === 'Unknown' ||
    name === 'UnknownError' ||
    name === 'SyntaxError' ||
    /Deserialization error/.test(e.message ?? '');
  if (unparsed) {
    return new UserError(
      `${where(site)} answered HTTP ${status ?? '?'} with a body that is not an AWS answer${status && status >= 500 ? ' (a server or proxy error)' : ''}.`,
      {
        code: status && status >= 500 ? 'ServiceUnavailable' : 'UnexpectedResponse',
        suggestion:
          status && status >= 500
            ? `Run the command again in a moment. ${endpointAdvice(site)}`
            : endpointAdvice(site),
        cause: error,
      },
    );
  }

  // AWS said no, in its own words.
  const suggestion = /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${e.message}`)
    ? 'Your credentials lack the permission named above: ask for it, or use another --profile.'
    : isThrottling(name)
      ? 'AWS is throttling this account: the CLI already retried with backoff. Run the command again in a minute.'
      : e.$fault === 'server'
        ? 'This failed on the AWS side: run the command again in a moment.'
        : undefined;
  return new UserError(`${where(site)} failed${status ? ` (HTTP ${status})` : ''}: ${name}: ${e.message}`, {
    code: name,
    exitCode: ExitCode.FAILURE,
    ...(suggestion ? { suggestion } : {}),
    cause: error,
  });
}
