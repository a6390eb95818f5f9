import {
  type CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { systemClock } from '../clock.js';
import { isInProgress, isMissingStack } from './stack-state.js';

/** One resource's progress, as shown in the live rows. */
export interface ResourceProgress {
  logicalId: string;
  type: string;
  status: string;
  reason?: string | undefined;
  /** When this run saw the resource start (local clock: only ever compared with the local clock). */
  seenAt: number;
  /** How long it took, from AWS's own timestamps of its first and last event (set when it ended). */
  tookMs?: number | undefined;
  /** AWS's timestamp of the resource's first event in this operation. */
  startedAt: number | undefined;
  finished: boolean;
}

export interface MonitorListener {
  /** A new event, oldest first. */
  onEvent?(event: StackEvent): void;
  /** The resource rows changed. */
  onProgress?(rows: ResourceProgress[], done: number, total: number): void;
}

export interface WatchOptions {
  /** The stack's name, or its id (a deleted stack can be read only by id). */
  stackName: string;
  /**
   * The newest event before the operation began (newestEventId): it and everything older belong to earlier
   * operations. Operations are followed by event identity, never by comparing AWS's timestamps with the
   * local clock (a skewed clock would replay old events or drop new ones). Undefined: the stack had none.
   */
  after: string | undefined;
  /** How many resources the operation touches (the change set's size), for "done / total". */
  expected?: number;
  listener?: MonitorListener;
  signal?: AbortSignal;
  /** First polling interval; it grows while nothing happens (default 1 s, at most 8×). */
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WatchResult {
  /** 'interrupted' when the signal fired before the operation ended. */
  outcome: 'finished' | 'interrupted';
  stackStatus: string | undefined;
  stackStatusReason?: string | undefined;
  events: StackEvent[];
}

const TERMINAL_RESOURCE = /_(COMPLETE|FAILED|SKIPPED)$/;

/** DescribeStacks answers older than the stack's final event, read before the event is taken as the truth. */
const MAX_STALE_READS = 10;

/** Sleeps, or returns early when the signal aborts (the same clock the release watch uses). */
export const defaultSleep = systemClock.sleep;

/**
 * Follows a stack operation through DescribeStackEvents until the stack leaves *_IN_PROGRESS. Polling is
 * adaptive: back to the base interval when events arrive, ×1.5 (up to 8× base) while nothing happens, ×2
 * on throttling, so a long update does not turn into a throttling storm.
 */
export class StackMonitor {
  private readonly seen = new Set<string>();
  private readonly rows = new Map<string, ResourceProgress>();
  readonly events: StackEvent[] = [];

  constructor(private readonly cfn: CloudFormationClient) {}

  async watch(options: WatchOptions): Promise<WatchResult> {
    const base = options.pollMs ?? 1000;
    const sleep = options.sleep ?? defaultSleep;
    let interval = base;
    let quietPolls = 0;
    /** The stack's newest event when it is a final status, until DescribeStacks agrees. */
    let finalEvent: StackEvent | undefined;
    let staleReads = 0;
    for (;;) {
      if (options.signal?.aborted) return this.result('interrupted', undefined);
      let fresh: StackEvent[] = [];
      try {
        fresh = await this.poll(options.stackName, options.after);
        interval = fresh.length > 0 ? base : Math.min(interval * 1.5, base * 8);
      } catch (error) {
        // A deleted stack can no longer be read by name: the deletion is over, once DescribeStacks agrees.
        if (isMissingStack(error)) finalEvent = { ResourceStatus: 'DELETE_COMPLETE' } as StackEvent;
        else if (!isThrottling(error)) throw error;
        else interval = Math.min(interval * 2, base * 16);
      }
      for (const event of fresh) this.record(event, options);
      const stackEvent = [...fresh].reverse().find((e) => isStackEvent(e, options.stackName));
      if (stackEvent) finalEvent = isInProgress(stackEvent.ResourceStatus) ? undefined : stackEvent;
      quietPolls = fresh.length > 0 ? 0 : quietPolls + 1;
      if (finalEvent) {
        // The stack's own event looks final: DescribeStacks must agree. In progress: more follows (a
        // rollback after CREATE_FAILED). Another final status: a read older than the event (DescribeStacks
        // is eventually consistent), so ask again, and after a few such reads take the event's word.
        const stack = await this.describe(options.stackName);
        const agrees = stack?.StackStatus === finalEvent.ResourceStatus;
        if (agrees || (!isInProgress(stack?.StackStatus) && ++staleReads > MAX_STALE_READS)) {
          return this.result(
            'finished',
            finalEvent.ResourceStatus,
            agrees ? stack?.StackStatusReason : finalEvent.ResourceStatusReason,
          );
        }
      } else if (quietPolls >= 4) {
        // Every few quiet polls, ask the stack itself: an operation may end without a final event of ours
        // (e.g. one started by someone else before we began watching).
        quietPolls = 0;
        const stack = await this.describe(options.stackName);
        if (!isInProgress(stack?.StackStatus)) {
          return this.result('finished', stack?.StackStatus, stack?.StackStatusReason);
        }
      }
      await sleep(interval, options.signal);
    }
  }

  private async describe(stackName: string) {
    try {
      const { Stacks } = await this.cfn.send(new DescribeStacksCommand({ StackName: stackName }));
      return Stacks?.[0];
    } catch (error) {
      // A deleted stack can no longer be described by name.
      if ((error as Error).name === 'ValidationError')
        return { StackStatus: 'DELETE_COMPLETE', StackStatusReason: undefined };
      throw error;
    }
  }

  /** New events since the last poll, oldest first (the API pages newest first). */
  private async poll(stackName: string, after: string | undefined): Promise<StackEvent[]> {
    const fresh: StackEvent[] = [];
    let token: string | undefined;
    pages: do {
      const page = await this.cfn.send(
        new DescribeStackEventsCommand({ StackName: stackName, NextToken: token }),
      );
      for (const event of page.StackEvents ?? []) {
        if (!event.EventId || this.seen.has(event.EventId) || event.EventId === after) break pages;
        fresh.push(event);
      }
      token = page.NextToken;
    } while (token);
    return fresh.reverse();
  }

  private record(event: StackEvent, options: WatchOptions): void {
    this.seen.add(event.EventId as string);
    this.events.push(event);
    options.listener?.onEvent?.(event);
    if (isStackEvent(event, options.stackName) || !event.LogicalResourceId) return;
    const at = event.Timestamp?.getTime();
    const row = this.rows.get(event.LogicalResourceId) ?? {
      logicalId: event.LogicalResourceId,
      type: event.ResourceType ?? '',
      status: '',
      seenAt: Date.now(),
      startedAt: at,
      finished: false,
    };
    row.status = event.ResourceStatus ?? row.status;
    row.reason = event.ResourceStatusReason;
    row.finished = TERMINAL_RESOURCE.test(row.status);
    row.tookMs =
      row.finished && at !== undefined && row.startedAt !== undefined ? at - row.startedAt : undefined;
    this.rows.set(row.logicalId, row);
    const rows = [...this.rows.values()];
    const done = rows.filter((r) => r.finished).length;
    options.listener?.onProgress?.(rows, done, Math.max(options.expected ?? 0, rows.length));
  }

  private result(
    outcome: WatchResult['outcome'],
    stackStatus: string | undefined,
    reason?: string,
  ): WatchResult {
    return { outcome, stackStatus, stackStatusReason: reason, events: this.events };
  }
}

/** The stack's own event (not a resource's); `stack` is its name or id. */
export function isStackEvent(event: StackEvent, stack: string): boolean {
  return (
    event.ResourceType === 'AWS::CloudFormation::Stack' &&
    (event.LogicalResourceId === stack || event.StackId === stack || event.PhysicalResourceId === stack)
  );
}

/**
 * The id of the stack's newest event (one DescribeStackEvents call), to follow the next operation by
 * identity: the events after it are that operation's. Undefined when the stack has none or does not exist.
 */
export async function newestEventId(cfn: CloudFormationClient, stack: string): Promise<string | undefined> {
  try {
    const page = await cfn.send(new DescribeStackEventsCommand({ StackName: stack }));
    return page.StackEvents?.[0]?.EventId;
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw error;
  }
}

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  return /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(name);
}

/** A failure worth showing: the first failures that are not the knock-on cancellations of others. */
export interface RootCause {
  logicalId: string;
  type: string;
  status: string;
  reason: string;
  hint?: string | undefined;
}

const CANCELLED = /cancelled|canceled|Resource creation cancelled|Resource update cancelled/i;
/** Reasons that only point at another failure. */
const KNOCK_ON = /The following resource\(s\) failed to|Stack creation failed|Resource\(s\) failed to/i;

/** Hints for reasons seen often enough to name the fix. */
const HINTS: Array<[RegExp, string]> = [
  [
    /ReservedConcurrentExecutions|UnreservedConcurrentExecution/i,
    'The account has too little unreserved Lambda concurrency: lower reservedConcurrency in the project file or ask AWS for a higher quota.',
  ],
  [
    /already exists/i,
    'A resource with that name exists outside this stack: delete or import it, or rename it.',
  ],
  [/AccessDenied|not authorized|UnauthorizedOperation/i, 'Your credentials lack a permission named above.'],
  [
    /BucketAlreadyExists|BucketAlreadyOwnedByYou/i,
    'Bucket names are global: change resourceId in the project file.',
  ],
  [
    /limit exceeded|LimitExceeded|quota/i,
    'An account quota is reached: raise it in Service Quotas or delete unused resources.',
  ],
  [/KMS|key .* (disabled|pending deletion)/i, 'Check the KMS key state and its key policy.'],
  [
    /S3 error: Access Denied|NoSuchKey|code.*S3/i,
    'The Lambda code object is missing or unreadable: run deploy with --force to re-publish assets.',
  ],
];

export function hintFor(reason: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(reason))?.[1];
}

/** The events that explain a failed operation, oldest first, with a hint where one is known. */
export function rootCauses(events: StackEvent[], stackName: string): RootCause[] {
  const failures = events.filter(
    (e) =>
      e.ResourceStatus?.endsWith('_FAILED') &&
      !CANCELLED.test(e.ResourceStatusReason ?? '') &&
      !(isStackEvent(e, stackName) && KNOCK_ON.test(e.ResourceStatusReason ?? '')),
  );
  const specific = failures.filter((e) => !isStackEvent(e, stackName));
  const chosen = (specific.length > 0 ? specific : failures).slice(0, 3);
  return chosen.map((e) => {
    const reason = e.ResourceStatusReason ?? '(no reason given)';
    return {
      logicalId: e.LogicalResourceId ?? '',
      type: e.ResourceType ?? '',
      status: e.ResourceStatus ?? '',
      reason,
      hint: hintFor(reason),
    };
  });
}
