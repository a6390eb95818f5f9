import { type Clock, systemClock } from '../clock.js';
import { ExitCode } from '../errors.js';
import { describeAlarms, firing } from './alarms.js';
import type { ReleaseContext } from './context.js';
import { findInFlight, getDeployment, isInFlight, stopWithRollback } from './deployment.js';
import type { ReleaseResult } from './follow.js';
import { listReleases } from './history.js';
import { announceAndFinish, finish, type ReleaseHooks, startShift } from './shift.js';
import type { ReleaseConfig } from './strategy.js';
import { chooseRollbackTarget, type ReleaseTarget } from './target.js';
import { getAliasTraffic, listVersions } from './versions.js';

export type RollbackPlan =
  /** A shift is running: stop it and let CodeDeploy route the traffic back. */
  | { kind: 'stop'; deploymentId: string }
  /** CodeDeploy is already rolling back: just watch. */
  | { kind: 'watch'; deploymentId: string }
  /** Nothing running: a new deployment back to the previous (or given) version. */
  | { kind: 'shift-back'; target: ReleaseTarget; config: ReleaseConfig; firingAlarms: string[] };

export async function planRollback(
  context: ReleaseContext,
  request: { to?: string | undefined; config: ReleaseConfig },
): Promise<RollbackPlan> {
  const { clients, stack, group } = context;
  const running = await findInFlight(clients.codedeploy, stack);
  if (running) {
    const info = await getDeployment(clients.codedeploy, running);
    return { kind: info.creator === 'codeDeployRollback' ? 'watch' : 'stop', deploymentId: running };
  }
  const [versions, traffic, releases] = await Promise.all([
    listVersions(clients.lambda, stack.functionName),
    getAliasTraffic(clients.lambda, stack.functionName, stack.aliasName),
    listReleases(clients.codedeploy, stack, 25),
  ]);
  const target = chooseRollbackTarget({
    functionName: stack.functionName,
    versions,
    traffic,
    releases,
    requested: request.to,
  });
  const alarms = firing(await describeAlarms(clients.cloudwatch, group.alarmNames)).map((a) => a.name);
  return { kind: 'shift-back', target, config: request.config, firingAlarms: alarms };
}

/**
 * StopDeployment with auto-rollback, then the id of the rollback deployment CodeDeploy starts
 * (undefined when it starts none, e.g. no traffic had moved yet).
 */
export async function stopInFlight(
  context: ReleaseContext,
  deploymentId: string,
  options: { clock?: Clock; signal?: AbortSignal | undefined; waitMs?: number } = {},
): Promise<string | undefined> {
  const clock = options.clock ?? systemClock;
  await stopWithRollback(context.clients.codedeploy, deploymentId);
  const stoppedAt = clock.now();
  const deadline = stoppedAt + (options.waitMs ?? 30_000);
  for (;;) {
    const info = await getDeployment(context.clients.codedeploy, deploymentId);
    if (info.rollbackInfo?.rollbackDeploymentId) return info.rollbackInfo.rollbackDeploymentId;
    // Stopped and still no rollback a few seconds on: CodeDeploy had nothing to route back.
    const settled = !isInFlight(info.status) && clock.now() - stoppedAt >= 5_000;
    if (settled || clock.now() >= deadline || options.signal?.aborted) return undefined;
    await clock.sleep(1_000, options.signal);
  }
}

export interface RollbackHooks extends ReleaseHooks {
  /** Asked before a shift back (not before stopping a running shift); throws to refuse or cancel. */
  confirm(target: ReleaseTarget, config: ReleaseConfig, firingAlarms: string[]): Promise<void>;
  /** A running shift was stopped; CodeDeploy's rollback deployment (if any) follows. */
  onStopped(event: { deploymentId: string; rollbackDeploymentId?: string | undefined }): void;
}

/** `rollback`: stop a running shift (and watch CodeDeploy roll it back), or shift back to the previous version. */
export async function rollback(
  context: ReleaseContext,
  request: { to?: string | undefined; config: ReleaseConfig },
  hooks: RollbackHooks,
): Promise<ReleaseResult> {
  const plan = await planRollback(context, request);
  if (plan.kind === 'watch') return announceAndFinish(context, plan.deploymentId, hooks);
  if (plan.kind === 'stop') {
    const rollbackId = await stopInFlight(context, plan.deploymentId, {
      ...(hooks.clock ? { clock: hooks.clock } : {}),
      signal: hooks.signal,
    });
    hooks.onStopped({ deploymentId: plan.deploymentId, rollbackDeploymentId: rollbackId });
    if (!rollbackId) {
      // Stopped before any traffic moved: CodeDeploy has nothing to roll back.
      const result = await finish(context, plan.deploymentId, true, { ...hooks, watch: false });
      const back = result.from !== undefined && (result.traffic?.[result.from] ?? 0) >= 100;
      return {
        ...result,
        stoppedDeploymentId: plan.deploymentId,
        exitCode: back ? ExitCode.OK : result.exitCode,
      };
    }
    return finish(context, rollbackId, false, hooks, plan.deploymentId);
  }
  await hooks.confirm(plan.target, plan.config, plan.firingAlarms);
  return announceAndFinish(context, await startShift(context, plan, 'rollback'), hooks, plan);
}
