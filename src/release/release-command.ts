import type { Command } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import type { ReleaseResult } from './follow.js';

/** What shift and rollback share: ending with the outcome's exit code while keeping the --json result. */
export abstract class ReleaseCommand<T extends typeof Command> extends BaseCommand<T> {
  /** Default for --watch: on when both ends are a terminal and the output is not JSON. */
  protected get watchByDefault(): boolean {
    return Boolean(process.stdout.isTTY && process.stderr.isTTY && !this.jsonEnabled());
  }

  /** oclif prints the JSON result only for a normal return, so print it before exiting non-zero. */
  protected finishWith(result: ReleaseResult): ReleaseResult {
    if (result.exitCode !== 0) {
      if (this.jsonEnabled()) this.logJson(result);
      this.exit(result.exitCode);
    }
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
