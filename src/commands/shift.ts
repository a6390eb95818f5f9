import { loadProject, resolveEnvironment } from '../config/project-file.js';
import { Flags } from '../oclif.js';
import type { ReleaseResult } from '../release/follow.js';
import { ReleaseCommand } from '../release/release-command.js';

export default class Shift extends ReleaseCommand<typeof Shift> {
  static override summary = 'Move the live alias to a new version through CodeDeploy, and watch it.';
  static override description =
    `Starts a CodeDeploy deployment that shifts the alias \`live\` from the version it serves \
to the newest version \`deploy\` published (or --to), with the environment's release strategy (or --strategy): \
canary (10 % first, the rest after the bake time), linear (+10 % at each step) or all at once. The deployment \
group's CloudWatch alarms stop the shift and roll it back.

Refuses, saying why, when the alias already serves the target, when the version does not exist, when an alarm \
of the group is already firing (--force overrides) or when a deployment is already running (--watch attaches to it).

--watch (the default on a terminal) shows the split live until the end: old | new %, the next step and when, \
lifecycle hooks, alarms. Ctrl-C stops watching, not the deployment.

Exit codes: 0 succeeded (or started, without --watch), 20 failed, 21 rolled back by an alarm, 22 stopped, \
23 detached (Ctrl-C), 1 refused, 2 bad input.`;

  static override examples = [
    {
      description: 'Release the newest version with the configured strategy, watching live',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Re-release version 7, all at once',
      command: '<%= config.bin %> <%= command.id %> --to 7 --strategy all-at-once',
    },
    {
      description: 'Attach to the shift already running',
      command: '<%= config.bin %> <%= command.id %> --watch -e Production',
    },
    {
      description: 'From CI: start, wait for the end, read the result',
      command: '<%= config.bin %> <%= command.id %> --watch --json -e Production',
    },
  ];

  static override flags = {
    to: Flags.string({ summary: 'Version to release (default: the newest published version).' }),
    strategy: Flags.string({
      summary: 'canary, linear or all-at-once (or a CodeDeployDefault.Lambda… name).',
      description: "Default: the environment's releaseStrategy in the project file.",
      env: 'SERVERLESS_INFRA_STRATEGY',
    }),
    watch: Flags.boolean({
      summary: 'Watch the deployment live until it ends; attach to one already running.',
      description: 'Default: on when stdout and stderr are a terminal.',
      allowNo: true,
    }),
    force: Flags.boolean({ summary: 'Shift even though an alarm of the deployment group is in ALARM.' }),
  };

  public async run(): Promise<ReleaseResult> {
    const { flags } = this;
    const env = resolveEnvironment(await loadProject(), flags.environment);
    const { parseStrategy } = await import('../release/strategy.js');
    const config = parseStrategy(flags.strategy, env.releaseStrategy);
    const watch = flags.watch ?? this.watchByDefault;
    const reattach = `serverless-infra shift --watch -e ${env.name}`;

    const [{ openRelease }, { shift }, { withDetach }, report] = await Promise.all([
      import('../release/context.js'),
      import('../release/shift.js'),
      import('../release/detach.js'),
      import('../release/report.js'),
    ]);
    const context = await openRelease(env, { region: flags.region, profile: flags.profile });
    const views = await this.views(env.stackName);
    const result = await withDetach((signal) =>
      shift(
        context,
        { to: flags.to, config, attach: watch, force: flags.force },
        {
          watch,
          signal,
          ...views,
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
