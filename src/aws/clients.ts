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

export interface ClientConfig {
  region: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  credentials?: AwsCredentialIdentityProvider;
}

export async function clientConfig(context: AwsContext): Promise<ClientConfig> {
  const config: ClientConfig = { region: context.region, retryMode: 'adaptive', maxAttempts: 8 };
  if (context.profile) {
    const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    config.credentials = fromNodeProviderChain({ profile: context.profile });
  }
  return config;
}
