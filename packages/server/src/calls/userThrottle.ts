/**
 * Notices of a user passed on by this node (`typing`, `move_cursor`): more than one per
 * `intervalMs` is dropped silently (one per server, not per process).
 */
export class UserThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

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
