import { BaseCommand } from '../base-command.js';
import type { DestroyResult } from '../deploy/destroy.js';
import { Flags } from '../oclif.js';

export default class Destroy extends BaseCommand<typeof Destroy> {
  static override summary = "Delete the environment's stack (retained data stays).";
  static override description =
    `Asks for confirmation (--yes in CI). For Production, the stack name must be typed \
(or given with --confirm): --yes alone is not enough. A stack with termination protection is deleted only with \
--force. Follows the deletion and lists what was kept (DeletionPolicy Retain: the table, buckets and key in \
Production) and why.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> -e Development',
    '<%= config.bin %> <%= command.id %> -e Staging --yes',
    '<%= config.bin %> <%= command.id %> -e Production --confirm ServerlessInfra-Production --force',
  ];

  static override flags = {
    confirm: Flags.string({ summary: 'The stack name, to confirm destroying Production without a prompt.' }),
    force: Flags.boolean({ summary: 'Turn termination protection off first.' }),
  };

  async run(): Promise<DestroyResult> {
    const [{ openCommand }, { destroyStack }] = await Promise.all([
      import('../deploy/session.js'),
      import('../deploy/destroy.js'),
    ]);
    const { session, ui } = await openCommand(this.flags, {
      json: this.jsonEnabled(),
      interactive: this.interactive,
    });
    return destroyStack(session.env.stackName, session.clients, ui, {
      production: session.env.name === 'Production',
      confirmName: this.flags.confirm,
      force: this.flags.force,
    });
  }
}
