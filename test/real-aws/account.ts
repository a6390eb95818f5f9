/**
 * Whether `npm run test:aws` may touch a real account: only when SERVERLESS_INFRA_TEST_ACCOUNT names the
 * account the credentials resolve to (STS GetCallerIdentity). Otherwise it is skipped (variable unset) or
 * refused (any doubt), with one line saying why.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { isAwsRegion } from '../../src/config/regions.js';

export const ACCOUNT_VARIABLE = 'SERVERLESS_INFRA_TEST_ACCOUNT';
export const REGION_VARIABLE = 'SERVERLESS_INFRA_TEST_REGION';
export const EMAIL_VARIABLE = 'SERVERLESS_INFRA_TEST_EMAIL';
/** Every service the suite uses is there, CloudFront's certificates too. */
export const DEFAULT_REGION = 'us-east-1';

export type AccountDecision =
  | { run: false; message: string }
  | { run: true; account: string; arn: string; region: string; message: string };

/** A refusal: the variable is set, but something says the run would not be where the person meant. */
export class RefusedError extends Error {}

export function skipMessage(): string {
  return `test:aws skipped: set ${ACCOUNT_VARIABLE} to the 12-digit id of the AWS account your credentials resolve to (it creates real resources, then destroys them; docs/testing.md)`;
}

/** The region the run uses, from REGION_VARIABLE or the default; refused when it is not an AWS region. */
export function testRegion(env: NodeJS.ProcessEnv): string {
  const region = env[REGION_VARIABLE] ?? DEFAULT_REGION;
  if (!isAwsRegion(region))
    throw new RefusedError(`test:aws refused: ${REGION_VARIABLE}=${region} is not an AWS region`);
  return region;
}

/** Skip, run, or throw RefusedError. `sts` is asked who the credentials are (the caller builds it). */
export async function decideAccount(
  env: NodeJS.ProcessEnv,
  sts: (region: string) => STSClient,
): Promise<AccountDecision> {
  const wanted = env[ACCOUNT_VARIABLE];
  if (!wanted) return { run: false, message: skipMessage() };
  if (!/^\d{12}$/.test(wanted))
    throw new RefusedError(
      `test:aws refused: ${ACCOUNT_VARIABLE}=${wanted} is not a 12-digit AWS account id`,
    );
  const endpoints = Object.keys(env).filter((k) => k.startsWith('AWS_ENDPOINT_URL'));
  if (endpoints.length > 0)
    throw new RefusedError(
      `test:aws refused: ${endpoints.join(', ')} ${endpoints.length === 1 ? 'is' : 'are'} set: the real-account suite talks to AWS itself (unset ${endpoints.length === 1 ? 'it' : 'them'})`,
    );
  const region = testRegion(env);
  let identity: { Account?: string | undefined; Arn?: string | undefined };
  try {
    identity = await sts(region).send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw new RefusedError(
      `test:aws refused: could not tell which account the credentials belong to (STS GetCallerIdentity: ${(error as Error).name}: ${(error as Error).message})`,
    );
  }
  if (identity.Account !== wanted)
    throw new RefusedError(
      `test:aws refused: ${ACCOUNT_VARIABLE}=${wanted}, but the credentials resolve to account ${identity.Account} (${identity.Arn}); nothing was created`,
    );
  return {
    run: true,
    account: wanted,
    arn: identity.Arn ?? '',
    region,
    message: `test:aws: account ${wanted} (${identity.Arn}), region ${region}`,
  };
}

/**
 * The variables the CLI needs to reach the real account as the person's shell does: their AWS_* settings
 * (profile, keys, session token), with the default config files the test helpers otherwise hide.
 */
export function realAccountEnv(env: NodeJS.ProcessEnv, region: string): Record<string, string> {
  const aws = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('AWS_') && entry[1] !== undefined,
    ),
  );
  return {
    AWS_CONFIG_FILE: path.join(homedir(), '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(homedir(), '.aws', 'credentials'),
    ...aws,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
}
