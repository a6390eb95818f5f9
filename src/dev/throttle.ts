/**
 * API Gateway's stage throttling as `dev` models it: a token bucket of `burstLimit` tokens, refilled at
 * `rateLimit` tokens a second, one token per request; a request that finds the bucket empty gets 429 before
 * anything else runs. (API Gateway documents its throttling as this algorithm, applied on a best-effort
 * basis: the deployed API may let a few more through at the edge of a burst.)
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rateLimit: number,
    private readonly burstLimit: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burstLimit;
    this.last = now();
  }

  /** Takes a token for one request; false when the bucket is empty (throttled). */
  take(): boolean {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.burstLimit, this.tokens + elapsedSeconds * this.rateLimit);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
