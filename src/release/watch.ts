import {
  GetDeploymentTargetCommand,
  type LambdaTarget,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { CallBudget, type Clock, systemClock } from '../clock.js';
import { describeAlarms } from './alarms.js';
import type { ReleaseClients } from './context.js';
import { declaredVersions, getDeployment } from './deployment.js';
import { HEALTH_WINDOW_MINUTES, readVersionHealth } from './health.js';
import { readSmokeReport } from './smoke-report.js';
import { computeSnapshot, fingerprint, type RawState, type ReleaseSnapshot } from './snapshot.js';
import type { ReleaseStack } from './stack.js';
import { getAliasTraffic } from './versions.js';

/**
 * Poll timings. One cheap "heartbeat" call a tick (GetDeploymentTarget: status, weight and hooks in one
 * answer; GetDeployment until the target exists) keeps a change under 2 s from happening to showing;
 * the rest is fetched when the heartbeat sees a change, and otherwise on slow timers. With these numbers
 * a steady watch makes at most ~31.6 + 1 + 1 + 1 + 1 ≈ 35.6 calls a minute (heartbeat, deployment, alias, alarms,
 * the versions' health), plus one per weight step (fewer: each
 * tick also waits for its answers); the CallBudget caps it at 38 whatever happens.
 */
export const WATCH_TIMING = {
  heartbeatMs: 1_900,
  deploymentRefreshMs: 60_000,
  aliasRefreshMs: 60_000,
  // Every minute, not every 30 s: the minute's second read went to the versions' health. A firing alarm
  // still shows at once: it stops the deployment, and the heartbeat's reaction reads the alarms.
  alarmRefreshMs: 60_000,
  /** Each version's health (one GetMetricData call): Lambda's metrics have a one-minute resolution. */
  healthRefreshMs: 60_000,
  maxBackoffMs: 15_000,
  /** 40 a minute is the promise; 38 leaves room for call latency (the server sees calls a little later). */
  callsPerMinute: 38,
};

/** How many times a watch reads the smoke hook's logs at most (one call each). */
const SMOKE_READS = 8;

export interface WatchOptions {
  clients: Pick<ReleaseClients, 'codedeploy' | 'lambda' | 'cloudwatch' | 'logs'>;
  stack: ReleaseStack;
  deploymentId: string;
  alarmNames: readonly string[];
  /** Called with every snapshot that differs from the previous one, and at least once. */
  onSnapshot?: (snapshot: ReleaseSnapshot) => void;
  /** Aborting stops watching (Ctrl-C detaches); the deployment itself goes on. */
  signal?: AbortSignal | undefined;
  clock?: Clock;
  /** AWS's time now (default: the clock's): its timestamps are compared with this, not the local clock. */
  serverNow?: (() => number) | undefined;
  /** Share one budget when watching several deployments in a row (a shift, then its rollback). */
  budget?: CallBudget;
  /** Count of AWS calls made, for the benchmark. */
  onCall?: (name: string) => void;
}

export interface WatchResult {
  snapshot: ReleaseSnapshot;
  /** The watch ended because the signal aborted, not because the deployment did. */
  detached: boolean;
  calls: number;
}

function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  return /Throttl|TooManyRequests|RateExceeded/i.test(name);
}

