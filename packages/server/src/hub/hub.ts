import { isOriginalResult, resultFrame, type Message } from '@chat/protocol';
import type { Bus, Delivery } from '../bus/bus.ts';
import { ROOM_LIST, roomTopic } from '../bus/topics.ts';
import type { Connection } from './connection.ts';
import { Sequencer } from './sequencer.ts';
import type { Metrics } from '../metrics.ts';

/** How long a room list waits for its topic to be heard (heardList). */
const LIST_WAIT_MS = 2000;

/** This node's live connections, who is in which room, and the fan-out of deliveries. */
export class Hub {
  private readonly sessions = new Map<string, Connection>();
  private readonly rooms = new Map<string, Set<Connection>>();
  /** A user's connections here: almost always one, so an array, not a Set (memory per connection). */
  private readonly users = new Map<string, Connection[]>();
  /** Connections in no room. */
  private readonly lobby = new Set<Connection>();
  /** The room list's topic, heard while the lobby has anyone (resolved once it is heard). */
  private listHeard: Promise<void> | null = null;
  private readonly sequencer: Sequencer;
  /**
   * This node's own messages on their way through the bus, by room and seq: one filled
   * from storage before its bus copy came back still carries the sender's call id.
   */
  private readonly own = new Map<string, Map<number, Delivery>>();
  /**
   * Calls of this node's connections, by room, that may commit a message and then register it
   * in `own`: a page read from storage waits for those running when it arrives, so that a
   * message it holds is never sent without its call id because its call was a step behind.
   */
  private readonly running = new Map<string, Set<Promise<void>>>();
  /** Each occupied room's subscription to its bus topic, resolved once it is heard. */
  private readonly heard = new Map<string, Promise<void>>();

  /** `history` reads messages of a room with after < seq < before, to fill a gap in delivery. */
  constructor(
    /** Joined to a room's topic while a connection of this node is in the room. */
    private readonly bus: Pick<Bus, 'join' | 'leave'>,
    history: (room: string, after: number, before: number) => Promise<Message[]>,
    onError: (err: unknown) => void,
    private readonly metrics?: Metrics,
    gapWaitMs?: number,
  ) {
    this.sequencer = new Sequencer(
      async (room, after, before) => {
        const page = await history(room, after, before);
        await Promise.all([...(this.running.get(room) ?? [])]);
        return page;
      },
      (object) => {
        this.metrics?.gapFills.inc();
        const d = this.takeOwn(object.room_uuid, object.seq) ?? {
          kind: 'deliver',
          audience: { to: 'room', room: object.room_uuid },
          payload: { message: 'message_created', object },
        };
        this.fanOut(d);
      },
      onError,
      gapWaitMs,
    );
  }

  /** A delivery this node is about to publish: its sender's copy keeps its call id (see `own`). */
  expectOwn(d: Delivery): void {
    const p = d.payload;
    if (p.message !== 'message_created' || d.origin?.id === undefined) return;
    const room = p.object.room_uuid;
    if (!this.rooms.has(room)) return;
    let bySeq = this.own.get(room);
    if (!bySeq) this.own.set(room, (bySeq = new Map<number, Delivery>()));
    bySeq.set(p.object.seq, d);
  }

  /**
   * A call that may commit a message in `room` with its id starts; the function returned is
   * called once it has registered that message (expectOwn) or failed.
   */
  callStarted(room: string): () => void {
    let done!: () => void;
    const call = new Promise<void>((resolve) => (done = resolve));
    let calls = this.running.get(room);
    if (!calls) this.running.set(room, (calls = new Set()));
    calls.add(call);
    return () => {
      done();
      calls.delete(call);
      if (calls.size === 0 && this.running.get(room) === calls) this.running.delete(room);
    };
  }

  private takeOwn(room: string, seq: number): Delivery | undefined {
    const bySeq = this.own.get(room);
    const d = bySeq?.get(seq);
    if (d) bySeq!.delete(seq);
    if (bySeq?.size === 0) this.own.delete(room);
    return d;
  }

  /** The bus is back after an outage: deliver from storage the messages missed meanwhile. */
  catchUp(): void {
    this.sequencer.catchUp();
  }

  /** The rooms with a connection of this node in them. */
  occupiedRooms(): string[] {
    return [...this.rooms.keys()];
  }

  get size(): number {
    return this.sessions.size;
  }

  connections(): IterableIterator<Connection> {
    return this.sessions.values();
  }

  add(conn: Connection): void {
    this.sessions.set(conn.session, conn);
    const mine = this.users.get(conn.user.uuid);
    if (mine) mine.push(conn);
    else this.users.set(conn.user.uuid, [conn]);
    if (conn.room !== null) this.join(conn, conn.room);
    else this.toLobby(conn);
  }

  remove(conn: Connection): void {
    if (this.sessions.get(conn.session) !== conn) return;
    this.sessions.delete(conn.session);
    this.leave(conn);
    this.fromLobby(conn);
    const mine = this.users.get(conn.user.uuid)?.filter((c) => c !== conn);
    if (mine?.length) this.users.set(conn.user.uuid, mine);
    else this.users.delete(conn.user.uuid);
  }

