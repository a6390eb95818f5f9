import { CancelledError, ExitCode, UserError } from '../errors.js';

/** What a running step can show: one line per event (plain output) and the live resource rows (TTY). */
export interface StepReport {
  event(line: string): void;
  rows(text: string): void;
}

/**
 * Everything the engine says or asks goes through this, so the commands render it (listr2 on a TTY,
 * plain lines in CI, nothing under --json) and tests record it.
 */
export interface DeployUi {
  /** May we ask questions (a terminal, not CI, not --json)? */
  readonly interactive: boolean;
  /** --yes: every confirmation is answered yes. */
  readonly yes: boolean;
  info(line: string): void;
  warn(line: string): void;
  step<T>(title: string, run: (report: StepReport) => Promise<T>): Promise<T>;
  confirm(message: string): Promise<boolean>;
  askText(message: string): Promise<string>;
  choose<T extends string>(message: string, choices: Array<{ value: T; name: string }>): Promise<T>;
  /** Calls `listener` on Ctrl-C until the returned function is called. */
  onInterrupt(listener: () => void): () => void;
}

/**
 * The one confirmation policy: --yes proceeds; without a terminal we refuse (nothing is changed) and say
 * which flag to pass; otherwise ask, and a "no" cancels.
 */
export async function confirmOrRefuse(ui: DeployUi, question: string, refusal: string): Promise<void> {
  if (ui.yes) return;
  if (!ui.interactive) {
    throw new UserError(refusal, {
      code: 'ConfirmationRequired',
      exitCode: ExitCode.USAGE,
      suggestion: 'Review it with `serverless-infra diff`, then run again with --yes to proceed.',
    });
  }
  if (!(await ui.confirm(question))) throw new CancelledError();
}
