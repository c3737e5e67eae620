import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/storage.ts';

type Origin = { session: string; id?: string };

interface Pending {
  timer: NodeJS.Timeout;
  dirty: boolean;
}

/**
 * Broadcasts `room_changed`. A change of `sum` alone is coalesced to at most one broadcast
 * per interval per room (first at once, then one trailing with the final state), so a busy
 * room does not cost every connection a frame per message.
 */
export class RoomChanges {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly storage: Storage,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Sends the room's current state to all now. */
  async now(room: string, origin?: { session: string; id?: string }): Promise<void> {
    const object = await this.storage.getRoom(room);
    if (!object) return;
    await this.bus.publish({
      kind: 'deliver',
      audience: { to: 'all' },
      payload: { message: 'room_changed', object },
      ...(origin ? { origin } : {}),
    });
  }

  /**
   * The room's message count moved, by the call of `origin`. Sent at once when the room was
   * quiet (the caller's copy carrying its id); otherwise folded into the next trailing one.
   */
  sumMoved(room: string, origin?: Origin): void {
    const p = this.pending.get(room);
    if (p) {
      p.dirty = true;
      return;
    }
    this.send(room, origin);
    this.arm(room);
  }

  private arm(room: string): void {
    const timer = setTimeout(() => {
      const p = this.pending.get(room);
      this.pending.delete(room);
      if (p?.dirty) {
        this.send(room);
        this.arm(room);
      }
    }, this.intervalMs);
    timer.unref();
    this.pending.set(room, { timer, dirty: false });
  }

  private send(room: string, origin?: Origin): void {
    this.now(room, origin).catch((err: unknown) =>
      this.log.error({ err, room }, 'room_changed failed'),
    );
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
