import { ExitCode, UserError } from './errors.js';
import { Command, Flags, type Interfaces } from './oclif.js';
import { style } from './ui/style.js';
import { isInteractive } from './ui/terminal.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

const GLOBAL = 'GLOBAL';

/**
 * The flags every command shares, JSON output, and one error policy: a UserError prints its message and
 * suggestion (or a JSON error object under --json) and exits with its code; anything else is a bug.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    environment: Flags.string({
      char: 'e',
      summary: 'Environment of the project file: Production, Staging or Development.',
      description: 'May be omitted when the project file has only one environment.',
      env: 'SERVERLESS_INFRA_ENVIRONMENT',
      helpGroup: GLOBAL,
    }),
    profile: Flags.string({
      summary: 'AWS named profile (default: AWS_PROFILE or default).',
      helpGroup: GLOBAL,
    }),
    region: Flags.string({
      summary: 'AWS region (overrides the project file).',
      env: 'SERVERLESS_INFRA_REGION',
      helpGroup: GLOBAL,
    }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Answer yes to every confirmation (for CI).',
      helpGroup: GLOBAL,
    }),
    verbose: Flags.boolean({ summary: 'Plain, detailed progress: one line per event.', helpGroup: GLOBAL }),
  };

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

  /** May this run ask questions? Never under --json, in CI or without a terminal. */
  protected get interactive(): boolean {
    return isInteractive({ json: this.jsonEnabled() });
  }

  /** Human-facing progress and messages go to stderr, so stdout stays clean for results and --json. */
  protected info(message = ''): void {
    if (!this.jsonEnabled()) this.logToStderr(message);
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: unknown }): Promise<unknown> {
    if (error instanceof UserError) {
      if (this.jsonEnabled()) {
        this.logJson({
          error: { code: error.code, message: error.message, suggestion: error.suggestion ?? null },
        });
      } else {
        this.logToStderr(`${style.red('Error:')} ${error.message}`);
        if (error.suggestion) this.logToStderr(`${style.dim('→')} ${error.suggestion}`);
      }
      this.exit(error.exitCode);
    }
    if (error.oclif) return super.catch(error); // oclif's own parse and exit errors
    this.logToStderr(`${style.red('Unexpected error:')} ${error.message}`);
    if (this.flags?.verbose || process.env.DEBUG) this.logToStderr(error.stack ?? '');
    else
      this.logToStderr(
        style.dim('Run again with --verbose for the stack trace; this is a bug, please report it.'),
      );
    this.exit(ExitCode.FAILURE);
  }
}
