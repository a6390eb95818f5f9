import {
  DEFAULT_RELEASE_CONFIG,
  RELEASE_CONFIGS,
  type ReleaseConfig,
  type ReleaseStrategy,
  strategyOf,
} from '../config/schema.js';
import { UsageError } from '../errors.js';

export type { ReleaseConfig, ReleaseStrategy };
export { strategyOf };

/** `--strategy canary|linear|all-at-once` (or a full CodeDeploy Lambda config name) -> the config name. */
export function parseStrategy(value: string | undefined, fallback: ReleaseConfig): ReleaseConfig {
  if (value === undefined) return fallback;
  const shorthand = DEFAULT_RELEASE_CONFIG[value as ReleaseStrategy];
  if (shorthand) return shorthand;
  const name = value.replace(/^CodeDeployDefault\./, '').toLowerCase();
  const match = RELEASE_CONFIGS.find((c) => c.toLowerCase() === name);
  if (!match) {
    throw new UsageError(
      `Unknown strategy "${value}".`,
      `Use canary, linear, all-at-once or one of ${RELEASE_CONFIGS.join(', ')}.`,
    );
  }
  return match;
}

/** How a config moves traffic: percent per step and minutes between steps (all-at-once: one 100 % step). */
export interface TrafficPlan {
  strategy: ReleaseStrategy;
  stepPercent: number;
  intervalMinutes: number;
}

/** Reads the plan from a predefined config name; undefined for a custom config we cannot read. */
export function trafficPlan(configName: string | undefined): TrafficPlan | undefined {
  const name = (configName ?? '').replace(/^CodeDeployDefault\./, '');
  const canary = /^LambdaCanary(\d+)Percent(\d+)Minutes?$/.exec(name);
  if (canary)
    return { strategy: 'canary', stepPercent: Number(canary[1]), intervalMinutes: Number(canary[2]) };
  const linear = /^LambdaLinear(\d+)PercentEvery(\d+)Minutes?$/.exec(name);
  if (linear)
    return { strategy: 'linear', stepPercent: Number(linear[1]), intervalMinutes: Number(linear[2]) };
  if (name === 'LambdaAllAtOnce') return { strategy: 'all-at-once', stepPercent: 100, intervalMinutes: 0 };
  return undefined;
}

export interface NextStep {
  /** Percent of traffic on the new version after the step. */
  percent: number;
  at: Date;
}

/**
 * When the next traffic step happens, from the plan, the time shifting began and the new version's
 * weight now. Canary: one step to 100 % after the interval; linear: +stepPercent every interval.
 */
export function nextStep(plan: TrafficPlan, shiftStartedAt: Date, newPercent: number): NextStep | undefined {
  if (plan.strategy === 'all-at-once' || newPercent >= 100) return undefined;
  const intervalMs = plan.intervalMinutes * 60_000;
  if (plan.strategy === 'canary') {
    return { percent: 100, at: new Date(shiftStartedAt.getTime() + intervalMs) };
  }
  const stepsDone = Math.max(1, Math.round(newPercent / plan.stepPercent));
  return {
    percent: Math.min(100, (stepsDone + 1) * plan.stepPercent),
    at: new Date(shiftStartedAt.getTime() + stepsDone * intervalMs),
  };
}

/** "canary: 10 % for 5 min, then 100 %" — for messages and --help. */
export function describePlan(config: string): string {
  const plan = trafficPlan(config);
  if (!plan) return config;
  if (plan.strategy === 'canary')
    return `canary: ${plan.stepPercent} % for ${plan.intervalMinutes} min, then 100 %`;
  if (plan.strategy === 'linear') return `linear: +${plan.stepPercent} % every ${plan.intervalMinutes} min`;
  return 'all at once';
}
