import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
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

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => unknown,
      options: { step: 'initialize'; name: string },
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

  constructor(readonly context: AwsContext) {}

  get region(): string {
    return this.context.region;
  }

  private async create<T>(name: string, load: (config: ClientConfig) => Promise<T>): Promise<T> {
    const cached = this.cache.get(name);
    if (cached) return cached as T;
    this.config ??= clientConfig(this.context);
    const client = await load(await this.config);
    this.count(name, client as unknown as MiddlewareClient);
    this.cache.set(name, client);
    return client;
  }

  private count(service: string, client: MiddlewareClient): void {
    client.middlewareStack.add(
      (next, context) => async (args: unknown) => {
        this.log.calls.push(`${service}.${(context.commandName ?? '').replace(/Command$/, '')}`);
        return next(args);
      },
      { step: 'initialize', name: 'serverlessInfraCallLog' },
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
