/**
 * Two kinds of failure, as in Shopify CLI: a UserError is something the user must act on (bad input,
 * missing flag, AWS said no) and carries a suggestion; anything else is our bug and is reported as one.
 * Exit codes are part of the CLI's contract (README "Exit codes").
 */
export const ExitCode = {
  OK: 0,
  /** Something failed (AWS error, failed deployment, unexpected bug). */
  FAILURE: 1,
  /** Bad or missing input: a flag, a prompt answer, the project file. Nothing was changed. */
  USAGE: 2,
  /** The user declined a confirmation or pressed Ctrl-C. Nothing was changed. */
  CANCELLED: 130,
  /** shift/rollback: the CodeDeploy deployment failed (a hook failed, CodeDeploy error). */
  RELEASE_FAILED: 20,
  /** shift/rollback: an alarm of the deployment group fired and CodeDeploy rolled the traffic back. */
  RELEASE_ROLLED_BACK: 21,
  /** shift/rollback: the deployment was stopped (StopDeployment, `rollback`, the console). */
  RELEASE_STOPPED: 22,
  /** deploy, destroy, shift, rollback: Ctrl-C detached; the operation goes on in AWS (re-attach to follow it). */
  DETACHED: 23,
} as const;

export class UserError extends Error {
  readonly suggestion: string | undefined;
  readonly exitCode: number;
  readonly code: string;

  constructor(
    message: string,
    options: { suggestion?: string; exitCode?: number; code?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.suggestion = options.suggestion;
    this.exitCode = options.exitCode ?? ExitCode.FAILURE;
    this.code = options.code ?? 'UserError';
  }
}

/** Bad or missing input: exit code 2. */
export class UsageError extends UserError {
  constructor(message: string, suggestion?: string) {
    super(message, { exitCode: ExitCode.USAGE, code: 'UsageError', ...(suggestion ? { suggestion } : {}) });
    this.name = 'UsageError';
  }
}

/** The user declined or pressed Ctrl-C. */
export class CancelledError extends UserError {
  constructor(message = 'Cancelled. Nothing was changed.') {
    super(message, { exitCode: ExitCode.CANCELLED, code: 'Cancelled' });
    this.name = 'CancelledError';
  }
}
