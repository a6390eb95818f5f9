import { BaseCommand } from '../base-command.js';
import type { DestroyResult } from '../deploy/destroy.js';
import { ExitCode } from '../errors.js';
import { Flags } from '../oclif.js';

export default class Destroy extends BaseCommand<typeof Destroy> {
  static override summary = "Delete the environment's stack (retained data stays).";
  static override description =
    `Asks for confirmation (--yes in CI). For Production, the stack name must be typed \
(or given with --confirm): --yes alone is not enough. A stack with termination protection is deleted only with \
--disable-termination-protection. Refused while a traffic shift is in flight. Follows the deletion and lists what \
was kept (DeletionPolicy Retain: the table, buckets and key in Production) and why.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> -e Development',
    '<%= config.bin %> <%= command.id %> -e Staging --yes',
    '<%= config.bin %> <%= command.id %> -e Production --confirm ServerlessInfra-Production --disable-termination-protection',
  ];

  static override flags = {
    confirm: Flags.string({ summary: 'The stack name, to confirm destroying Production without a prompt.' }),
    'disable-termination-protection': Flags.boolean({
      summary: 'Turn termination protection off first (Production has it on).',
      aliases: ['force'],
      deprecateAliases: true,
    }),
  };

  async run(): Promise<DestroyResult> {
    const { destroyApp } = await import('../environment/destroy.js');
    const result = await destroyApp(await this.session(), await this.ui(), {
      confirmName: this.flags.confirm,
      disableTerminationProtection: this.flags['disable-termination-protection'],
    });
    return this.finish(result, result.outcome === 'detached' ? ExitCode.DETACHED : ExitCode.OK);
  }
}