/** Polls one deployment until it ends (or the signal aborts), producing snapshots. */
export async function watchDeployment(options: WatchOptions): Promise<WatchResult> {
  const { clients, stack, deploymentId, alarmNames, signal } = options;
  const clock = options.clock ?? systemClock;
  const budget = options.budget ?? new CallBudget(clock, WATCH_TIMING.callsPerMinute);
  const raw: RawState = { deploymentId, alarms: alarmNames.map((name) => ({ name, state: 'UNKNOWN' })) };
  let calls = 0;
  let targetId: string | undefined;
  let lastWeight: number | undefined;
  let lastProgress = '';
  let lastEmitted = '';
  let interval = WATCH_TIMING.heartbeatMs;
  const lastRefresh = { deployment: -Infinity, alias: -Infinity, alarms: -Infinity, health: -Infinity };

  const call = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const wait = budget.waitFor(1);
    if (wait > 0) await clock.sleep(wait, signal);
    budget.take(1);
    calls++;
    options.onCall?.(name);
    return fn();
  };
  const due = (key: keyof typeof lastRefresh, every: number) => clock.now() - lastRefresh[key] >= every;
  const refreshDeployment = async () => {
    raw.deployment = await call('GetDeployment', () => getDeployment(clients.codedeploy, deploymentId));
    lastRefresh.deployment = clock.now();
  };
  const refreshAlias = async () => {
    raw.traffic = await call('GetAlias', () =>
      getAliasTraffic(clients.lambda, stack.functionName, stack.aliasName),
    );
    lastRefresh.alias = clock.now();
  };
  const refreshAlarms = async () => {
    if (alarmNames.length > 0) {
      raw.alarms = await call('DescribeAlarms', () => describeAlarms(clients.cloudwatch, alarmNames));
    }
    lastRefresh.alarms = clock.now();
  };
  // The smoke hook's report: read from its logs once a hook event has ended, until its last line is there
  // (log delivery trails the status a little), a bounded number of times.
  const smokeGroup = clients.logs ? stack.smokeHook?.logGroupName : undefined;
  let smokeReads = 0;
  const smokePending = () => {
    if (!smokeGroup || smokeReads >= SMOKE_READS) return false;
    const ended = (raw.target?.lifecycleEvents ?? []).filter(
      (e) =>
        (e.lifecycleEventName === 'BeforeAllowTraffic' || e.lifecycleEventName === 'AfterAllowTraffic') &&
        (e.status === 'Succeeded' || e.status === 'Failed'),
    );
    return ended.some((e) => !raw.smoke?.results.some((r) => r.event === e.lifecycleEventName));
  };
  const refreshSmoke = async () => {
    smokeReads++;
    // From the deployment's creation, or AWS's now if earlier (an hour back either way: delivery lags).
    const created = raw.deployment?.createTime ? new Date(raw.deployment.createTime).getTime() : Infinity;
    const since = Math.min(created, options.serverNow?.() ?? clock.now()) - 3_600_000;
    try {
      raw.smoke = await call('FilterLogEvents', () =>
        readSmokeReport(
          clients.logs as NonNullable<typeof clients.logs>,
          smokeGroup as string,
          deploymentId,
          since,
        ),
      );
    } catch (error) {
      if (isThrottling(error)) throw error;
      // No log group yet, no permission: the hooks' states still show; the report is left out.
      smokeReads = SMOKE_READS;
    }
  };
  // Old and new version's health: one call for every series; a failure leaves the last reading shown.
  const refreshHealth = async () => {
    lastRefresh.health = clock.now();
    const fn = raw.target?.lambdaFunctionInfo;
    const declared = raw.deployment ? declaredVersions(raw.deployment) : undefined;
    const versions = [fn?.currentVersion ?? declared?.from, fn?.targetVersion ?? declared?.to].filter(
      (v): v is string => !!v,
    );
    if (versions.length === 0) return;
    try {
      raw.health = await call('GetMetricData', () =>
        readVersionHealth(
          clients.cloudwatch,
          { functionName: stack.functionName, alias: stack.aliasName },
          versions,
          { endMs: options.serverNow?.() ?? clock.now(), minutes: HEALTH_WINDOW_MINUTES },
        ),
      );
    } catch (error) {
      if (isThrottling(error)) throw error;
    }
  };
  const snapshotNow = () => {
    const now = clock.now();
    return computeSnapshot(raw, now, (options.serverNow?.() ?? now) - now);
  };
  const emit = (): ReleaseSnapshot => {
    const snapshot = snapshotNow();
    if (raw.firstShiftSeenAt === undefined && snapshot.newPercent > 0)
      raw.firstShiftSeenAt = options.serverNow?.() ?? clock.now();
    const print = fingerprint(snapshot);
    if (print !== lastEmitted) {
      lastEmitted = print;
      options.onSnapshot?.(snapshot);
    }
    return snapshot;
  };

  // First look: everything once, so the view starts complete.
  await refreshDeployment();
  await refreshAlias();
  await refreshAlarms();
  let snapshot = emit();

  while (!signal?.aborted) {
    try {
      // What the heartbeat saw move: the weight (cross-check the alias) or the progress (status, hooks).
      let weightChanged = false;
      let changed = false;
      let deploymentFresh = false;
      // Until the deployment has its target (Created, Queued) the deployment itself is the heartbeat;
      // once the target is done, too (the deployment ends right after).
      if (!targetId && raw.deployment?.status === 'Created') {
        await refreshDeployment();
        deploymentFresh = true;
      }
      if (!targetId && raw.deployment?.status !== 'Created') {
        const { targetIds } = await call('ListDeploymentTargets', () =>
          clients.codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId })),
        );
        targetId = targetIds?.[0];
      }
      const targetEnded = ['Succeeded', 'Failed', 'Skipped'].includes(raw.target?.status ?? '');
      if (targetId && !targetEnded) {
        const id = targetId;
        const { deploymentTarget } = await call('GetDeploymentTarget', () =>
          clients.codedeploy.send(new GetDeploymentTargetCommand({ deploymentId, targetId: id })),
        );
        raw.target = deploymentTarget?.lambdaTarget as LambdaTarget | undefined;
        const weight = raw.target?.lambdaFunctionInfo?.targetVersionWeight;
        const progress = JSON.stringify([
          raw.target?.status,
          raw.target?.lifecycleEvents?.map((e) => e.status),
        ]);
        // The first read of the target sets the baseline: the first look fetched everything just now, but
        // the split may have moved since (a deployment that was only Created then), so the alias is read again.
        const baseline = lastProgress === '';
        weightChanged = baseline || weight !== lastWeight;
        changed = !baseline && progress !== lastProgress;
        lastWeight = weight;
        lastProgress = progress;
      } else if (!deploymentFresh) {
        await refreshDeployment();
        deploymentFresh = true;
      }
      // A change seen by the heartbeat: fetch what explains it now, budget allowing (a weight step costs one
      // call, GetAlias; a status or hook change three), otherwise on the slow timers.
      const react = changed && budget.available() >= 3;
      const crossCheck = (react || weightChanged) && budget.available() >= 1;
      if (!deploymentFresh && (react || due('deployment', WATCH_TIMING.deploymentRefreshMs))) {
        await refreshDeployment();
      }
      if (crossCheck || due('alias', WATCH_TIMING.aliasRefreshMs)) await refreshAlias();
      if (react || due('alarms', WATCH_TIMING.alarmRefreshMs)) await refreshAlarms();
      if (smokePending() && budget.available() >= 1) await refreshSmoke();
      if (due('health', WATCH_TIMING.healthRefreshMs) && budget.available() >= 2) await refreshHealth();
      snapshot = emit();
      if (!snapshot.inFlight) {
        // The end: make sure the final split shown is the alias's own, the hooks' last states (the target
        // may have ended between two heartbeats) and the smoke hook's reason are in.
        await refreshAlias();
        const targetFinal = ['Succeeded', 'Failed', 'Skipped'].includes(raw.target?.status ?? '');
        if (smokeGroup && targetId && !targetFinal) {
          const id = targetId;
          const { deploymentTarget } = await call('GetDeploymentTarget', () =>
            clients.codedeploy.send(new GetDeploymentTargetCommand({ deploymentId, targetId: id })),
          );
          raw.target = (deploymentTarget?.lambdaTarget as LambdaTarget | undefined) ?? raw.target;
        }
        while (smokePending() && !signal?.aborted) {
          await clock.sleep(WATCH_TIMING.heartbeatMs, signal);
          await refreshSmoke();
        }
        await refreshHealth();
        // The alarms as they were when it ended (an alarm that stopped it shows as ALARM).
        await refreshAlarms();
        snapshot = emit();
        return { snapshot, detached: false, calls };
      }
      interval = WATCH_TIMING.heartbeatMs;
    } catch (error) {
      if (!isThrottling(error)) throw error;
      interval = Math.min(interval * 2, WATCH_TIMING.maxBackoffMs);
    }
    await clock.sleep(interval, signal);
  }
  return { snapshot: snapshotNow(), detached: true, calls };
}