  /** Local connections of a user. */
  ofUser(uuid: string): Connection[] {
    return this.users.get(uuid)?.slice() ?? [];
  }

  /** Moves a connection's membership to `room` (its user object must already say so). */
  join(conn: Connection, room: string): void {
    this.fromLobby(conn);
    let set = this.rooms.get(room);
    if (!set) {
      this.rooms.set(room, (set = new Set()));
      const joined = this.bus.join(roomTopic(room));
      // a failure is the caller's to see (heard), not an unhandled rejection
      joined.catch(() => {});
      this.heard.set(room, joined);
    }
    set.add(conn);
  }

  private toLobby(conn: Connection): void {
    this.lobby.add(conn);
    if (this.listHeard) return;
    const joined = this.bus.join(ROOM_LIST);
    joined.catch(() => {});
    this.listHeard = joined;
  }

  private fromLobby(conn: Connection): void {
    if (!this.lobby.delete(conn) || this.lobby.size > 0 || !this.listHeard) return;
    this.listHeard = null;
    this.bus.leave(ROOM_LIST);
  }

  /**
   * Resolves once this node hears the room list's topic (while anyone here is in no room): a
   * list read after that misses no change of a room's count. Never rejects, and waits at most
   * LIST_WAIT_MS: a list a little stale (until the room's next count) is better than none
   * while Redis is slow to answer.
   */
  heardList(): Promise<void> {
    if (!this.listHeard) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.listHeard.catch(() => {}),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, LIST_WAIT_MS))),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * Resolves once this node hears the room's topic: what is published after, it receives. A
   * history page read after that misses nothing (what it does not hold comes by the bus).
   */
  heardRoom(room: string): Promise<void> {
    return this.heard.get(room) ?? Promise.resolve();
  }

  /** Takes a connection out of `room`, into the lobby unless it goes on to another room. */
  leave(conn: Connection, room: string | null = conn.room, toRoom = false): void {
    if (room === null) return;
    if (!toRoom && this.sessions.get(conn.session) === conn) this.toLobby(conn);
    const set = this.rooms.get(room);
    set?.delete(conn);
    if (set?.size === 0) {
      this.rooms.delete(room);
      this.heard.delete(room);
      this.bus.leave(roomTopic(room));
      this.sequencer.forget(room);
      this.own.delete(room);
    }
  }

  /** A history page of `room` ending at `seq` was just sent: deliver its messages in order from there. */
  track(room: string, seq: number): void {
    this.sequencer.track(room, seq);
  }

  stop(): void {
    this.sequencer.stop();
    this.own.clear();
  }

  /**
   * A delivery from the bus: messages go out in each room's seq order (the sequencer waits
   * for, or fills, what is missing), everything else at once.
   */
  deliver(d: Delivery): void {
    const p = d.payload;
    if (p.message === 'message_created') {
      const room = p.object.room_uuid;
      this.takeOwn(room, p.object.seq);
      if (!this.rooms.has(room)) return;
      this.sequencer.push(room, p.object.seq, () => this.fanOut(d));
      return;
    }
    this.fanOut(d);
  }

  /**
   * Serializes the event once, at its first local recipient, and writes the same frame to
   * every one (an original client only what the original server sent). A node hears events of
   * rooms it holds no one of (the lobby's, a topic's last leaver): those cost no serializing.
   */
  fanOut(d: Delivery): void {
    const a = d.audience;
    let targets: Iterable<Connection>;
    if (a.to === 'all') targets = this.sessions.values();
    else if (a.to === 'room') {
      targets = this.rooms.get(a.room) ?? [];
      const owner = a.owner === undefined ? undefined : this.users.get(a.owner);
      // the owner's connections in the room are among its members already
      if (owner) targets = [...targets, ...owner.filter((c) => c.room !== a.room)];
    } else if (a.to === 'watchers') targets = [...(this.rooms.get(a.room) ?? []), ...this.lobby];
    else if (a.to === 'lobby') targets = this.lobby;
    else {
      const conn = this.sessions.get(a.session);
      targets = conn ? [conn] : [];
    }
    const payload = d.payload;
    let frame: string | undefined;
    const origin = d.origin;
    let seq: number | undefined;
    let room: string | undefined;
    if (payload.message === 'message_created') {
      seq = payload.object.seq;
      room = payload.object.room_uuid;
    }
    const except = a.to === 'room' ? a.except : undefined;
    const version = a.to === 'all' ? a.version : undefined;
    const original = isOriginalResult(payload.message);
    let n = 0;
    let chars = 0;
    for (const conn of targets) {
      if (conn.session === except) continue;
      if (
        (version !== undefined && conn.version !== version) ||
        (!original && conn.version === 1)
      ) {
        continue;
      }
      const sent =
        origin?.id !== undefined && conn.session === origin.session
          ? resultFrame({ ...payload, id: origin.id })
          : (frame ??= resultFrame(payload));
      conn.deliver(sent, room, seq);
      chars += sent.length;
      n++;
    }
    this.metrics?.delivered(chars, n);
  }
}
