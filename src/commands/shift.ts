import { BaseCommand } from '../base-command.js';
import { releaseFlags } from '../flags.js';
import { Flags } from '../oclif.js';
import type { ReleaseResult } from '../release/follow.js';

export default class Shift extends BaseCommand<typeof Shift> {
  static override summary = 'Move the live alias to a new version through CodeDeploy, and watch it.';
  static override description =
    `Starts a CodeDeploy deployment that shifts the alias \`live\` from the version it serves \
to the newest version \`deploy\` published (or --to), with the environment's release strategy (or --strategy): \
canary (10 % first, the rest after the bake time), linear (+10 % at each step) or all at once. The deployment \
group's CloudWatch alarms stop the shift and roll it back.

Refuses, saying why, when the alias already serves the target, when the version does not exist, when an alarm \
of the group is already firing (--ignore-alarms overrides) or when a deployment is already running (--watch \
attaches to it).

Before any traffic moves, the stack's smoke-test hook checks the new version (BeforeAllowTraffic, again \
AfterAllowTraffic); a failed check stops the shift with its reason (exit 20).

--watch (the default on a terminal) shows the split live until the end: old | new %, the next step and when, \
lifecycle hooks and the smoke test's steps, alarms, and each version's requests, errors and p50/p99 latency. \
Ctrl-C stops watching, not the deployment.

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
    to: releaseFlags.to('Version to release (default: the newest published version).'),
    strategy: releaseFlags.strategy("the environment's releaseStrategy in the project file"),
    watch: releaseFlags.watch('Watch the deployment live until it ends; attach to one already running.'),
    'ignore-alarms': Flags.boolean({
      summary: 'Shift even though an alarm of the deployment group is in ALARM.',
      aliases: ['force'],
      deprecateAliases: true,
    }),
  };

  public async run(): Promise<ReleaseResult> {
    const { flags } = this;
    const [{ openRelease }, { shift }, { parseStrategy }, { releaseTerminal }, { watchesByDefault }] =
      await Promise.all([
        import('../environment/release-context.js'),
        import('../release/shift.js'),
        import('../release/strategy.js'),
        import('../ui/release-terminal.js'),
        import('../ui/terminal.js'),
      ]);
    const session = await this.session();
    const config = parseStrategy(flags.strategy, session.env.releaseStrategy);
    const watch = flags.watch ?? watchesByDefault(this.jsonEnabled());
    const context = await openRelease(session);
    const terminal = releaseTerminal(this.speaker(), context, { watch });
    const result = await terminal.run((hooks) =>
      shift(context, { to: flags.to, config, attach: watch, force: flags['ignore-alarms'] }, hooks),
    );
    return this.finish(result, result.exitCode);
  }
}
