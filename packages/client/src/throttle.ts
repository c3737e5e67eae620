/**
 * At most one action per interval (a protocol rule such as LIMITS.typingIntervalMs or
 * LIMITS.appendIntervalMs): `take()` says whether one may happen now and counts it.
 */
export class Throttle {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the next action is allowed (0: now). */
  wait(): number {
    return Math.max(0, this.last + this.intervalMs - this.now());
  }

  take(): boolean {
    if (this.wait() > 0) return false;
    this.last = this.now();
    return true;
  }
}
