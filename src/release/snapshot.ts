import type { DeploymentInfo, LambdaTarget } from '@aws-sdk/client-codedeploy';
import type { AlarmState } from './alarms.js';
import { isInFlight, parseAppSpec } from './deployment.js';
import { type NextStep, nextStep, type ReleaseStrategy, trafficPlan } from './strategy.js';
import { type AliasTraffic, roundPercent } from './versions.js';

export interface HookState {
  name: string;
  status: string;
}

/** Everything the live view shows at one moment, computed from the raw AWS answers. */
export interface ReleaseSnapshot {
  deploymentId: string;
  status: string;
  inFlight: boolean;
  config?: string | undefined;
  strategy?: ReleaseStrategy | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Percent of traffic on the target version, as the deployment target reports it (alias if it does not). */
  newPercent: number;
  /** Percent on the target version according to GetAlias (the cross-check); undefined before the first read. */
  aliasPercent?: number | undefined;
  /** The alias and the deployment target agree on the split (within half a percent). */
  aliasAgrees: boolean;
  hooks: HookState[];
  alarms: AlarmState[];
  createdAt?: number | undefined;
  startedAt?: number | undefined;
  endedAt?: number | undefined;
  next?: NextStep | undefined;
  creator?: string | undefined;
  /** Set on a deployment that was stopped and rolled back, or on the rollback deployment itself. */
  rollbackDeploymentId?: string | undefined;
  rollbackOf?: string | undefined;
  error?: { code?: string | undefined; message?: string | undefined } | undefined;
  takenAt: number;
}

/** The raw answers the watch loop keeps, newest of each. */
export interface RawState {
  deploymentId: string;
  deployment?: DeploymentInfo | undefined;
  target?: LambdaTarget | undefined;
  traffic?: AliasTraffic | undefined;
  alarms: AlarmState[];
  /** When we first saw traffic on the new version (fallback for the step schedule). */
  firstShiftSeenAt?: number | undefined;
}

/**
 * The target version's weight from the deployment target. The API calls it a percentage, yet it is a
 * Double that some implementations give as a fraction like the alias weights (0.1): above 1 it can only
 * be a percentage; at or below 1 it is read as a fraction unless the alias says it is a percentage.
 */
export function targetPercent(
  target: LambdaTarget | undefined,
  aliasPercent: number | undefined,
): number | undefined {
  const weight = target?.lambdaFunctionInfo?.targetVersionWeight;
  if (weight === undefined || weight === null) return undefined;
  if (weight > 1) return roundPercent(weight);
  const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
  if (aliasPercent !== undefined && near(aliasPercent, weight) && !near(aliasPercent, weight * 100)) {
    return roundPercent(weight);
  }
  return roundPercent(weight * 100);
}

function time(date: Date | undefined): number | undefined {
  return date ? new Date(date).getTime() : undefined;
}

export function computeSnapshot(raw: RawState, now: number): ReleaseSnapshot {
  const info = raw.deployment;
  const fn = raw.target?.lambdaFunctionInfo;
  const spec = parseAppSpec(info?.revision?.appSpecContent?.content);
  const from = fn?.currentVersion ?? spec?.from;
  const to = fn?.targetVersion ?? spec?.to;
  const aliasPercent = to !== undefined && raw.traffic ? (raw.traffic.percent[to] ?? 0) : undefined;
  const status = info?.status ?? 'Created';
  const fromTarget = targetPercent(raw.target, aliasPercent);
  const newPercent = fromTarget ?? aliasPercent ?? 0;
  const config = info?.deploymentConfigName?.replace(/^CodeDeployDefault\./, '');
  const plan = trafficPlan(config);
  const hooks = (raw.target?.lifecycleEvents ?? []).map((e) => ({
    name: e.lifecycleEventName ?? '?',
    status: e.status ?? 'Pending',
  }));
  const allowTraffic = raw.target?.lifecycleEvents?.find((e) => e.lifecycleEventName === 'AllowTraffic');
  const shiftStartedAt = time(allowTraffic?.startTime) ?? raw.firstShiftSeenAt;
  const inFlight = isInFlight(status);
  return {
    deploymentId: raw.deploymentId,
    status,
    inFlight,
    config,
    strategy: plan?.strategy,
    from,
    to,
    newPercent,
    aliasPercent,
    aliasAgrees: aliasPercent === undefined || Math.abs(aliasPercent - newPercent) < 0.5,
    hooks,
    alarms: raw.alarms,
    createdAt: time(info?.createTime),
    startedAt: time(info?.startTime),
    endedAt: time(info?.completeTime),
    next:
      inFlight && plan && shiftStartedAt !== undefined && newPercent > 0
        ? nextStep(plan, new Date(shiftStartedAt), newPercent)
        : undefined,
    creator: info?.creator,
    rollbackDeploymentId: info?.rollbackInfo?.rollbackDeploymentId,
    rollbackOf: info?.rollbackInfo?.rollbackTriggeringDeploymentId,
    error: info?.errorInformation
      ? { code: info.errorInformation.code, message: info.errorInformation.message }
      : undefined,
    takenAt: now,
  };
}

/** What changed between two snapshots, as the keys the plain renderer and the loop care about. */
export function fingerprint(s: ReleaseSnapshot): string {
  return JSON.stringify([
    s.status,
    s.newPercent,
    s.aliasPercent,
    s.hooks,
    s.alarms,
    s.rollbackDeploymentId,
    s.error?.code,
  ]);
}
