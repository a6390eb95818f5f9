import { BaseCommand } from '../base-command.js';
import type { DiffResult } from '../deploy/diff.js';

export default class Diff extends BaseCommand<typeof Diff> {
  static override summary = 'Show what deploy would change, without changing anything.';
  static override description =
    `Synthesizes the stack and asks CloudFormation for a change set (created, shown, then \
deleted: never executed), with the property-level template diff. When the stack does not exist yet, shows the local \
template diff instead. Replacement or removal of the table, buckets or key is flagged.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -e Production',
    '<%= config.bin %> <%= command.id %> --json | jq .changes',
  ];

  async run(): Promise<DiffResult> {
    const [{ openCommand }, { diffStack }, { stackSourceFromSynth }, { synthesizeFor }] = await Promise.all([
      import('../deploy/session.js'),
      import('../deploy/diff.js'),
      import('../deploy/stack-source.js'),
      import('../deploy/synth-loader.js'),
    ]);
    const { session, ui } = await openCommand(this.flags, { json: this.jsonEnabled(), interactive: false });
    const synth = await ui.step('Synthesizing', () => synthesizeFor(session.env, session.region));
    return diffStack(stackSourceFromSynth(synth), session.clients, ui);
  }
}
