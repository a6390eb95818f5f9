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

export class Faults {
  #resources = new Map<string, ResourceFault>();
  #throttles = new Map<string, number>();
  #slow = new Map<string, number>();
  #alarms = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();
  #credentialsExpired = false;
  /** Set by the fake: puts a stack in an in-progress status (see makeStackBusy). */
  stackBusyHandler: ((stackName: string, forMs: number, status: string) => void) | undefined;

  /** The next operation(s) on the resource with this logical id fail with `reason`. */
  failResource(logicalId: string, reason: string, options: Omit<ResourceFault, 'reason'> = {}): void {
    this.#resources.set(logicalId, { reason, ...options });
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

  clear(): void {
    this.#resources.clear();
    this.#throttles.clear();
    this.#slow.clear();
    this.#alarms.clear();
    this.#credentialsExpired = false;
  }

  // --- consumed by the fake ---

  takeResourceFailure(logicalId: string, operation: NonNullable<ResourceFault['on']>): string | undefined {
    const fault = this.#resources.get(logicalId);
    if (!fault || (fault.on && fault.on !== operation)) return undefined;
    if (fault.times !== undefined) {
      if (fault.times <= 1) this.#resources.delete(logicalId);
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
