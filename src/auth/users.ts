/**
 * The operator's side of the user pool: add and remove writers, and sign in for an ID token. The pool and
 * its app client come from the stack outputs (UserPoolId, UserPoolClientId) unless given explicitly.
 */

import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClients } from '../aws/clients.js';
import type { ResolvedEnvironment } from '../config/schema.js';
import { UserError } from '../errors.js';

/**
 * The user pool id or its app client id of an environment: the explicit value when given (--user-pool-id,
 * --client-id), otherwise the deployed stack's output.
 */
export async function userPoolOutput(
  env: ResolvedEnvironment,
  clients: AwsClients,
  key: 'userPoolId' | 'userPoolClientId',
  explicit: string | undefined,
): Promise<string> {
  if (explicit) return explicit;
  if ((env.auth ?? 'cognito') === 'none') {
    throw new UserError(`${env.name} has "auth": "none": its API has no user pool.`, {
      suggestion:
        'Remove "auth": "none" from the environment and deploy, or pass --user-pool-id / --client-id.',
    });
  }
  const { requiredStackOutput } = await import('../environment/outputs.js');
  return requiredStackOutput(env, clients, key);
}

/** Creates a writer with a permanent password (no invitation e-mail; the operator hands the password over). */
export async function addUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  password: string,
): Promise<{ email: string; sub: string | undefined }> {
  let created: { User?: { Attributes?: Array<{ Name?: string; Value?: string }> } };
  try {
    created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
  } catch (error) {
    throw cognitoUserError(error, email);
  }
  try {
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: email,
        Password: password,
        Permanent: true,
      }),
    );
  } catch (error) {
    // Nothing half-made: a user without a usable password is removed again.
    await client
      .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }))
      .catch(() => {});
    throw cognitoUserError(error, email);
  }
  const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  return { email, sub };
}

export async function removeUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<void> {
  try {
    await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
  } catch (error) {
    throw cognitoUserError(error, email);
  }
}

export interface SignedIn {
  idToken: string;
  expiresIn: number;
}

interface AuthResponse {
  AuthenticationResult?: { IdToken?: string; ExpiresIn?: number };
  ChallengeName?: string;
  Session?: string;
}

/**
 * USER_PASSWORD_AUTH through the public app client: the ID token API Gateway's authorizer checks. A user who
 * turned on an authenticator app (TOTP, optional in the pool) is asked for its code: `mfaCode` is called
 * only then.
 */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
  mfaCode: () => Promise<string>,
): Promise<SignedIn> {
  let result: AuthResponse;
  try {
    result = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (result.ChallengeName === 'SOFTWARE_TOKEN_MFA') {
      const code = await mfaCode();
      result = await client.send(
        new RespondToAuthChallengeCommand({
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          ClientId: clientId,
          Session: result.Session,
          ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
        }),
      );
    }
  } catch (error) {
    throw cognitoUserError(error, email);
  }
  const idToken = result.AuthenticationResult?.IdToken;
  if (!idToken) {
    throw new UserError(
      `Cognito asks for ${result.ChallengeName ?? 'another step'} before it issues a token.`,
      {
        suggestion:
          result.ChallengeName === 'NEW_PASSWORD_REQUIRED'
            ? 'Set a permanent password: serverless-infra user add (for a new user) or the Cognito console.'
            : 'Sign in once in the Cognito console to finish the challenge.',
      },
    );
  }
  return { idToken, expiresIn: result.AuthenticationResult?.ExpiresIn ?? 3600 };
}

function cognitoUserError(error: unknown, email: string): unknown {
  if (!(error instanceof CognitoIdentityProviderServiceException)) return error;
  const known: Record<string, [string, string]> = {
    UsernameExistsException: [
      `${email} already exists in the user pool.`,
      'Remove it first: serverless-infra user remove <email>',
    ],
    UserNotFoundException: [
      `${email} is not a user of this pool.`,
      'Add it: serverless-infra user add <email>',
    ],
    NotAuthorizedException: [
      'Wrong e-mail or password.',
      'Check both; an operator can reset the user with user remove + user add.',
    ],
    CodeMismatchException: [
      'Wrong authenticator code.',
      "Enter the code the user's authenticator app shows now (it changes every 30 seconds).",
    ],
    ExpiredCodeException: [
      'The authenticator code has expired, or the sign-in took too long.',
      'Run the command again with the current code.',
    ],
    InvalidPasswordException: [
      `Cognito refused the password: ${error.message}`,
      'Use at least 14 characters with upper and lower case letters, digits and symbols.',
    ],
    ResourceNotFoundException: [
      `Cognito: ${error.message}`,
      'Check the environment and region, or deploy first.',
    ],
    AccessDeniedException: [
      `Cognito: ${error.message}`,
      'Use credentials allowed to manage the user pool (--profile).',
    ],
  };
  const [message, suggestion] = known[error.name] ?? [
    `Cognito ${error.name}: ${error.message}`,
    'See the message above.',
  ];
  return new UserError(message, { suggestion, code: error.name, cause: error });
}
