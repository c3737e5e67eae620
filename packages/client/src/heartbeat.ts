/**
 * Notices a connection that went silent. Browsers cannot send WebSocket pings, so when
 * nothing has arrived for `intervalMs` a cheap call is sent as a probe; if no frame at all
 * arrives within `timeoutMs` after it, the connection is declared dead.
 */
export class Heartbeat {
  private lastSeen = 0;
  private probeAt: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly probe: () => void,
    private readonly dead: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A connection opened. */
  start(): void {
    this.stop();
    this.lastSeen = this.now();
    this.arm(this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.probeAt = null;
  }

  /** A frame arrived (cheap: timers are re-armed only when they fire). */
  seen(): void {
    this.lastSeen = this.now();
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms));
  }

  private tick(): void {
    this.timer = null;
    const now = this.now();
    if (this.probeAt !== null) {
      if (this.lastSeen < this.probeAt) {
        if (now - this.probeAt >= this.timeoutMs) {
          this.probeAt = null;
          this.dead();
          return;
        }
        this.arm(this.probeAt + this.timeoutMs - now);
        return;
      }
      this.probeAt = null;
    }
    const idle = now - this.lastSeen;
    if (idle < this.intervalMs) {
      this.arm(this.intervalMs - idle);
      return;
    }
    this.probeAt = now;
    this.probe();
    this.arm(this.timeoutMs);
  }
}
