/**
 * The fake's time. Everything that "takes time" in AWS (a resource being created, a canary step) is a
 * timer on this clock, so a test moves time forward with `advance()` instead of sleeping, and the
 * standalone mode runs it `timeScale` times faster than the wall clock.
 *
 * Time moves in two ways: explicitly (`advance`, `runAll`: the test says how far) and automatically (the
 * real-time ticker, and the per-request advance of `advancePerRequestMs`). A test that must see an
 * intermediate state (a canary at its first step, a stack still updating) pauses the automatic time at
 * that state (`pauseWhen`, `pause`) and resumes it when it has looked (`resume`, or `FakeAws.onCall` on the
 * request that should let time go on): outcomes then never depend on how fast the machine is.
 */
interface Timer {
  at: number;
  seq: number;
  run: () => void | Promise<void>;
}

interface PauseCondition {
  holds: () => boolean;
  reached: () => void;
}

export class Clock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #running: Promise<void> = Promise.resolve();
  #ticker: NodeJS.Timeout | undefined;
  #paused = false;
  #pauseConditions: PauseCondition[] = [];

  /** How far the fake's time is from the wall clock at the start (clock skew: + ahead, - behind). */
  readonly skewMs: number;

  constructor(start?: number, options: { skewMs?: number } = {}) {
    this.skewMs = options.skewMs ?? 0;
    this.#now = start ?? Date.now() + this.skewMs;
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
    return this.#queue(() => this.#advanceTo(this.#now + ms, false));
  }

  /**
   * Automatic time (the real-time ticker, the per-request advance): does nothing while paused, and stops
   * at the instant a `pauseWhen` condition starts to hold.
   */
  advanceAutomatically(ms: number): Promise<void> {
    if (this.#paused) return this.#running;
    return this.#queue(() => this.#advanceTo(this.#now + ms, true));
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

  /** Stops automatic time where it is; `advance()` still moves it. */
  pause(): void {
    this.#paused = true;
  }

  /** Lets automatic time go on (the real-time ticker does not count the paused wall time). */
  resume(): void {
    this.#paused = false;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Pauses automatic time at the first instant `holds()` is true, checked now and after every timer that
   * runs (so nothing scheduled later runs first). Resolves once paused there.
   */
  pauseWhen(holds: () => boolean): Promise<void> {
    return new Promise((reached) => {
      const condition = { holds, reached };
      if (!this.#check(condition)) this.#pauseConditions.push(condition);
    });
  }

  /**
   * Standalone mode: the fake clock follows the wall clock, `scale` times faster. It never runs behind
   * the wall clock shifted by the skew (a clock skewed -10 minutes is never more than 10 minutes behind).
   */
  startRealTime(scale: number, tickMs = 20): void {
    this.stopRealTime();
    let last = Date.now();
    this.#ticker = setInterval(() => {
      const wall = Date.now();
      const target = Math.max(this.#now + (wall - last) * scale, wall + this.skewMs);
      last = wall;
      this.advanceAutomatically(target - this.#now).catch((error: Error) => {
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
    this.#pauseConditions = [];
    this.#paused = false;
  }

  #queue(step: () => Promise<void>): Promise<void> {
    const next = this.#running.then(step);
    this.#running = next.catch(() => undefined);
    return next;
  }

  #check(condition: PauseCondition): boolean {
    if (!condition.holds()) return false;
    this.#paused = true;
    condition.reached();
    return true;
  }

  async #advanceTo(target: number, automatic: boolean): Promise<void> {
    for (;;) {
      if (automatic && this.#paused) return;
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#now = Math.max(this.#now, due.at);
      await due.run();
      this.#pauseConditions = this.#pauseConditions.filter((c) => !this.#check(c));
    }
    if (automatic && this.#paused) return;
    this.#now = Math.max(this.#now, target);
  }
}
