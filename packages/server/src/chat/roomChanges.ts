import type { Bus } from '../bus/bus.ts';
import { roomAudience } from '../calls/owners.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/storage.ts';

type Origin = { session: string; id?: string };

/** What changed: only the message count, or anything (users, name, color). */
type Change = 'sum' | 'all';

interface Pending {
  timer: NodeJS.Timeout;
  /** What changed since the last broadcast, if anything. */
  dirty: Change | null;
}

const wider = (a: Change | null, b: Change): Change => (a === 'all' ? 'all' : b);

/**
 * Broadcasts `room_changed` (see audience()), at most once per interval per room: the first change of
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
  async changed(room: string, origin?: Origin, change: Change = 'all'): Promise<void> {
    const p = this.pending.get(room);
    if (p) {
      p.dirty = wider(p.dirty, change);
      return;
    }
    this.arm(room);
    await this.send(room, change, origin);
  }

  /**
   * The room's state was just broadcast by someone else (a rename): if a throttled broadcast
   * is in flight, one more follows, so the last word is always the final state.
   */
  settle(room: string): void {
    const p = this.pending.get(room);
    if (p) p.dirty = 'all';
  }

  /** The room's message count moved; the caller does not wait, failures are logged. */
  sumMoved(room: string, origin?: Origin): void {
    this.changed(room, origin, 'sum').catch((err: unknown) =>
      this.log.error({ err, room }, 'room_changed failed'),
    );
  }

  private async send(room: string, change: Change, origin?: Origin): Promise<void> {
    const object = await this.storage.rooms.get(room);
    if (!object) return;
    await this.bus.publish({
      kind: 'deliver',
      // a moving sum only to those who show it (roomAudience), so that a busy room does not
      // cost every connection in other rooms a frame a second
      audience: roomAudience(object, change),
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
        this.send(room, p.dirty).catch((err: unknown) =>
          this.log.error({ err, room }, 'room_changed failed'),
        );
      }
    }, this.intervalMs);
    timer.unref();
    this.pending.set(room, { timer, dirty: null });
  }

  stop(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}
