/**
 * The fake's time. Everything that "takes time" in AWS (a resource being created, a canary step) is a
 * timer on this clock, so a test moves time forward with `advance()` instead of sleeping, and the
 * standalone mode runs it `timeScale` times faster than the wall clock.
 */
interface Timer {
  at: number;
  seq: number;
  run: () => void | Promise<void>;
}

export class Clock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #running: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  date(): Date {
    return new Date(this.#now);
  }

  /** Runs `run` when the clock reaches now + delayMs (timers at the same instant run in order). */
  schedule(delayMs: number, run: () => void | Promise<void>): void {
    this.#timers.push({ at: this.#now + Math.max(0, delayMs), seq: this.#seq++, run });
  }

  /** Moves time forward by `ms`, running every timer due on the way (and the timers they schedule). */
  advance(ms: number): Promise<void> {
    const next = this.#running.then(() => this.#advanceTo(this.#now + ms));
    this.#running = next.catch(() => undefined);
    return next;
  }

  /** Advances until no timer is left (or `limitMs` of fake time passed): "let everything finish". */
  async runAll(limitMs = 24 * 3600_000): Promise<void> {
    const end = this.#now + limitMs;
    while (this.#timers.length > 0) {
      const at = Math.min(...this.#timers.map((t) => t.at));
      if (at > end) break;
      await this.advance(at - this.#now);
    }
  }

  /** Fake milliseconds until the next timer, or undefined when nothing is scheduled. */
  nextDueIn(): number | undefined {
    if (this.#timers.length === 0) return undefined;
    return Math.max(0, Math.min(...this.#timers.map((t) => t.at)) - this.#now);
  }

  /**
   * Standalone mode: the fake clock follows the wall clock, `scale` times faster. It never runs behind
   * the wall clock, so a client that compares event timestamps with its own clock sees them as recent.
   */
  startRealTime(scale: number, tickMs = 20): void {
    this.stopRealTime();
    let last = Date.now();
    this.#ticker = setInterval(() => {
      const wall = Date.now();
      const target = Math.max(this.#now + (wall - last) * scale, wall);
      last = wall;
      this.advance(target - this.#now).catch((error: Error) => {
        // No caller to hand it to in real-time mode: say it rather than crash the process.
        console.error('fake-aws: a scheduled step failed:', error);
      });
    }, tickMs);
    this.#ticker.unref();
  }

  stopRealTime(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  clear(): void {
    this.#timers = [];
  }

  async #advanceTo(target: number): Promise<void> {
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      await due.run();
    }
    this.#now = Math.max(this.#now, target);
  }
}
