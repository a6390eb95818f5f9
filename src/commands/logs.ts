import { BaseCommand } from '../base-command.js';
import { Flags } from '../oclif.js';

export interface LogsResult {
  logGroupName: string;
  /** The events of the window, oldest first (raw messages; `version` from the stream name). */
  events: Array<{ timestamp: string; version: string | null; stream: string; message: string }>;
}

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = "Show the function's logs, newest last; --follow keeps them coming.";
  static override description =
    `Reads the function's CloudWatch Logs (FilterLogEvents) from --since ago (default 10m), \
oldest first: request ids and levels coloured, the runtime's JSON log lines shown as "LEVEL message key=value". \
--version N keeps one version's lines (Lambda names each log stream after the version that wrote it): during a \
shift, the old and the new version apart. --filter TEXT keeps the lines containing TEXT (or a CloudWatch Logs \
filter pattern such as '{ $.level = "ERROR" }'). --follow polls for new lines (every second while they come, \
up to every 10 s when quiet) until Ctrl-C. --json: the raw events (with --follow, one JSON object a line).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --since 1h',
    '<%= config.bin %> <%= command.id %> --follow --version 8',
    '<%= config.bin %> <%= command.id %> --filter ERROR --json',
  ];

  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'Keep polling for new lines until Ctrl-C.' }),
    since: Flags.string({ summary: 'How far back to start: 30s, 10m, 2h, 1d.', default: '10m' }),
    version: Flags.string({ summary: 'Only the lines of this version (e.g. 8, or $LATEST).' }),
    filter: Flags.string({
      summary: 'Only lines containing this text (or a CloudWatch Logs filter pattern).',
    }),
  };

  public async run(): Promise<LogsResult | undefined> {
    const { flags } = this;
    const [{ openLogs }, events, { formatLogEvent }, { withDetach }, { systemClock }] = await Promise.all([
      import('../environment/logs.js'),
      import('../logs/events.js'),
      import('../ui/log-lines.js'),
      import('../ui/detach.js'),
      import('../clock.js'),
    ]);
    const since = events.parseSince(flags.since);
    const target = await openLogs(await this.session());
    const query = {
      logGroupName: target.logGroupName,
      startTime: target.serverNow() - since,
      version: flags.version,
      filterPattern: events.filterPatternOf(flags.filter),
    };
    const raw = (e: import('../logs/events.js').LogEvent) => ({
      timestamp: new Date(e.timestamp).toISOString(),
      version: e.version ?? null,
      stream: e.stream,
      message: e.message,
    });
    if (!flags.follow) {
      const found = await events.readLogEvents(target.logs, query);
      for (const e of found) this.result(formatLogEvent(e));
      if (found.length === 0) this.info(`No log lines in ${target.logGroupName} since ${flags.since} ago.`);
      return { logGroupName: target.logGroupName, events: found.map(raw) };
    }
    this.info(
      `Following ${target.logGroupName}${flags.version ? ` (version ${flags.version})` : ''}. Ctrl-C stops.`,
    );
    await withDetach((signal) =>
      events.followLogEvents(
        target.logs,
        query,
        (fresh) => {
          for (const e of fresh) {
            if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify(raw(e))}\n`);
            else this.result(formatLogEvent(e));
          }
        },
        { clock: systemClock, signal },
      ),
    );
    return undefined;
  }
}
