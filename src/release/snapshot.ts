import type { DeploymentInfo, LambdaTarget } from '@aws-sdk/client-codedeploy';
import type { AlarmState } from './alarms.js';
import { declaredVersions, isInFlight } from './deployment.js';
import type { VersionHealth } from './health.js';
import type { SmokeReport } from './smoke-report.js';
import { type NextStep, nextStep, type ReleaseStrategy, trafficPlan } from './strategy.js';
import type { AliasTraffic } from './versions.js';

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
  /**
   * Percent of traffic on the target version, from the alias's RoutingConfig: the resource that owns the
   * split. (The deployment target's targetVersionWeight only tells the watch that something moved: AWS
   * documents it as a percentage while the alias's weights are fractions, and nothing recorded settles it.)
   */
  newPercent: number;
  /** The alias has been read at least once (until then newPercent is 0 by default). */
  aliasRead: boolean;
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
  /** The smoke-test hook's steps and results, from its logs (once a hook has run). */
  smokeTest?: SmokeReport | undefined;
  /** Each version's requests, errors and latency behind the alias over the last minutes (old, new). */
  health?: VersionHealth[] | undefined;
  /** When it was taken (local clock). */
  takenAt: number;
  /**
   * AWS's clock minus the local one: the instants above are AWS's, and are shown (and counted down) through
   * this, never compared with the local clock directly.
   */
  clockOffsetMs: number;
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
  smoke?: SmokeReport | undefined;
  health?: VersionHealth[] | undefined;
}

function time(date: Date | undefined): number | undefined {
  return date ? new Date(date).getTime() : undefined;
}

export function computeSnapshot(raw: RawState, now: number, clockOffsetMs = 0): ReleaseSnapshot {
  const info = raw.deployment;
  const fn = raw.target?.lambdaFunctionInfo;
  const spec = info ? declaredVersions(info) : undefined;
  const from = fn?.currentVersion ?? spec?.from;
  const to = fn?.targetVersion ?? spec?.to;
  const status = info?.status ?? 'Created';
  const newPercent = to !== undefined && raw.traffic ? (raw.traffic.percent[to] ?? 0) : 0;
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
    aliasRead: raw.traffic !== undefined,
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
    smokeTest: raw.smoke,
    health: raw.health,
    takenAt: now,
    clockOffsetMs,
  };
}

/** What changed between two snapshots, as the keys the plain renderer and the loop care about. */
export function fingerprint(s: ReleaseSnapshot): string {
  return JSON.stringify([
    s.status,
    s.newPercent,
    s.hooks,
    s.alarms,
    s.rollbackDeploymentId,
    s.error?.code,
    s.smokeTest?.steps.length,
    s.smokeTest?.results.length,
    s.health,
  ]);
}
