import type { Message } from '@chat/protocol';

/** How long a message waits for an earlier one before the gap is filled from storage (default). */
export const GAP_WAIT_MS = 100;
/** Between tries to fill a gap while storage cannot be read. */
export const GAP_RETRY_MS = 1000;
/** How long a gap is retried while storage cannot be read, before it is given up on. */
export const GAP_GIVE_UP_MS = 10_000;

interface RoomOrder {
  room: string;
  /** The seq this node delivers next in the room; undefined until a history page says where to start. */
  next: number | undefined;
  /** Arrived ahead of their turn, by seq. */
  early: Map<number, () => void>;
  timer: NodeJS.Timeout | null;
  /** A read from storage is running for this room. */
  filling: boolean;
  /** Since when reading the gap from storage fails. */
  failingSince: number | undefined;
}

/**
 * Puts each room's messages back in seq order. Nodes commit and publish independently, so
 * message 6 may reach a node before message 5; it waits (briefly) for 5, and a gap that
 * lasts (a publisher died between commit and publish, or this node missed events while
 * the bus was away) is filled from storage. Storage has no gaps: when 6 is committed,
 * 5 is too.
 */
export class Sequencer {
  private readonly rooms = new Map<string, RoomOrder>();

  /**
   * `fetchMissing` reads messages with after < seq < before (as many as it likes, in
   * order); `deliverFetched` delivers one of them.
   */
  constructor(
    private readonly fetchMissing: (
      room: string,
      after: number,
      before: number,
    ) => Promise<Message[]>,
    private readonly deliverFetched: (message: Message) => void,
    private readonly onError: (err: unknown) => void,
    private readonly waitMs: number = GAP_WAIT_MS,
  ) {}

  /** Starts ordering a room after `seq` (a history page just sent), unless already ordered. */
  track(room: string, seq: number): void {
    const order = this.rooms.get(room);
    if (!order) {
      this.rooms.set(room, {
        room,
        next: seq + 1,
        early: new Map(),
        timer: null,
        filling: false,
        failingSince: undefined,
      });
      return;
    }
    if (order.next !== undefined) return;
    order.next = seq + 1;
    // what came before the first history page is in it, or late for a page that ended earlier:
    // connections drop what they already have
    for (const s of [...order.early.keys()].sort((a, b) => a - b)) {
      if (s >= order.next) break;
      const deliver = order.early.get(s)!;
      order.early.delete(s);
      deliver();
    }
    this.drain(order);
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
      // a member is entering: its history page will say where the room's order starts
      order = {
        room,
        next: undefined,
        early: new Map(),
        timer: null,
        filling: false,
        failingSince: undefined,
      };
      this.rooms.set(room, order);
    }
    if (order.next === undefined || seq > order.next) {
      order.early.set(seq, deliver);
      this.arm(order, this.waitMs);
      return;
    }
    // late (already filled from storage; connections drop what they had), or in turn
    deliver();
    if (seq === order.next) {
      order.next++;
      this.drain(order);
    }
  }

  /** After a bus outage: delivers from storage whatever this node missed in every room it orders. */
  catchUp(): void {
    for (const order of this.rooms.values()) {
      if (order.next === undefined || order.filling) continue;
      void this.filled(order, Infinity);
    }
  }

  stop(): void {
    for (const order of this.rooms.values()) if (order.timer) clearTimeout(order.timer);
    this.rooms.clear();
  }

  /** Delivers the early messages that are now in turn; waits for the rest. */
  private drain(order: RoomOrder): void {
    if (order.next === undefined) return;
    for (let d = order.early.get(order.next); d; d = order.early.get(order.next)) {
      order.early.delete(order.next);
      d();
      order.next++;
    }
    if (order.early.size > 0) this.arm(order, this.waitMs);
    else if (order.timer) {
      clearTimeout(order.timer);
      order.timer = null;
    }
  }

  private arm(order: RoomOrder, ms: number): void {
    if (order.filling) return;
    order.timer ??= setTimeout(() => this.gap(order), ms);
  }

  /** A gap lasted: fill it from storage; what storage does not have is given up on. */
  private gap(order: RoomOrder): void {
    order.timer = null;
    if (this.rooms.get(order.room) !== order || order.early.size === 0) return;
    const first = Math.min(...order.early.keys());
    if (order.next === undefined) {
      // no history page came (the entry failed): start at the first that arrived
      order.next = first;
      this.drain(order);
      return;
    }
    void this.filled(order, first);
  }

  /** Fills from storage up to `upTo`, then goes on with what waits. */
  private async filled(order: RoomOrder, upTo: number): Promise<void> {
    order.filling = true;
    let failed = false;
    try {
      await this.fill(order, upTo);
      order.failingSince = undefined;
    } catch (err) {
      this.onError(err);
      failed = true;
      order.failingSince ??= Date.now();
    } finally {
      order.filling = false;
    }
    if (this.rooms.get(order.room) !== order) return;
    if (failed && Date.now() - order.failingSince! < GAP_GIVE_UP_MS) {
      // storage is away: nothing new is committed meanwhile, so waiting costs little
      this.arm(order, GAP_RETRY_MS);
      return;
    }
    // whatever storage could not give is given up on, so the room never stalls
    const first = Math.min(...order.early.keys());
    if (order.next !== undefined && order.next < first && first !== Infinity) order.next = first;
    this.drain(order);
  }

  private async fill(order: RoomOrder, upTo: number): Promise<void> {
    while (order.next !== undefined && order.next < upTo) {
      const page = await this.fetchMissing(order.room, order.next - 1, upTo);
      if (this.rooms.get(order.room) !== order) return;
      let progressed = false;
      for (const m of page) {
        // a copy from the bus that arrived meanwhile goes first (it carries its call id)
        this.drain(order);
        if (m.seq !== order.next) continue;
        this.deliverFetched(m);
        order.next++;
        progressed = true;
      }
      if (!progressed) return;
    }
  }
}
