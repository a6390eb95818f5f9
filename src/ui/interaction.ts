import { CancelledError, ExitCode, UserError } from '../errors.js';

/** What a running step can show: one line per event (plain output) and the live rows (terminal). */
export interface StepReport {
  /** One event: a line of its own in plain mode. */
  event(line: string): void;
  /** The current picture (resource rows): shown under the step in live mode. */
  rows(text: string): void;
  /** The step ends without being done (Ctrl-C): it is shown as stopped, with why, not as finished. */
  interrupted(why: string): void;
}

/**
 * The port through which services talk to the person at the terminal: everything the deploy engine,
 * status, destroy and the user commands say or ask goes through it, so the commands render it (listr2 on a
 * terminal, plain lines in CI, nothing under --json; src/ui/command-ui.ts) and tests record it.
 */
export interface Interaction {
  /** May we ask questions (the terminal policy: a terminal, not CI, not --json)? */
  readonly interactive: boolean;
  /** --yes: every confirmation is answered yes. */
  readonly yes: boolean;
  /** The terminal's width, when the output is a terminal (tables fit into it). */
  readonly columns?: number | undefined;
  /** A human line on stderr (progress, explanations). */
  info(line: string): void;
  warn(line: string): void;
  /** A line of the command's result (a report, a table): stdout, except under --json. */
  result(line: string): void;
  step<T>(title: string, run: (report: StepReport) => Promise<T>): Promise<T>;
  confirm(message: string): Promise<boolean>;
  askText(message: string): Promise<string>;
  choose<T extends string>(message: string, choices: Array<{ value: T; name: string }>): Promise<T>;
  /** Calls `listener` on Ctrl-C until the returned function is called. */
  onInterrupt(listener: () => void): () => void;
}

/**
 * The one confirmation policy: --yes proceeds; without a terminal the command refuses (nothing is
 * changed, exit 2) and says which flag to pass; otherwise it asks, and a "no" cancels (exit 130).
 */
export async function confirmOrRefuse(
  ui: Pick<Interaction, 'yes' | 'interactive' | 'confirm'>,
  question: string,
  refusal: string,
  suggestion = 'Review it with `serverless-infra diff`, then run again with --yes to proceed.',
): Promise<void> {
  if (ui.yes) return;
  if (!ui.interactive) {
    throw new UserError(refusal, { code: 'ConfirmationRequired', exitCode: ExitCode.USAGE, suggestion });
  }
  if (!(await ui.confirm(question))) throw new CancelledError();
}
