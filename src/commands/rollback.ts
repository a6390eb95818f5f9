import { loadProject, resolveEnvironment } from '../config/project-file.js';
import { UsageError } from '../errors.js';
import { Flags } from '../oclif.js';
import type { ReleaseResult } from '../release/follow.js';
import { ReleaseCommand } from '../release/release-command.js';

export default class Rollback extends ReleaseCommand<typeof Rollback> {
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
    to: Flags.string({ summary: 'Version to go back to (default: the one served before the last shift).' }),
    strategy: Flags.string({
      summary: 'canary, linear or all-at-once (default: all-at-once) for a shift back.',
      env: 'SERVERLESS_INFRA_ROLLBACK_STRATEGY',
    }),
    watch: Flags.boolean({
      summary:
        'Show the rollback live (default on a terminal; plain lines otherwise). --no-watch returns once it started.',
      allowNo: true,
    }),
  };

  public async run(): Promise<ReleaseResult> {
    const { flags } = this;
    const env = resolveEnvironment(await loadProject(), flags.environment);
    const { parseStrategy } = await import('../release/strategy.js');
    const config = parseStrategy(flags.strategy, 'LambdaAllAtOnce');
    const reattach = `serverless-infra shift --watch -e ${env.name}`;
    const [{ openRelease }, { rollback }, { withDetach }, report, prompts, { describePlan }] =
      await Promise.all([
        import('../release/context.js'),
        import('../release/rollback.js'),
        import('../release/detach.js'),
        import('../release/report.js'),
        import('../ui/prompts.js'),
        import('../release/strategy.js'),
      ]);
    const context = await openRelease(env, { region: flags.region, profile: flags.profile });
    const views = await this.views(env.stackName);

    const result = await withDetach((signal) =>
      rollback(
        context,
        { to: flags.to, config },
        {
          // Waiting for the alias to be back is the point of a rollback: on unless --no-watch.
          watch: flags.watch ?? true,
          signal,
          ...views,
          confirm: async (target, chosen, firingAlarms) => {
            const question = `Shift ${env.stackName} back from version ${target.from} to ${target.to} (${describePlan(chosen)})?`;
            if (firingAlarms.length > 0) {
              this.info(
                `Alarm in ALARM: ${firingAlarms.join(', ')} — CodeDeploy may stop this deployment too.`,
              );
            }
            if (flags.yes) return true;
            if (!this.interactive) {
              throw new UsageError(`${question} No terminal to ask in.`, 'Pass --yes to confirm (for CI).');
            }
            return prompts.askConfirm({ message: question, default: false });
          },
          onStopped: ({ deploymentId, rollbackDeploymentId }) => {
            this.info(`Stopped deployment ${deploymentId}.`);
            this.info(
              rollbackDeploymentId
                ? `CodeDeploy is rolling back: deployment ${rollbackDeploymentId}.`
                : 'No traffic had moved: CodeDeploy has nothing to roll back.',
            );
          },
          onStarted: (event) => {
            for (const line of report.startedLines(event, reattach)) this.info(line);
          },
        },
      ),
    );
    for (const line of report.outcomeLines(result, reattach)) this.info(line);
    return this.finishWith(result);
  }
}
