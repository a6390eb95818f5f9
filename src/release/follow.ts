import { CallBudget, type Clock, systemClock } from '../clock.js';
import { ExitCode } from '../errors.js';
import type { ReleaseContext } from './context.js';
import { consoleLink, getDeployment } from './deployment.js';
import { HEALTH_WINDOW_MINUTES, type VersionHealth } from './health.js';
import { exitCodeOf, outcomeOf, type ReleaseOutcome } from './outcome.js';
import type { SmokeReport } from './smoke-report.js';
import type { ReleaseSnapshot } from './snapshot.js';
import { type AliasTraffic, getAliasTraffic } from './versions.js';
import { WATCH_TIMING, watchDeployment } from './watch.js';

/**
 * How a release is shown while it runs: the port the commands implement (src/ui/release-view.ts: redrawn
 * live on a terminal, plain lines otherwise, nothing under --json) and tests record.
 */
export interface ReleaseView {
  update(snapshot: ReleaseSnapshot): void;
  /** Stops redrawing; the last frame stays on screen. */
  stop(): void;
}

/** The --json result of shift and rollback (stable shape, docs/release.md). */
export interface ReleaseResult {
  deploymentId: string;
  /** The rollback deployment CodeDeploy ran after this one was stopped or failed. */
  rollbackDeploymentId?: string | undefined;
  /** How the rollback deployment ended (anything but Succeeded leaves the traffic split: exit 20). */
  rollbackStatus?: string | undefined;
  /** rollback only: the in-flight deployment it stopped. */
  stoppedDeploymentId?: string | undefined;
  stackName: string;
  functionName: string;
  alias: string;
  from?: string | undefined;
  to?: string | undefined;
  strategy?: string | undefined;
  config?: string | undefined;
  outcome: ReleaseOutcome;
  status: string;
  /** Attached to a deployment that was already running instead of starting one. */
  attached: boolean;
  consoleUrl: string;
  timings: {
    createdAt?: string | undefined;
    startedAt?: string | undefined;
    endedAt?: string | undefined;
    durationSeconds?: number | undefined;
  };
  /** What the alias serves at the end, percent per version. */
  traffic?: Record<string, number> | undefined;
  error?: { code?: string | undefined; message?: string | undefined } | undefined;
  /** The smoke-test hook's steps and results (BeforeAllowTraffic, AfterAllowTraffic), from its logs. */
  smokeTest?: SmokeReport | undefined;
  /** Each version's requests, errors, p50Ms and p99Ms behind the alias at the end, over `windowMinutes`. */
  health?: { windowMinutes: number; versions: VersionHealth[] } | undefined;
  exitCode: number;
}

export interface FollowOptions {
  view: ReleaseView;
  /** The view for the rollback deployment, if one follows (defaults to the same view). */
  rollbackView?: ReleaseView;
  signal?: AbortSignal | undefined;
  clock?: Clock;
  onCall?: (name: string) => void;
}

export interface Followed {
  main: ReleaseSnapshot;
  rollback?: ReleaseSnapshot | undefined;
  detached: boolean;
}

/** How long to wait for CodeDeploy to name the rollback deployment after a stop or failure. */
const ROLLBACK_ID_WAIT_MS = 30_000;

/**
 * Watches a deployment to its end; when it stopped or failed and CodeDeploy rolls back, watches the
 * rollback deployment too, so the command ends only when the alias is back where it was.
 */
export async function followDeployment(
  context: ReleaseContext,
  deploymentId: string,
  options: FollowOptions,
): Promise<Followed> {
  const clock = options.clock ?? systemClock;
  const budget = new CallBudget(clock, WATCH_TIMING.callsPerMinute);
  const common = {
    clients: context.clients,
    stack: context.stack,
    alarmNames: context.group.alarmNames,
    signal: options.signal,
    clock,
    serverNow: context.serverNow,
    budget,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };
  const main = await watchDeployment({
    ...common,
    deploymentId,
    onSnapshot: (s) => options.view.update(s),
  });
  options.view.stop();
  if (main.detached || main.snapshot.status === 'Succeeded') {
    return { main: main.snapshot, detached: main.detached };
  }
  let rollbackId = main.snapshot.rollbackDeploymentId;
  if (!rollbackId && context.group.autoRollback) {
    const deadline = clock.now() + ROLLBACK_ID_WAIT_MS;
    while (!rollbackId && clock.now() < deadline && !options.signal?.aborted) {
      await clock.sleep(WATCH_TIMING.heartbeatMs, options.signal);
      const wait = budget.waitFor(1);
      if (wait > 0) await clock.sleep(wait, options.signal);
      budget.take(1);
      options.onCall?.('GetDeployment');
      rollbackId = (await getDeployment(context.clients.codedeploy, deploymentId)).rollbackInfo
        ?.rollbackDeploymentId;
    }
  }
  if (!rollbackId) return { main: main.snapshot, detached: false };
  const view = options.rollbackView ?? options.view;
  const rollback = await watchDeployment({
    ...common,
    deploymentId: rollbackId,
    onSnapshot: (s) => view.update(s),
  });
  view.stop();
  return {
    main: { ...main.snapshot, rollbackDeploymentId: rollbackId },
    rollback: rollback.snapshot,
    detached: rollback.detached,
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The result of a release from its last snapshot (and the alias as it is now). */
export function releaseResult(
  context: ReleaseContext,
  snapshot: ReleaseSnapshot,
  extra: {
    attached: boolean;
    detached?: boolean;
    rollback?: ReleaseSnapshot | undefined;
    stoppedDeploymentId?: string | undefined;
    traffic?: AliasTraffic | undefined;
  },
): ReleaseResult {
  const outcome: ReleaseOutcome = extra.detached
    ? 'detached'
    : outcomeOf(snapshot.status, snapshot.error?.code);
  const ended = extra.rollback?.endedAt ?? snapshot.endedAt;
  const started = snapshot.startedAt ?? snapshot.createdAt;
  return {
    deploymentId: snapshot.deploymentId,
    rollbackDeploymentId: extra.rollback?.deploymentId ?? snapshot.rollbackDeploymentId,
    rollbackStatus: extra.rollback?.status,
    stoppedDeploymentId: extra.stoppedDeploymentId,
    stackName: context.stack.stackName,
    functionName: context.stack.functionName,
    alias: context.stack.aliasName,
    from: snapshot.from,
    to: snapshot.to,
    strategy: snapshot.strategy,
    config: snapshot.config,
    outcome,
    status: snapshot.status,
    attached: extra.attached,
    consoleUrl: consoleLink(context.region, snapshot.deploymentId),
    timings: {
      createdAt: iso(snapshot.createdAt),
      startedAt: iso(started),
      endedAt: iso(ended),
      durationSeconds:
        started !== undefined && ended !== undefined ? Math.round((ended - started) / 1000) : undefined,
    },
    traffic: extra.traffic?.percent,
    error: snapshot.error,
    smokeTest: snapshot.smokeTest,
    health: snapshot.health ? { windowMinutes: HEALTH_WINDOW_MINUTES, versions: snapshot.health } : undefined,
    // A rollback that did not get through leaves both versions serving: that is a failure, whatever stopped the shift.
    exitCode:
      extra.rollback && extra.rollback.status !== 'Succeeded' ? ExitCode.RELEASE_FAILED : exitCodeOf(outcome),
  };
}

export async function currentTraffic(context: ReleaseContext): Promise<AliasTraffic> {
  return getAliasTraffic(context.clients.lambda, context.stack.functionName, context.stack.aliasName);
}
