import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../clock.js';
import { UsageError } from '../errors.js';

/**
 * The function's CloudWatch Logs, read with FilterLogEvents: a window's events oldest first (newest last),
 * optionally one version's (Lambda names a stream `YYYY/MM/DD/[version]hash`: "Lambda function logging",
 * Lambda developer guide), and a follow loop that polls adaptively until its signal aborts.
 */
export interface LogEvent {
  eventId: string;
  timestamp: number;
  stream: string;
  /** The version that wrote it, from its stream's `[N]` ($LATEST included). */
  version: string | undefined;
  message: string;
}

export interface LogQuery {
  logGroupName: string;
  /** AWS's time (ms) from which events are read. */
  startTime: number;
  endTime?: number | undefined;
  /** Only this version's streams. */
  version?: string | undefined;
  /** A CloudWatch Logs filter pattern (filterPattern of FilterLogEvents). */
  filterPattern?: string | undefined;
}

const STREAM_VERSION = /\[([^\]]+)\]/;

export function versionOfStream(stream: string): string | undefined {
  return STREAM_VERSION.exec(stream)?.[1];
}

/**
 * `--filter TEXT` as a filter pattern: a pattern already (starting with `{`, `[`, `"` or `?`, the filter
 * pattern syntax's forms) passes as is; plain text becomes one quoted term, matched as a phrase.
 */
export function filterPatternOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (/^[{["?]/.test(text)) return text;
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** `10m`, `2h`, `30s`, `1d` -> milliseconds. */
export function parseSince(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `--since ${text}: expected a duration such as 30s, 10m, 2h or 1d.`,
      'Pass --since with a number and a unit (s, m, h, d).',
    );
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const toEvent = (e: FilteredLogEvent): LogEvent => ({
  eventId: e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`,
  timestamp: e.timestamp ?? 0,
  stream: e.logStreamName ?? '',
  version: versionOfStream(e.logStreamName ?? ''),
  message: (e.message ?? '').replace(/\n$/, ''),
});

/** Every event of the window (all pages), oldest first. */
export async function readLogEvents(
  logs: CloudWatchLogsClient,
  query: LogQuery,
  options: { maxPages?: number; signal?: AbortSignal | undefined } = {},
): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const answer = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: query.logGroupName,
        startTime: Math.max(0, Math.floor(query.startTime)),
        ...(query.endTime !== undefined ? { endTime: Math.floor(query.endTime) } : {}),
        ...(query.filterPattern ? { filterPattern: query.filterPattern } : {}),
        ...(nextToken ? { nextToken } : {}),
      }),
      { abortSignal: options.signal },
    );
    events.push(...(answer.events ?? []).map(toEvent));
    nextToken = answer.nextToken;
    pages++;
  } while (nextToken && pages < (options.maxPages ?? 20));
  return events
    .filter((e) => !query.version || e.version === query.version)
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** Follow's pace: at once after news, then slower while nothing comes (up to 10 s); throttling doubles it. */
export const FOLLOW_TIMING = { minMs: 1_000, maxMs: 10_000 };

/**
 * Prints the window, then polls for newer events until `signal` aborts: each poll reads from the newest
 * timestamp seen (inclusive: events of the same millisecond may arrive later), and drops the ids already shown.
 */
export async function followLogEvents(
  logs: CloudWatchLogsClient,
  query: LogQuery,
  onEvents: (events: LogEvent[]) => void,
  options: { clock: Clock; signal: AbortSignal },
): Promise<void> {
  const { clock, signal } = options;
  const seen = new Set<string>();
  let since = query.startTime;
  let interval = FOLLOW_TIMING.minMs;
  while (!signal.aborted) {
    let fresh: LogEvent[] = [];
    try {
      const events = await readLogEvents(
        logs,
        { ...query, startTime: since, endTime: undefined },
        { signal },
      );
      fresh = events.filter((e) => !seen.has(e.eventId));
      interval = fresh.length > 0 ? FOLLOW_TIMING.minMs : Math.min(interval * 2, FOLLOW_TIMING.maxMs);
    } catch (error) {
      if (signal.aborted) return;
      if (!/Throttl|TooManyRequests|RateExceeded/i.test((error as Error).name ?? '')) throw error;
      interval = Math.min(interval * 2, FOLLOW_TIMING.maxMs);
    }
    if (fresh.length > 0) {
      for (const e of fresh) seen.add(e.eventId);
      since = Math.max(since, ...fresh.map((e) => e.timestamp));
      onEvents(fresh);
    }
    await clock.sleep(interval, signal).catch(() => {});
  }
}
