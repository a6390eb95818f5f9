import {
  CancelUpdateStackCommand,
  type CloudFormationClient,
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { CancelledError, UserError } from '../errors.js';
import { confirmOrRefuse, type Interaction, type StepReport } from '../ui/interaction.js';
import {
  type MonitorListener,
  newestEventId,
  type ResourceProgress,
  rootCauses,
  StackMonitor,
  type WatchResult,
} from './stack-events.js';
import { conditionOf, describeStack } from './stack-state.js';

export interface OperationContext {
  cfn: CloudFormationClient;
  ui: Interaction;
  /** --no-wait: refuse a busy stack instead of waiting for it. */
  noWait?: boolean;
  /** Polling base interval (tests make it small). */
  pollMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type FollowOutcome = 'finished' | 'detached';

export interface FollowResult extends WatchResult {
  followed: FollowOutcome;
}

export interface FollowOptions {
  stackName: string;
  /** The stack's newest event before the operation (newestEventId): later events are the operation's. */
  after: string | undefined;
  /** Resources the operation touches (the change set's size), for "done / total". */
  expected?: number | undefined;
  title: string;
  /** Ctrl-C may offer CancelUpdateStack (updates only). */
  cancellable: boolean;
}

/**
 * Starts a stack operation and follows it: the stack's newest event is read first, so that the events after
 * it are this operation's (followed by identity, not by clock).
 */
export async function startAndFollow(
  ctx: OperationContext,
  options: Omit<FollowOptions, 'after'>,
  start: () => Promise<unknown>,
): Promise<FollowResult> {
  const after = await newestEventId(ctx.cfn, options.stackName);
  await start();
  return followOperation(ctx, { ...options, after });
}

/** Follows an operation that is already running (someone else's, or a detached deploy): from now on. */
export async function followRunning(
  ctx: OperationContext,
  options: Omit<FollowOptions, 'after'>,
): Promise<FollowResult> {
  return followOperation(ctx, { ...options, after: await newestEventId(ctx.cfn, options.stackName) });
}

/**
 * Shows a running stack operation until it ends. Ctrl-C asks: detach (the operation goes on), cancel
 * (updates only: CancelUpdateStack, then watch the rollback) or keep waiting; Ctrl-C at that question,
 * or without a terminal, detaches.
 */
export async function followOperation(ctx: OperationContext, options: FollowOptions): Promise<FollowResult> {
  const monitor = new StackMonitor(ctx.cfn);
  let title = options.title;
  for (;;) {
    const controller = new AbortController();
    const off = ctx.ui.onInterrupt(() => controller.abort());
    let result: WatchResult;
    try {
      result = await ctx.ui.step(title, async (report) => {
        const watched = await monitor.watch({
          stackName: options.stackName,
          after: options.after,
          expected: options.expected,
          signal: controller.signal,
          listener: progressListener(report),
          pollMs: ctx.pollMs,
          sleep: ctx.sleep,
        });
        if (watched.outcome === 'interrupted')
          report.interrupted('interrupted, still in progress in CloudFormation');
        return watched;
      });
    } finally {
      off();
    }
    if (result.outcome === 'finished') return { ...result, followed: 'finished' };
    const choice = await askAfterInterrupt(ctx.ui, options.cancellable);
    if (choice === 'detach') {
      ctx.ui.info(`Detached: ${options.stackName} keeps changing in CloudFormation.`);
      ctx.ui.info('Follow it with `serverless-infra status`.');
      return { ...result, followed: 'detached' };
    }
    if (choice === 'cancel') {
      await ctx.cfn.send(new CancelUpdateStackCommand({ StackName: options.stackName }));
      title = `Cancelling the update of ${options.stackName}: rolling back`;
    }
  }
}

async function askAfterInterrupt(
  ui: Interaction,
  cancellable: boolean,
): Promise<'detach' | 'cancel' | 'wait'> {
  if (!ui.interactive) return 'detach';
  const choices: Array<{ value: 'detach' | 'cancel' | 'wait'; name: string }> = [
    { value: 'detach', name: 'Detach: the operation goes on in CloudFormation' },
    ...(cancellable
      ? [
          {
            value: 'cancel' as const,
            name: 'Cancel the update: CloudFormation rolls back to the previous state',
          },
        ]
      : []),
    { value: 'wait', name: 'Keep waiting' },
  ];
  try {
    return await ui.choose('Interrupted. What now?', choices);
  } catch (error) {
    if (error instanceof CancelledError) return 'detach'; // a second Ctrl-C
    throw error;
  }
}

/** How long a resource took (AWS's timestamps) or has been running (since this run saw it start). */
function elapsed(row: ResourceProgress): string {
  const ms = row.finished ? (row.tookMs ?? 0) : Date.now() - row.seenAt;
  return `${Math.max(0, Math.round(ms / 1000))}s`;
}

/** Event lines for plain output; the rows (done / total, elapsed, reasons) for the live renderer. */
function progressListener(report: StepReport): MonitorListener {
  return {
    onEvent(event) {
      const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
      report.event(
        `${event.ResourceStatus ?? ''}  ${event.LogicalResourceId ?? ''} (${event.ResourceType ?? ''})${reason}`,
      );
    },
    onProgress(rows, done, total) {
      const active = rows.filter((r) => !r.finished || r.status.endsWith('_FAILED'));
      const lines = [`${done}/${total} resources`];
      for (const r of active.slice(-8)) {
        const reason = r.reason && r.status.endsWith('_FAILED') ? `  ${r.reason}` : '';
        lines.push(`${r.status.padEnd(20)} ${r.logicalId} ${elapsed(r)}${reason}`);
      }
      report.rows(lines.join('\n'));
    },
  };
}

/** Refuses on failure with the root causes, not just the final status. */
export function failureError(stackName: string, result: WatchResult, action: string): UserError {
  const causes = rootCauses(result.events, stackName);
  const lines = causes.map(
    (c) => `  ${c.logicalId} (${c.type}) ${c.status}: ${c.reason}${c.hint ? `\n    → ${c.hint}` : ''}`,
  );
  const status = `${stackName} ended in ${result.stackStatus ?? 'an unknown state'}`;
  return new UserError(
    `${action} failed: ${status}.${lines.length ? `\nRoot cause:\n${lines.join('\n')}` : result.stackStatusReason ? ` ${result.stackStatusReason}` : ''}`,
    {
      code: 'DeployFailed',
      suggestion: 'Fix the cause above and deploy again; `serverless-infra status` shows the stack.',
    },
  );
}

/**
 * Brings the stack to a state a change set can start from: waits for (or refuses) a busy stack, deletes
 * a ROLLBACK_COMPLETE stack (a failed first create cannot be updated), continues a failed update
 * rollback. Returns the stack as it is then (undefined: create it).
 */
export async function prepareStack(
  ctx: OperationContext,
  stackName: string,
  stack: Stack | undefined,
): Promise<Stack | undefined> {
  for (let round = 0; round < 5; round++) {
    const condition = conditionOf(stack?.StackStatus);
    switch (condition) {
      case 'absent':
      case 'review':
      case 'ready':
        return stack;
      case 'busy': {
        if (ctx.noWait) {
          throw new UserError(
            `${stackName} is busy (${stack?.StackStatus}); --no-wait refuses to wait for it.`,
            {
              code: 'StackBusy',
              suggestion: 'Run again without --no-wait to wait, or follow it with `serverless-infra status`.',
            },
          );
        }
        ctx.ui.info(`${stackName} is busy (${stack?.StackStatus}): waiting for that operation to end.`);
        await followRunning(ctx, {
          stackName,
          title: `Waiting for ${stackName} (${stack?.StackStatus})`,
          cancellable: false,
        }).then((r) => {
          if (r.followed === 'detached') throw new CancelledError('Stopped waiting. Nothing was changed.');
        });
        break;
      }
      case 'rollback-complete': {
        ctx.ui.warn(
          `${stackName} is in ROLLBACK_COMPLETE: its first creation failed, and such a stack can only be deleted. It holds no data of yours (nothing was created successfully).`,
        );
        await confirmOrRefuse(
          ctx.ui,
          `Delete ${stackName} and create it again?`,
          `${stackName} is in ROLLBACK_COMPLETE and must be deleted and created again; refusing without --yes.`,
        );
        const result = await startAndFollow(
          ctx,
          { stackName, title: `Deleting ${stackName}`, cancellable: false },
          () => ctx.cfn.send(new DeleteStackCommand({ StackName: stackName })),
        );
        if (result.followed === 'detached')
          throw new CancelledError('Detached while deleting; run deploy again later.');
        if (result.stackStatus !== 'DELETE_COMPLETE')
          throw failureError(stackName, result, 'Deleting the failed stack');
        break;
      }
      case 'update-rollback-failed': {
        const skip = await failedResources(ctx.cfn, stackName);
        ctx.ui.warn(
          `${stackName} is in UPDATE_ROLLBACK_FAILED: CloudFormation could not roll back ${skip.length ? skip.join(', ') : 'some resources'}.`,
        );
        if (skip.length) {
          ctx.ui.info(
            `Continuing the rollback can skip them (CloudFormation then treats them as rolled back; check them afterwards): ${skip.join(', ')}`,
          );
        }
        await confirmOrRefuse(
          ctx.ui,
          skip.length ? `Continue the rollback, skipping ${skip.join(', ')}?` : 'Continue the rollback?',
          `${stackName} is in UPDATE_ROLLBACK_FAILED; continuing its rollback needs confirmation (--yes).`,
        );
        const result = await startAndFollow(
          ctx,
          { stackName, title: `Continuing the rollback of ${stackName}`, cancellable: false },
          () =>
            ctx.cfn.send(
              new ContinueUpdateRollbackCommand({
                StackName: stackName,
                ResourcesToSkip: skip.length ? skip : undefined,
              }),
            ),
        );
        if (result.followed === 'detached')
          throw new CancelledError('Detached during the rollback; run deploy again later.');
        if (result.stackStatus !== 'UPDATE_ROLLBACK_COMPLETE')
          throw failureError(stackName, result, 'Continuing the rollback');
        break;
      }
      case 'broken':
        throw new UserError(
          `${stackName} is in ${stack?.StackStatus}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}; deploy cannot continue from there.`,
          {
            code: 'StackBroken',
            suggestion:
              'Look at the stack events in the CloudFormation console; `serverless-infra destroy` may be needed.',
          },
        );
    }
    stack = await describeStack(ctx.cfn, stackName);
  }
  throw new UserError(`${stackName} did not settle into a deployable state.`, { code: 'StackBusy' });
}

/** The resources whose rollback failed: the ones ContinueUpdateRollback may skip. */
async function failedResources(cfn: CloudFormationClient, stackName: string): Promise<string[]> {
  const out = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  return (out.StackResources ?? [])
    .filter((r) => r.ResourceStatus === 'UPDATE_FAILED' && r.LogicalResourceId)
    .map((r) => r.LogicalResourceId as string);
}
