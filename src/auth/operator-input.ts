import type { AwsContext } from '../aws/clients.js';
import { isAwsRegion } from '../config/regions.js';
import { EMAIL_PATTERN, type ResolvedEnvironment } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { askSecret, askText } from '../ui/prompts.js';

/** The AWS context of a command: the environment's region unless --region says otherwise. */
export function awsContextFor(
  env: ResolvedEnvironment,
  flags: { region?: string | undefined; profile?: string | undefined },
): AwsContext {
  const region = flags.region ?? env.region;
  if (!isAwsRegion(region)) {
    throw new UsageError(
      `"${region}" is not an AWS region.`,
      'Pass --region with a region such as eu-west-1.',
    );
  }
  return { region, profile: flags.profile };
}

/** An e-mail from the flag, else a prompt when interactive, else an error naming the flag. */
export async function emailInput(
  value: string | undefined,
  interactive: boolean,
  onStderr = false,
): Promise<string> {
  const valid = (v: string) =>
    EMAIL_PATTERN.test(v.trim()) || 'expected an e-mail address such as ops@example.com';
  if (value !== undefined) {
    const check = valid(value);
    if (check !== true) throw new UsageError(`--email: ${check}`);
    return value.trim().toLowerCase();
  }
  if (!interactive)
    throw new UsageError('The e-mail is missing.', 'Pass --email (or SERVERLESS_INFRA_EMAIL).');
  return (await askText({ message: 'E-mail', validate: valid, onStderr })).trim().toLowerCase();
}

/**
 * A password from SERVERLESS_INFRA_PASSWORD (or --password), else a masked prompt when interactive. Prefer the
 * variable or the prompt: a flag's value shows in the process list and shell history.
 */
export async function passwordInput(
  value: string | undefined,
  interactive: boolean,
  onStderr = false,
): Promise<string> {
  if (value) return value;
  if (!interactive) {
    throw new UsageError(
      'The password is missing.',
      'Set SERVERLESS_INFRA_PASSWORD (or run in a terminal to be asked).',
    );
  }
  return askSecret({ message: 'Password', validate: (v) => v.length > 0 || 'enter the password', onStderr });
}

const MFA_CODE = /^\d{6}$/;

/**
 * The current code of the user's authenticator app: the given value (--mfa-code, SERVERLESS_INFRA_MFA_CODE),
 * else a prompt when interactive, else an error naming the flag.
 */
export async function mfaCodeInput(
  value: string | undefined,
  interactive: boolean,
  onStderr = false,
): Promise<string> {
  const valid = (v: string) =>
    MFA_CODE.test(v.trim()) || "expected the 6-digit code of the user's authenticator app";
  if (value !== undefined) {
    const check = valid(value);
    if (check !== true) throw new UsageError(`--mfa-code: ${check}`);
    return value.trim();
  }
  if (!interactive) {
    throw new UsageError(
      'This user signs in with an authenticator app: Cognito asks for its code.',
      'Pass --mfa-code (or SERVERLESS_INFRA_MFA_CODE) with the code the app shows now.',
    );
  }
  return (await askText({ message: 'Authenticator code', validate: valid, onStderr })).trim();
}

/**
 * May `token` ask? Its stdout is usually captured (`$(serverless-infra token)`), so it asks on stderr: a
 * terminal on stdin and stderr is enough. Never in CI or under --json.
 */
export function canAskOnStderr(json: boolean): boolean {
  if (json) return false;
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0') return false;
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}
