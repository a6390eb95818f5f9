import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type AwsContext, clientConfig } from '../aws/clients.js';

/**
 * The Cognito user pools client of an environment: the official SDK client, configured like every other
 * (credential chain and --profile, adaptive retries, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER honoured
 * by the SDK itself). InitiateAuth needs no AWS credentials: the SDK sends it unsigned.
 */
export async function cognitoClient(context: AwsContext): Promise<CognitoIdentityProviderClient> {
  const [{ CognitoIdentityProviderClient }, config] = await Promise.all([
    import('@aws-sdk/client-cognito-identity-provider'),
    clientConfig(context),
  ]);
  return new CognitoIdentityProviderClient(config);
}
