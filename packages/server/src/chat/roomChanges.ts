import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/storage.ts';

type Origin = { session: string; id?: string };

interface Pending {
  timer: NodeJS.Timeout;
  dirty: boolean;
}

/**
 * Broadcasts `room_changed` to all, at most once per interval per room: the first change of
 * a quiet room goes out at once (the caller's copy carrying its id), later ones within the
 * interval fold into one trailing broadcast of the final state. A busy room (messages, a
 * crowd entering) then costs each connection one frame a second, not one per event; with
 * up to 100 users inlined in every room object, that is what keeps a crowd's entry from
 * growing with the square of its size.
 */
export class RoomChanges {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly storage: Storage,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** The room changed because of `origin`'s call (or of no call). */
  async changed(room: string, origin?: Origin): Promise<void> {
    const p = this.pending.get(room);
    if (p) {
      p.dirty = true;
      return;
    }
    this.arm(room);
    await this.send(room, origin);
  }

  /**
   * The room's state was just broadcast by someone else (a rename): if a throttled broadcast
   * is in flight, one more follows, so the last word is always the final state.
   */
  settle(room: string): void {
    const p = this.pending.get(room);
    if (p) p.dirty = true;
  }

  /** Like changed(), for callers that do not wait: failures are logged. */
  touch(room: string, origin?: Origin): void {
    this.changed(room, origin).catch((err: unknown) =>
      this.log.error({ err, room }, 'room_changed failed'),
    );
  }

  /** @deprecated the same as changed(). */
  now(room: string, origin?: Origin): Promise<void> {
    return this.changed(room, origin);
  }

  private async send(room: string, origin?: Origin): Promise<void> {
    const object = await this.storage.getRoom(room);
    if (!object) return;
    await this.bus.publish({
      kind: 'deliver',
      audience: { to: 'all' },
      payload: { message: 'room_changed', object },
      ...(origin ? { origin } : {}),
    });
  }

  private arm(room: string): void {
    const timer = setTimeout(() => {
      const p = this.pending.get(room);
      this.pending.delete(room);
      if (p?.dirty) {
        this.arm(room);
        this.send(room).catch((err: unknown) =>
          this.log.error({ err, room }, 'room_changed failed'),
        );
      }
    }, this.intervalMs);
    timer.unref();
    this.pending.set(room, { timer, dirty: false });
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
