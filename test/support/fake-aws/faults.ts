import { AwsError } from './errors.js';

/**
 * Fault injection, set from a test: each fault is consumed where AWS would show it
 * (a resource operation fails, an API call is throttled, credentials expire, an alarm fires).
 */
export interface ResourceFault {
  reason: string;
  /** Which resource operation fails; default: any (create, update, delete, rollback). */
  on?: 'create' | 'update' | 'delete' | 'rollback';
  /** How many times it fails before it heals; default: always. */
  times?: number;
}

/** What a load balancer in front of AWS does on a bad day (see `transientFaults`). */
export type TransientFault =
  /** An HTTP 5xx whose body is an HTML page, not an AWS error (502/503/504 from the load balancer). */
  | 'html-5xx'
  /** The connection is reset before any answer (the socket is destroyed). */
  | 'reset';

export interface TransientFaultOptions {
  /** The same seed injects the same faults into the same sequence of calls. */
  seed: number;
  /** The share of calls that fail (0–1); default 0.1. */
  rate?: number;
  /** Default: both. */
  kinds?: TransientFault[];
  /** Only these operations (e.g. 'DescribeStacks'); default: any control-plane call. */
  operations?: string[];
}

export class Faults {
  #resources = new Map<string, ResourceFault[]>();
  #throttles = new Map<string, number>();
  #slow = new Map<string, number>();
  #alarms = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();
  #credentialsExpired = false;
  #transient: (Required<Omit<TransientFaultOptions, 'operations'>> & { operations?: string[] }) | undefined;
  #random: () => number = Math.random;
  #readLag = 0;
  /** Set by the fake: puts a stack in an in-progress status (see makeStackBusy). */
  stackBusyHandler: ((stackName: string, forMs: number, status: string) => void) | undefined;

  /**
   * The next operation(s) on the resource with this logical id fail with `reason`. Faults for different
   * operations add up (a create that fails, then a rollback that fails too); a new fault for the same
   * operation replaces the old one.
   */
  failResource(logicalId: string, reason: string, options: Omit<ResourceFault, 'reason'> = {}): void {
    const kept = (this.#resources.get(logicalId) ?? []).filter((f) => f.on !== options.on);
    this.#resources.set(logicalId, [...kept, { reason, ...options }]);
  }

  /** Throttles the next `count` calls of `action` (e.g. 'DescribeStackEvents'; '*' for any action). */
  throttle(action: string, count = 1): void {
    this.#throttles.set(action, (this.#throttles.get(action) ?? 0) + count);
  }

  /** Every call fails with ExpiredToken until `restoreCredentials()`. */
  expireCredentials(): void {
    this.#credentialsExpired = true;
  }

  restoreCredentials(): void {
    this.#credentialsExpired = false;
  }

  /** Makes the resource (logical id) or resource type take `ms` instead of the configured time. */
  slow(logicalIdOrType: string, ms: number): void {
    this.#slow.set(logicalIdOrType, ms);
  }

  /** Another operation holds the stack: it shows `status` (default UPDATE_IN_PROGRESS) for `forMs` fake ms. */
  makeStackBusy(stackName: string, forMs: number, status = 'UPDATE_IN_PROGRESS'): void {
    this.stackBusyHandler?.(stackName, forMs, status);
  }

  /** Sets a CloudWatch alarm's state as CodeDeploy sees it (overrides moto's alarm state). */
  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): void {
    this.#alarms.set(name, state);
  }

  /**
   * Transient faults at random calls, seeded: an HTML 5xx (a load balancer's page, not an AWS error body)
   * or a connection reset, before the call reaches the service (nothing it asked for happens).
   */
  transientFaults(options: TransientFaultOptions): void {
    this.#transient = {
      rate: 0.1,
      kinds: ['html-5xx', 'reset'],
      ...options,
    };
    this.#random = seededRandom(options.seed);
  }

  /**
   * Eventual consistency: DescribeStacks, DescribeStackResources and ListStackResources show a change only
   * from the `polls`+1-th read after it (a write is invisible to the next `polls` reads); 0 turns it off.
   */
  lagReads(polls: number): void {
    this.#readLag = Math.max(0, Math.floor(polls));
  }

  clear(): void {
    this.#resources.clear();
    this.#throttles.clear();
    this.#slow.clear();
    this.#alarms.clear();
    this.#credentialsExpired = false;
    this.#transient = undefined;
    this.#readLag = 0;
  }

  // --- consumed by the fake ---

  takeResourceFailure(logicalId: string, operation: NonNullable<ResourceFault['on']>): string | undefined {
    const faults = this.#resources.get(logicalId) ?? [];
    const fault = faults.find((f) => f.on === operation) ?? faults.find((f) => !f.on);
    if (!fault) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 1)
        this.#resources.set(
          logicalId,
          faults.filter((f) => f !== fault),
        );
      else fault.times -= 1;
    }
    return fault.reason;
  }

  durationFor(logicalId: string, type: string): number | undefined {
    return this.#slow.get(logicalId) ?? this.#slow.get(type);
  }

  alarmState(name: string): 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | undefined {
    return this.#alarms.get(name);
  }

  /** How many reads a write stays invisible to (see `lagReads`). */
  get readLag(): number {
    return this.#readLag;
  }

  /** The transient fault this call meets, if any (one draw of the seeded generator per call). */
  transientFor(operation: string): { kind: 'reset' } | { kind: 'html-5xx'; status: number } | undefined {
    const transient = this.#transient;
    if (!transient) return undefined;
    if (transient.operations && !transient.operations.includes(operation)) return undefined;
    const draw = this.#random();
    if (draw >= transient.rate || transient.kinds.length === 0) return undefined;
    const kind = transient.kinds[
      Math.floor((draw / transient.rate) * transient.kinds.length)
    ] as TransientFault;
    if (kind === 'reset') return { kind };
    return { kind, status: [502, 503, 504][Math.floor(this.#random() * 3)] as number };
  }

  /** Throws the error AWS would answer with, if a fault applies to this call. */
  checkCall(action: string, throttlingCode: string, throttlingStatus: number): void {
    if (this.#credentialsExpired) {
      throw new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    }
    for (const key of [action, '*']) {
      const left = this.#throttles.get(key) ?? 0;
      if (left > 0) {
        this.#throttles.set(key, left - 1);
        throw new AwsError(throttlingCode, 'Rate exceeded', throttlingStatus, 'Sender', {
          Reason: 'CallerRateLimitExceeded',
        });
      }
    }
  }
}

/** mulberry32: a small seeded generator, so a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
