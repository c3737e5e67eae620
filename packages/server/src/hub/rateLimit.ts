/** A token bucket: `perSecond` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  /**
   * Takes `cost` tokens and returns 0, or takes none and returns the milliseconds until
   * they will be there. A cost above the burst is charged as the burst: it can never wait
   * for more than the bucket holds.
   */
  take(cost = 1, now = performance.now()): number {
    this.refill(now);
    const needed = Math.min(cost, this.burst);
    if (this.tokens >= needed) {
      this.tokens -= needed;
      return 0;
    }
    return Math.ceil(((needed - this.tokens) * 1000) / this.perSecond);
  }

  /** Nothing spent lately: the bucket may be forgotten and made anew. */
  isFull(now = performance.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }
}

/** A connection's calls: a token bucket that counts refusals in a row. */
export class RateLimit extends TokenBucket {
  /** Calls refused since the last one allowed. */
  strikes = 0;

  override take(cost = 1, now = performance.now()): number {
    const wait = super.take(cost, now);
    this.strikes = wait === 0 ? 0 : this.strikes + 1;
    return wait;
  }
}
