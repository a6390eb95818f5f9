import type { EnvironmentConfig } from './schema.js';

/** Stage throttling when the project file sets none: 100 requests per second, bursts of 200. */
export const DEFAULT_THROTTLING = { rateLimit: 100, burstLimit: 200 } as const;

export interface Throttling {
  /** Steady-state requests per second, for the whole stage. */
  rateLimit: number;
  /** Requests above the rate the stage takes at once (the token bucket's size). */
  burstLimit: number;
}

/** The stage throttling of an environment, defaults applied: what the stack deploys and what `dev` models. */
export function throttlingOf(env: Pick<EnvironmentConfig, 'throttling'> | undefined): Throttling {
  return {
    rateLimit: env?.throttling?.rateLimit ?? DEFAULT_THROTTLING.rateLimit,
    burstLimit: env?.throttling?.burstLimit ?? DEFAULT_THROTTLING.burstLimit,
  };
}
