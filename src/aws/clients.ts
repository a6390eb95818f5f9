import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * One place that configures every AWS SDK v3 client: region, profile (the standard credential chain:
 * env, SSO, shared files, instance roles), adaptive retries with jitter for throttling, and endpoints.
 * Endpoints are overridable only through the SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>
 * variables (the tests point the real clients at local emulators that way), so nothing here reads them.
 */
export interface AwsContext {
  region: string;
  profile?: string | undefined;
}

interface ClientConfig {
  region: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  credentials?: AwsCredentialIdentityProvider;
}

async function clientConfig(context: AwsContext): Promise<ClientConfig> {
  const config: ClientConfig = { region: context.region, retryMode: 'adaptive', maxAttempts: 8 };
  if (context.profile) {
    const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    config.credentials = fromNodeProviderChain({ profile: context.profile });
  }
  return config;
}

/** Every call any client made, by `Service.Operation` (for `--json`, `--verbose` and the benchmarks). */
export class CallLog {
  readonly calls: string[] = [];
  get count(): number {
    return this.calls.length;
  }
}

/** Where a failed call went: attached to the SDK's error, so that it is explained once (aws-errors.ts). */
export interface CallSite {
  service: string;
  operation: string;
  /** scheme://host[:port] the request was sent to (undefined when it failed before being sent). */
  endpoint: string | undefined;
}

export const CALL_SITE = Symbol.for('serverless-infra.callSite');

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: CallContext,
) => (args: unknown) => Promise<unknown>;
interface CallContext {
  commandName?: string;
  [CALL_SITE]?: CallSite;
}
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: Middleware,
      options: { step: 'initialize' | 'finalizeRequest' | 'deserialize'; name: string },
    ): void;
  };
}

/**
 * The clients the deploy engine and its commands use, created on first use (each SDK package is
 * imported only when needed, so `--help` and commands that never touch a service stay light).
 */
export class AwsClients {
  readonly log = new CallLog();
  private readonly cache = new Map<string, unknown>();
  private config: Promise<ClientConfig> | undefined;
  /** Server time minus local time, from the last answer's Date header (0 before any answer). */
  private clockOffsetMs = 0;

  constructor(readonly context: AwsContext) {}

  get region(): string {
    return this.context.region;
  }

  /**
   * AWS's time now, as its last answer said (Date header) plus the local time since: what to compare AWS's
   * own timestamps with (a deployment's start, a step's due time), whatever the local clock's skew.
   */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private async create<T>(name: string, load: (config: ClientConfig) => Promise<T>): Promise<T> {
    const cached = this.cache.get(name);
    if (cached) return cached as T;
    this.config ??= clientConfig(this.context);
    const client = await load(await this.config);
    this.instrument(name, client as unknown as MiddlewareClient);
    this.cache.set(name, client);
    return client;
  }

  /** Counts every call, remembers where it went (for the error translation) and AWS's clock. */
  private instrument(service: string, client: MiddlewareClient): void {
    const stack = client.middlewareStack;
    stack.add(
      (next, context) => async (args: unknown) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        this.log.calls.push(`${service}.${operation}`);
        context[CALL_SITE] = { service, operation, endpoint: undefined };
        try {
          return await next(args);
        } catch (error) {
          if (error && typeof error === 'object' && !(CALL_SITE in error)) {
            Object.defineProperty(error, CALL_SITE, { value: context[CALL_SITE], enumerable: false });
          }
          throw error;
        }
      },
      { step: 'initialize', name: 'serverlessInfraCallSite' },
    );
    stack.add(
      (next, context) => async (args: unknown) => {
        const request = (args as { request?: { protocol?: string; hostname?: string; port?: number } })
          .request;
        const site = context[CALL_SITE];
        if (site && request?.hostname) {
          site.endpoint = `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'serverlessInfraEndpoint' },
    );
    stack.add(
      (next) => async (args: unknown) => {
        const result = (await next(args)) as { response?: { headers?: Record<string, string> } };
        const date = Date.parse(result?.response?.headers?.date ?? '');
        if (!Number.isNaN(date)) this.clockOffsetMs = date - Date.now();
        return result;
      },
      { step: 'deserialize', name: 'serverlessInfraServerClock' },
    );
  }

  cloudFormation(): Promise<CloudFormationClient> {
    return this.create('CloudFormation', async (c) => {
      const { CloudFormationClient } = await import('@aws-sdk/client-cloudformation');
      return new CloudFormationClient(c);
    });
  }

  s3(): Promise<S3Client> {
    return this.create('S3', async (c) => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client(c);
    });
  }

  lambda(): Promise<LambdaClient> {
    return this.create('Lambda', async (c) => {
      const { LambdaClient } = await import('@aws-sdk/client-lambda');
      return new LambdaClient(c);
    });
  }

  sts(): Promise<STSClient> {
    return this.create('STS', async (c) => {
      const { STSClient } = await import('@aws-sdk/client-sts');
      return new STSClient(c);
    });
  }

  cloudWatch(): Promise<CloudWatchClient> {
    return this.create('CloudWatch', async (c) => {
      const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
      return new CloudWatchClient(c);
    });
  }

  cloudWatchLogs(): Promise<CloudWatchLogsClient> {
    return this.create('CloudWatch Logs', async (c) => {
      const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
      return new CloudWatchLogsClient(c);
    });
  }

  codeDeploy(): Promise<CodeDeployClient> {
    return this.create('CodeDeploy', async (c) => {
      const { CodeDeployClient } = await import('@aws-sdk/client-codedeploy');
      return new CodeDeployClient(c);
    });
  }

  sns(): Promise<SNSClient> {
    return this.create('SNS', async (c) => {
      const { SNSClient } = await import('@aws-sdk/client-sns');
      return new SNSClient(c);
    });
  }

  /** The user pools API. InitiateAuth needs no AWS credentials: the SDK sends it unsigned. */
  cognito(): Promise<CognitoIdentityProviderClient> {
    return this.create('Cognito', async (c) => {
      const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
      return new CognitoIdentityProviderClient(c);
    });
  }
}
