import type { ResolvedEnvironment } from './config/schema.js';
import type { Session, Target } from './environment/session.js';
import { ExitCode, UserError } from './errors.js';
import { globalFlags } from './flags.js';
import { Command, type Interfaces } from './oclif.js';
import type { Interaction } from './ui/interaction.js';
import { style } from './ui/style.js';
import { canPrompt } from './ui/terminal.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/**
 * The command edge, one for every command: the shared flags (src/flags.ts), JSON output, the session
 * (the environment, its region and profile checked, and the AWS clients), the terminal's interaction, and
 * one error policy: a UserError — and every AWS or network failure, translated once (aws/aws-errors.ts) —
 * prints its message and suggestion (a JSON error object under --json) and exits with its code; anything
 * else is a bug and says so.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = globalFlags;

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;

  public override async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
  }

  /** May this run ask questions? Never under --json, in CI or without a terminal (ui/terminal.ts). */
  protected get interactive(): boolean {
    return canPrompt({ json: this.jsonEnabled() });
  }

  /** Human-facing progress and messages go to stderr, so stdout stays clean for results and --json. */
  protected info(message = ''): void {
    if (!this.jsonEnabled()) this.logToStderr(message);
  }

  /** A line of the command's result (a report, a summary, a table): stdout, except under --json. */
  protected result(line = ''): void {
    if (!this.jsonEnabled()) this.log(line);
  }

  /** What ui/ modules need to say things for this command: its id, output mode and its stderr. */
  protected speaker() {
    return {
      id: this.id,
      json: this.jsonEnabled(),
      verbose: Boolean(this.flags.verbose),
      info: (line: string) => this.info(line),
    };
  }

  /** The environment the flags name, with --region applied and checked (no AWS clients). */
  protected async target(): Promise<Target> {
    const { openTarget } = await import('./environment/session.js');
    return openTarget(this.flags);
  }

  /** The environment the flags name when there is a project file; without one, undefined (defaults, no AWS). */
  protected async environmentIfAny(): Promise<ResolvedEnvironment | undefined> {
    const { projectFilePath, readProject, resolveEnvironment } = await import('./config/project-file.js');
    const project = await readProject(projectFilePath());
    return project && resolveEnvironment(project, this.flags.environment);
  }

  /** The environment and the AWS clients for it (--region and --profile checked). */
  protected async session(): Promise<Session> {
    const { openSession } = await import('./environment/session.js');
    return openSession(this.flags);
  }

  /** The terminal's side of the Interaction port: progress, prompts, Ctrl-C (ui/command-ui.ts). */
  protected async ui(options: { interactive?: boolean } = {}): Promise<Interaction> {
    const { commandUi } = await import('./ui/command-ui.js');
    return commandUi({
      json: this.jsonEnabled(),
      verbose: this.flags.verbose,
      yes: this.flags.yes,
      interactive: options.interactive ?? this.interactive,
    });
  }

  /**
   * Ends with `exitCode` while keeping the result: through process.exitCode, not this.exit(), because oclif
   * prints the --json result only for a normal return (and would print an EEXIT error object instead).
   */
  protected finish<R>(result: R, exitCode: number): R {
    if (exitCode !== ExitCode.OK) process.exitCode = exitCode;
    return result;
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: unknown }): Promise<unknown> {
    if (error.oclif) return super.catch(error); // oclif's own parse and exit errors
    const { translateAwsError } = await import('./aws/aws-errors.js');
    const known = error instanceof UserError ? error : translateAwsError(error);
    if (known) {
      if (this.jsonEnabled()) {
        this.logJson({
          error: { code: known.code, message: known.message, suggestion: known.suggestion ?? null },
        });
      } else {
        this.logToStderr(`${style.red('Error:')} ${known.message}`);
        if (known.suggestion) this.logToStderr(`${style.dim('→')} ${known.suggestion}`);
        if (this.flags?.verbose && known.cause instanceof Error)
          this.logToStderr(style.dim(known.cause.stack ?? ''));
      }
      this.exit(known.exitCode);
    }
    if (this.jsonEnabled()) {
      this.logJson({ error: { code: 'InternalError', message: error.message, suggestion: null } });
    } else {
      this.logToStderr(`${style.red('Unexpected error:')} ${error.message}`);
    }
    if (this.flags?.verbose || process.env.DEBUG) this.logToStderr(error.stack ?? '');
    else
      this.logToStderr(
        style.dim('Run again with --verbose for the stack trace; this is a bug, please report it.'),
      );
    this.exit(ExitCode.FAILURE);
  }
}
