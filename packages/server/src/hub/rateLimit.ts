/** A token bucket of calls: `perSecond` sustained, `burst` at once. */
export class RateLimit {
  private tokens: number;
  private last: number;
  /** Calls refused since the last one allowed. */
  strikes = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  /** Takes a token; when none is left returns the milliseconds until one is. */
  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.strikes = 0;
      return { ok: true };
    }
    this.strikes++;
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.perSecond) };
  }
}
