import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { requireCdk } from '../cdk-modules.js';
import { removalPolicyFor } from './removal.js';

const { CognitoUserPoolsAuthorizer } = requireCdk('aws-cdk-lib/aws-apigateway') as typeof apigateway;
const { AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } = requireCdk(
  'aws-cdk-lib/aws-cognito',
) as typeof cognito;
const { Duration, Validations } = requireCdk('aws-cdk-lib/core') as typeof cdk;

/** How long an ID token from `serverless-infra token` is good for. */
export const ID_TOKEN_VALIDITY_MINUTES = 60;

export interface AuthProps {
  /** Production: the Plus feature plan with threat protection enforced, deletion protection, retained. */
  production: boolean;
}

/**
 * Who may write: users of a Cognito user pool that only an operator can fill (`serverless-infra user add`,
 * AdminCreateUser; no self sign-up), signing in with e-mail and password through a public app client
 * (`serverless-infra token`: InitiateAuth USER_PASSWORD_AUTH, no client secret on a CLI). API Gateway's
 * Cognito authorizer checks the ID token in `Authorization` on every write method (see Api).
 */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly authorizer: apigateway.CognitoUserPoolsAuthorizer;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Threat protection (compromised credentials, risky sign-ins) needs the Plus plan, billed per user.
      featurePlan: props.production ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(props.production
        ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      deletionProtection: props.production,
      removalPolicy: removalPolicyFor(props.production),
    });
    this.client = this.userPool.addClient('CliClient', {
      generateSecret: false, // a CLI cannot keep a secret
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(ID_TOKEN_VALIDITY_MINUTES),
      accessTokenValidity: Duration.minutes(ID_TOKEN_VALIDITY_MINUTES),
      refreshTokenValidity: Duration.days(1),
    });
    this.authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [this.userPool],
      identitySource: 'method.request.header.Authorization',
      // Each token is checked by API Gateway; a revoked user's writes stop within this time.
      resultsCacheTtl: Duration.minutes(5),
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'Writers are operators created by an administrator (no self sign-up) with a 14-character password ' +
        'policy; MFA (TOTP) is optional so that `serverless-infra token` can sign in non-interactively in CI.' +
        (props.production ? ' Threat protection blocks compromised credentials and risky sign-ins.' : ''),
    });
    if (!props.production) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Outside Production the Essentials plan suffices: threat protection (Plus plan) is billed per user ' +
          'and is on in Production.',
      });
    }
  }
}
