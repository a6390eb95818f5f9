import { CancelledError } from '../errors.js';

/**
 * Every question the CLI asks goes through here, so tests can replace this module and commands never
 * talk to inquirer directly. Ctrl-C at a prompt becomes a CancelledError (exit 130, nothing written).
 */
async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') {
      throw new CancelledError();
    }
    throw error;
  }
}

export async function askText(options: {
  message: string;
  default?: string | undefined;
  validate?: (value: string) => true | string;
  /** Ask on stderr, for a command whose stdout is captured (`$(serverless-infra token)`). */
  onStderr?: boolean;
}): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return guard(() =>
    input(
      {
        message: options.message,
        ...(options.default === undefined ? {} : { default: options.default }),
        ...(options.validate ? { validate: options.validate } : {}),
      },
      options.onStderr ? { output: process.stderr } : undefined,
    ),
  );
}

export async function askChoice<T extends string>(options: {
  message: string;
  choices: readonly T[] | ReadonlyArray<{ value: T; name: string }>;
  default?: T | undefined;
}): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  const choices = options.choices.map((c) => (typeof c === 'string' ? { value: c, name: c } : c));
  return guard(() =>
    select<T>({
      message: options.message,
      choices,
      pageSize: 12,
      ...(options.default === undefined ? {} : { default: options.default }),
    }),
  );
}

export async function askConfirm(options: { message: string; default?: boolean }): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return guard(() => confirm({ message: options.message, default: options.default ?? true }));
}

/** A secret (password): masked while typed, never echoed. */
export async function askSecret(options: {
  message: string;
  validate?: (value: string) => true | string;
  /** Ask on stderr, for a command whose stdout is captured (`$(serverless-infra token)`). */
  onStderr?: boolean;
}): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return guard(() =>
    password(
      {
        message: options.message,
        mask: '*',
        ...(options.validate ? { validate: options.validate } : {}),
      },
      options.onStderr ? { output: process.stderr } : undefined,
    ),
  );
}
