import { type Clock, systemClock } from '../clock.js';
import { ExitCode, UserError } from '../errors.js';
import { describeAlarms, firing } from './alarms.js';
import type { ReleaseContext } from './context.js';
import { consoleLink, createReleaseDeployment, findInFlight, getDeployment } from './deployment.js';
import {
  currentTraffic,
  followDeployment,
  type ReleaseResult,
  type ReleaseView,
  releaseResult,
} from './follow.js';
import { computeSnapshot } from './snapshot.js';
import { describePlan, type ReleaseConfig } from './strategy.js';
import { chooseShiftTarget, type ReleaseTarget } from './target.js';
import { getAliasTraffic, listVersions } from './versions.js';

export interface ShiftRequest {
  to?: string | undefined;
  config: ReleaseConfig;
  /** Attach to a running deployment instead of refusing. */
  attach: boolean;
  /** Start even though an alarm of the group is firing. */
  force: boolean;
}

export interface StartPlan {
  kind: 'start';
  target: ReleaseTarget;
  config: ReleaseConfig;
  firingAlarms: string[];
}

export type ShiftPlan = { kind: 'attach'; deploymentId: string } | StartPlan;

/** Decides what `shift` does, refusing (UserError with the reason) what it must not do. Changes nothing. */
export async function planShift(context: ReleaseContext, request: ShiftRequest): Promise<ShiftPlan> {
  const { clients, stack, group } = context;
  const running = await findInFlight(clients.codedeploy, stack);
  if (running) {
    if (request.attach) return { kind: 'attach', deploymentId: running };
    throw new UserError(`Deployment ${running} is already shifting traffic for ${stack.deploymentGroup}.`, {
      code: 'DeploymentInFlight',
      suggestion:
        'Watch it with `serverless-infra shift --watch`, or stop it with `serverless-infra rollback`.',
    });
  }
  const [versions, traffic] = await Promise.all([
    listVersions(clients.lambda, stack.functionName),
    getAliasTraffic(clients.lambda, stack.functionName, stack.aliasName),
  ]);
  const target = chooseShiftTarget({
    functionName: stack.functionName,
    versions,
    traffic,
    requested: request.to,
  });
  const alarms = firing(await describeAlarms(clients.cloudwatch, group.alarmNames)).map((a) => a.name);
  if (alarms.length > 0 && !request.force) {
    throw new UserError(
      `Alarm${alarms.length > 1 ? 's' : ''} ${alarms.join(', ')} ${alarms.length > 1 ? 'are' : 'is'} in ALARM: CodeDeploy would stop the shift and roll it back.`,
      {
        code: 'AlarmFiring',
        exitCode: ExitCode.FAILURE,
        suggestion: 'Find out why first; pass --ignore-alarms to shift anyway.',
      },
    );
  }
  return { kind: 'start', target, config: request.config, firingAlarms: alarms };
}

export async function startShift(
  context: ReleaseContext,
  plan: Omit<StartPlan, 'kind'>,
  purpose: 'shift' | 'rollback' = 'shift',
): Promise<string> {
  return createReleaseDeployment(
    context.clients.codedeploy,
    context.stack,
    plan.target,
    plan.config,
    purpose,
  );
}

export interface ReleaseHooks {
  /** The deployment exists (started or attached to): say its id and console link. */
  onStarted(event: StartedEvent): void;
  /** Watch until the end; otherwise return right after starting. */
  watch: boolean;
  view: ReleaseView;
  rollbackView?: ReleaseView;
  signal?: AbortSignal | undefined;
  clock?: Clock;
}

export interface StartedEvent {
  deploymentId: string;
  consoleUrl: string;
  attached: boolean;
  target?: ReleaseTarget | undefined;
  config?: ReleaseConfig | undefined;
  /** How the config moves traffic, in words ("canary: 10 % for 5 min, then 100 %"). */
  plan?: string | undefined;
  firingAlarms?: string[] | undefined;
}

/** `shift`: plan (refusing what it must), start or attach, then watch to the end if asked. */
export async function shift(
  context: ReleaseContext,
  request: ShiftRequest,
  hooks: ReleaseHooks,
): Promise<ReleaseResult> {
  const plan = await planShift(context, request);
  if (plan.kind === 'attach') return announceAndFinish(context, plan.deploymentId, hooks);
  return announceAndFinish(context, await startShift(context, plan), hooks, plan);
}

/** Says the deployment exists (started by us, or attached to without `started`), then finishes it. */
export async function announceAndFinish(
  context: ReleaseContext,
  deploymentId: string,
  hooks: ReleaseHooks,
  started?: Omit<StartPlan, 'kind'>,
): Promise<ReleaseResult> {
  hooks.onStarted({
    deploymentId,
    consoleUrl: consoleLink(context.region, deploymentId),
    attached: !started,
    target: started?.target,
    config: started?.config,
    plan: started?.config ? describePlan(started.config) : undefined,
    firingAlarms: started?.firingAlarms,
  });
  return finish(context, deploymentId, !started, hooks);
}

/** Watches (or just reads once) and builds the result, shared by shift and rollback. */
export async function finish(
  context: ReleaseContext,
  deploymentId: string,
  attached: boolean,
  hooks: ReleaseHooks,
  stoppedDeploymentId?: string,
): Promise<ReleaseResult> {
  const clock = hooks.clock ?? systemClock;
  if (!hooks.watch) {
    const info = await getDeployment(context.clients.codedeploy, deploymentId);
    const now = clock.now();
    const snapshot = computeSnapshot(
      { deploymentId, deployment: info, alarms: [] },
      now,
      context.serverNow() - now,
    );
    return releaseResult(context, snapshot, {
      attached,
      stoppedDeploymentId,
      traffic: await currentTraffic(context),
    });
  }
  const followed = await followDeployment(context, deploymentId, {
    view: hooks.view,
    ...(hooks.rollbackView ? { rollbackView: hooks.rollbackView } : {}),
    signal: hooks.signal,
    clock,
  });
  return releaseResult(context, followed.main, {
    attached,
    detached: followed.detached,
    rollback: followed.rollback,
    stoppedDeploymentId,
    traffic: await currentTraffic(context),
  });
}
