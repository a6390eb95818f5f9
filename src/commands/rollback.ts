import { BaseCommand } from '../base-command.js';
import { releaseFlags } from '../flags.js';
import type { ReleaseResult } from '../release/follow.js';

export default class Rollback extends BaseCommand<typeof Rollback> {
  static override summary = 'Undo a release: stop the running shift, or go back to the previous version.';
  static override description =
    `With a shift running: stops it (StopDeployment with auto-rollback); CodeDeploy \
routes all traffic back to the old version, and rollback watches that until the alias serves 100 % of it. \
Both deployment ids are reported.

With nothing running: shifts back to the version served before the last successful shift (or --to), all at \
once unless --strategy says otherwise, after asking (--yes for CI). Says so and exits 1 when there is \
nothing to roll back to.

Exit codes: 0 rolled back, 20 failed, 21 stopped by an alarm, 22 stopped, 23 detached (Ctrl-C), \
1 refused or nothing to roll back to, 2 bad input, 130 declined.`;

  static override examples = [
    {
      description: 'Stop the running shift, or go back one version (asks first)',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'From CI, without questions',
      command: '<%= config.bin %> <%= command.id %> --yes --json -e Production',
    },
    {
      description: 'Back to version 5, as a canary',
      command: '<%= config.bin %> <%= command.id %> --to 5 --strategy canary',
    },
  ];

  static override flags = {
    to: releaseFlags.to('Version to go back to (default: the one served before the last shift).'),
    strategy: releaseFlags.strategy('all-at-once, for a shift back'),
    watch: releaseFlags.watch(
      'Watch until the alias is back (default: on; plain lines without a terminal). --no-watch returns once it started.',
    ),
  };

  public async run(): Promise<ReleaseResult> {
    const { flags } = this;
    const [{ openRelease }, { rollback }, { parseStrategy, describePlan }, { releaseTerminal }, ui] =
      await Promise.all([
        import('../environment/release-context.js'),
        import('../release/rollback.js'),
        import('../release/strategy.js'),
        import('../ui/release-terminal.js'),
        this.ui(),
      ]);
    const session = await this.session();
    const config = parseStrategy(flags.strategy, 'LambdaAllAtOnce');
    const context = await openRelease(session);
    // Waiting for the alias to be back is the point of a rollback: on unless --no-watch.
    const terminal = releaseTerminal(this.speaker(), context, { watch: flags.watch ?? true });
    const { confirmOrRefuse } = await import('../ui/interaction.js');
    const result = await terminal.run((hooks) =>
      rollback(
        context,
        { to: flags.to, config },
        {
          ...hooks,
          confirm: async (target, chosen, firingAlarms) => {
            if (firingAlarms.length > 0) {
              ui.warn(
                `Alarm in ALARM: ${firingAlarms.join(', ')} — CodeDeploy may stop this deployment too.`,
              );
            }
            const question = `Shift ${context.stack.stackName} back from version ${target.from} to ${target.to} (${describePlan(chosen)})?`;
            await confirmOrRefuse(
              ui,
              question,
              `${question} No terminal to ask in.`,
              'Pass --yes to confirm (for CI).',
            );
          },
          onStopped: ({ deploymentId, rollbackDeploymentId }) => {
            this.info(`Stopped deployment ${deploymentId}.`);
            this.info(
              rollbackDeploymentId
                ? `CodeDeploy is rolling back: deployment ${rollbackDeploymentId}.`
                : 'No traffic had moved: CodeDeploy has nothing to roll back.',
            );
          },
        },
      ),
    );
    return this.finish(result, result.exitCode);
  }
}
