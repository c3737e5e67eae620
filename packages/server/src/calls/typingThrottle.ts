import { LIMITS } from '@chat/protocol';

/**
 * `typing` notices passed on, per user, on this node: more than one per
 * LIMITS.typingIntervalMs is dropped silently (one per server, not per process).
 */
export class TypingThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: number = LIMITS.typingIntervalMs) {}

  /** Whether this user's notice goes out now. */
  take(user: string, now = Date.now()): boolean {
    const last = this.last.get(user);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.last.set(user, now);
    return true;
  }

  /** Forgets a user (its connection closed). */
  forget(user: string): void {
    this.last.delete(user);
  }
}
