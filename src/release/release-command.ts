import { BaseCommand } from '../base-command.js';
import type { Command } from '../oclif.js';
import type { ReleaseResult } from './follow.js';

/** What shift and rollback share: ending with the outcome's exit code while keeping the --json result. */
export abstract class ReleaseCommand<T extends typeof Command> extends BaseCommand<T> {
  /** Default for --watch: on when both ends are a terminal and the output is not JSON. */
  protected get watchByDefault(): boolean {
    return Boolean(process.stdout.isTTY && process.stderr.isTTY && !this.jsonEnabled());
  }

  /**
   * Ends with the outcome's exit code. Through process.exitCode, not this.exit(): oclif prints the --json
   * result only for a normal return (and would print an EEXIT error object instead).
   */
  protected finishWith(result: ReleaseResult): ReleaseResult {
    if (result.exitCode !== 0) process.exitCode = result.exitCode;
    return result;
  }

  protected async views(title: string) {
    const { createView } = await import('./view.js');
    const options = { json: this.jsonEnabled(), verbose: Boolean(this.flags.verbose) };
    return {
      view: createView({ ...options, title: `${this.id} · ${title}` }),
      rollbackView: createView({ ...options, title: `rollback · ${title}` }),
    };
  }
}
