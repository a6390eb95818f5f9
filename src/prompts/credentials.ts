import { EMAIL_PATTERN } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { askSecret, askText } from '../ui/prompts.js';

/**
 * The operator's answers for `user` and `token`: each from its flag (or variable), checked, else a prompt
 * when the terminal policy allows one, else an error naming the flag.
 */

/** A text value from its flag (checked), else a prompt when interactive, else the error `missing`. */
async function flagOrPrompt(options: {
  value: string | undefined;
  flag: string;
  valid: (value: string) => true | string;
  normalize: (value: string) => string;
  missing: UsageError;
  message: string;
  interactive: boolean;
  onStderr: boolean;
}): Promise<string> {
  const { value, valid, normalize } = options;
  if (value !== undefined) {
    const check = valid(value);
    if (check !== true) throw new UsageError(`${options.flag}: ${check}`);
    return normalize(value);
  }
  if (!options.interactive) throw options.missing;
  return normalize(await askText({ message: options.message, validate: valid, onStderr: options.onStderr }));
}

/** An e-mail from the flag, else a prompt when interactive, else an error naming the flag. */
export function emailInput(
  value: string | undefined,
  interactive: boolean,
  onStderr = false,
): Promise<string> {
  return flagOrPrompt({
    value,
    flag: '--email',
    valid: (v) => EMAIL_PATTERN.test(v.trim()) || 'expected an e-mail address such as ops@example.com',
    normalize: (v) => v.trim().toLowerCase(),
    missing: new UsageError('The e-mail is missing.', 'Pass --email (or SERVERLESS_INFRA_EMAIL).'),
    message: 'E-mail',
    interactive,
    onStderr,
  });
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

/**
 * The current code of the user's authenticator app: the given value (--mfa-code, SERVERLESS_INFRA_MFA_CODE),
 * else a prompt when interactive, else an error naming the flag.
 */
export function mfaCodeInput(
  value: string | undefined,
  interactive: boolean,
  onStderr = false,
): Promise<string> {
  return flagOrPrompt({
    value,
    flag: '--mfa-code',
    valid: (v) => /^\d{6}$/.test(v.trim()) || "expected the 6-digit code of the user's authenticator app",
    normalize: (v) => v.trim(),
    missing: new UsageError(
      'This user signs in with an authenticator app: Cognito asks for its code.',
      'Pass --mfa-code (or SERVERLESS_INFRA_MFA_CODE) with the code the app shows now.',
    ),
    message: 'Authenticator code',
    interactive,
    onStderr,
  });
}
