import { BaseCommand } from '../base-command.js';
import type { DiffResult } from '../deploy/diff.js';
import { stackFlags } from '../flags.js';

export default class Diff extends BaseCommand<typeof Diff> {
  static override summary = 'Show what deploy would change, without changing anything.';
  static override description =
    `Synthesizes the stack and compares it as deploy does (the same parameters, the same "nothing \
to do" check); when something differs, asks CloudFormation for a change set (created, shown, then deleted: never \
executed), with the property-level template diff. When the stack does not exist yet, shows the local template diff \
instead. Replacement or removal of the table, buckets or key is flagged.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production',
    '<%= config.bin %> <%= command.id %> --json | jq .changes',
  ];

  static override flags = { validate: stackFlags.validate };

  async run(): Promise<DiffResult> {
    const { diffApp } = await import('../environment/deploy.js');
    return diffApp(await this.session(), await this.ui({ interactive: false }), {
      validate: this.flags.validate,
    });
  }
}
