/** Time as the watch loop sees it: injected so tests drive it without sleeping. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without error) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * At most `limit` calls in any `windowMs`: the watch loop asks before each AWS call, so a long watch
 * stays within its budget whatever the refresh timers want.
 */
export class CallBudget {
  private readonly calls: number[] = [];

  constructor(
    private readonly clock: Clock,
    readonly limit = 40,
    readonly windowMs = 60_000,
  ) {}

  private prune(): void {
    const since = this.clock.now() - this.windowMs;
    while (this.calls.length > 0 && this.calls[0]! <= since) this.calls.shift();
  }

  /** Calls left in the current window. */
  available(): number {
    this.prune();
    return this.limit - this.calls.length;
  }

  /** How long until `count` calls fit (0 when they fit now). */
  waitFor(count = 1): number {
    this.prune();
    const over = this.calls.length + count - this.limit;
    if (over <= 0) return 0;
    return this.calls[over - 1]! + this.windowMs - this.clock.now() + 1;
  }

  take(count = 1): void {
    for (let i = 0; i < count; i++) this.calls.push(this.clock.now());
  }

  /** Calls made in the last window (for the benchmark). */
  used(): number {
    this.prune();
    return this.calls.length;
  }
}
