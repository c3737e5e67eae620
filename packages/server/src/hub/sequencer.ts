import type { Message } from '@chat/protocol';

/** How long a message waits for an earlier one before the gap is filled from storage. */
export const GAP_WAIT_MS = 100;

interface RoomOrder {
  room: string;
  /** The seq this node delivers next in the room. */
  next: number;
  /** Arrived ahead of their turn, by seq. */
  early: Map<number, () => void>;
  timer: NodeJS.Timeout | null;
}

/**
 * Puts each room's messages back in seq order. Nodes commit and publish independently, so
 * message 6 may reach a node before message 5; it waits (briefly) for 5, and a gap that
 * lasts (a publisher died between commit and publish) is filled from storage.
 */
export class Sequencer {
  private readonly rooms = new Map<string, RoomOrder>();

  constructor(
    private readonly fetchMissing: (
      room: string,
      after: number,
      before: number,
    ) => Promise<Message[]>,
    private readonly deliverFetched: (message: Message) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts ordering a room after `seq` (a history page just sent), unless already ordered. */
  track(room: string, seq: number): void {
    if (!this.rooms.has(room))
      this.rooms.set(room, { room, next: seq + 1, early: new Map(), timer: null });
  }

  forget(room: string): void {
    const order = this.rooms.get(room);
    if (order?.timer) clearTimeout(order.timer);
    this.rooms.delete(room);
  }

  /** Runs `deliver` for message `seq` of `room` in its turn (at once when it is its turn). */
  push(room: string, seq: number, deliver: () => void): void {
    let order = this.rooms.get(room);
    if (!order) {
      order = { room, next: seq, early: new Map(), timer: null };
      this.rooms.set(room, order);
    }
    if (seq < order.next) {
      // late: already filled from storage; connections drop what they had
      deliver();
      return;
    }
    if (seq > order.next) {
      order.early.set(seq, deliver);
      this.arm(order);
      return;
    }
    deliver();
    order.next++;
    this.drain(order);
  }

  private drain(order: RoomOrder): void {
    for (let d = order.early.get(order.next); d; d = order.early.get(order.next)) {
      order.early.delete(order.next);
      d();
      order.next++;
    }
    if (order.early.size > 0) this.arm(order);
    else if (order.timer) {
      clearTimeout(order.timer);
      order.timer = null;
    }
  }

  private arm(order: RoomOrder): void {
    order.timer ??= setTimeout(() => void this.fill(order.room), GAP_WAIT_MS);
  }

  private async fill(room: string): Promise<void> {
    const order = this.rooms.get(room);
    if (!order) return;
    order.timer = null;
    if (order.early.size === 0) return;
    const first = Math.min(...order.early.keys());
    try {
      const missing = await this.fetchMissing(room, order.next - 1, first);
      if (this.rooms.get(room) !== order) return;
      for (const m of missing) {
        if (m.seq !== order.next) break;
        this.deliverFetched(m);
        order.next++;
      }
    } catch (err) {
      this.onError(err);
    }
    if (this.rooms.get(room) !== order) return;
    // whatever storage could not give is given up on, so the room never stalls
    if (order.next < first) order.next = first;
    this.drain(order);
  }

  stop(): void {
    for (const order of this.rooms.values()) if (order.timer) clearTimeout(order.timer);
    this.rooms.clear();
  }
}
