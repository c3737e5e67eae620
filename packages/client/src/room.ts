import {
  PAGES,
  type AnsweredCall,
  type CallInput,
  type Message,
  type ResultPayload,
  type User,
} from '@chat/protocol';
import { CallError, ClientError, type ChatClientError } from './errors.ts';
import type { FrameMeta, History } from './events.ts';
import type { EnterReply, Reply, RequestFlags } from './requests.ts';

/** What the room session needs of the client. */
export interface RoomDeps {
  request<K extends AnsweredCall>(
    call: K,
    args: CallInput<K>,
    flags: RequestFlags,
  ): Promise<Reply<K>>;
  /** Whether the current connection has its user (user_created arrived). */
  identified(): boolean;
  history(history: History): void;
  message(payload: ResultPayload<'message_created'>, meta: FrameMeta): void;
  report(error: ChatClientError, meta: FrameMeta): void;
  /** The room is in sync (or given up): calls waiting for it may go. */
  settled(): void;
  /** Another room (or none) is wanted from now on. */
  changed(room: string | null): void;
}

/**
 * - none: no room wanted;
 * - waiting: a room is wanted, the connection is not identified;
 * - entering: enter_room, then the gap fill, are under way;
 * - in: in sync; new messages are passed on as they come.
 */
type Phase = 'none' | 'waiting' | 'entering' | 'in';

interface Held {
  payload: ResultPayload<'message_created'>;
  meta: FrameMeta;
}

interface Waiter {
  resolve(reply: EnterReply): void;
  reject(error: ChatClientError): void;
}

const RETRY_MS = 1_000;

/**
 * The room the client wants to be in: entered again after every reconnect, the messages
 * missed meanwhile filled in with list_messages {after} pages, no message lost or doubled
 * (by seq): messages that arrive while entering are held until the history is out.
 */
export class RoomSession {
  private wanted: string | null = null;
  private phase: Phase = 'none';
  /** Changes when the wanted room does. */
  private visit = 0;
  /** Changes with each entry, each drop and each visit: a stale step stops. */
  private attempt = 0;
  /** Newest seq passed on in this room; null before the first entry. */
  private lastSeq: number | null = null;
  /** Oldest seq passed on, for loadOlder(). */
  private oldestSeq: number | null = null;
  /** Newest change number (`rev`) seen in this room: where catching up starts after a drop. */
  private lastRev = 0;
  /**
   * Changes to messages not passed on yet (by seq, the newest copy): a change made on another
   * node can overtake the message_created this one is still ordering. Applied when it comes.
   */
  private readonly early = new Map<number, Message>();
  private olderRemain = false;
  private readonly held = new Map<number, Held>();
  private entered: EnterReply | null = null;
  private waiters: Waiter[] = [];
  private olderRequest: Promise<History | null> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: RoomDeps) {}

  /** The room wanted, entered or not. */
  get room(): string | null {
    return this.wanted;
  }

  /** Whether the room is being (re-)entered: calls made meanwhile wait. */
  get syncing(): boolean {
    return this.phase === 'entering';
  }

  get inSync(): boolean {
    return this.phase === 'in';
  }

  /** Whether older messages than those passed on remain. */
  get hasOlder(): boolean {
    return this.olderRemain;
  }

  enter(uuid: string): Promise<EnterReply> {
    if (uuid === this.wanted) {
      if (this.phase === 'in' && this.entered) return Promise.resolve(this.entered);
      return this.wait();
    }
    this.reset(uuid);
    this.phase = 'waiting';
    const entered = this.wait();
    if (this.deps.identified()) this.start();
    return entered;
  }

  leave(): Promise<void> {
    const phase = this.phase;
    if (this.wanted === null) return Promise.resolve();
    this.reset(null);
    if (phase === 'entering') this.deps.settled();
    if (!this.deps.identified() || phase === 'waiting') return Promise.resolve();
    return this.deps.request('leave_room', {}, { direct: true }).then(
      () => undefined,
      (err: unknown) => {
        // not in a room (an entry that failed): nothing to leave
        if (err instanceof CallError && err.code === 'no_specified_room') return;
        throw err;
      },
    );
  }

  loadOlder(limit: number): Promise<History | null> {
    const room = this.wanted;
    const before = this.oldestSeq;
    if (room === null || this.phase !== 'in' || !this.olderRemain || before === null) {
      return Promise.resolve(null);
    }
    if (this.olderRequest) return this.olderRequest;
    const visit = this.visit;
    const older = this.deps.request('list_messages', { before, limit }, { history: true }).then(
      (page) => {
        if (visit !== this.visit) return null;
        this.olderRequest = null;
        const list = page.list.filter((m) => m.seq < before);
        this.oldestSeq = list[0]?.seq ?? before;
        this.olderRemain = page.has_more && list.length > 0;
        const history: History = { room, list, mode: 'older', has_more: this.olderRemain };
        this.deps.history(history);
        return history;
      },
      (err: unknown) => {
        if (visit === this.visit) this.olderRequest = null;
        throw err;
      },
    );
    this.olderRequest = older;
    return older;
  }

  /**
   * The connection has its user: enter the wanted room again, or leave a room the server put
   * a resumed identity in that this client does not want. Returns whether calls must wait.
   */
  connected(user: User): boolean {
    if (this.wanted === null) {
      if (user.room_uuid !== null) {
        this.deps.request('leave_room', {}, { direct: true }).catch(() => undefined);
      }
      return false;
    }
    this.start();
    return true;
  }

  disconnected(): void {
    this.attempt++;
    this.clearRetry();
    if (this.wanted !== null) this.phase = 'waiting';
  }

  /** The client closed: nothing will be entered. */
  closed(error: ChatClientError): void {
    this.disconnected();
    this.rejectWaiters(error);
  }

  /**
   * A message_created: what to pass on now (null: held while entering, or dropped as seen);
   * a change that overtook it is applied to it.
   */
  accept(
    payload: ResultPayload<'message_created'>,
    meta: FrameMeta,
  ): ResultPayload<'message_created'> | null {
    const m = payload.object;
    if (this.wanted === null || m.room_uuid !== this.wanted) return payload;
    if (this.phase !== 'in') {
      if (!this.held.has(m.seq)) this.held.set(m.seq, { payload, meta });
      return null;
    }
    if (this.lastSeq !== null && m.seq <= this.lastSeq) return null;
    this.lastSeq = m.seq;
    this.oldestSeq ??= m.seq;
    const newer = this.early.get(m.seq);
    this.early.delete(m.seq);
    const object = newer !== undefined && newer.rev > m.rev ? newer : m;
    this.seen(object);
    return object === m ? payload : { ...payload, object };
  }

  /**
   * A message_changed or message_deleted: whether to pass it on now. Kept back while entering,
   * and for a message not passed on yet (it is applied when that message comes).
   */
  change(m: Message): boolean {
    if (this.wanted === null || m.room_uuid !== this.wanted) return true;
    if (this.phase !== 'in' || this.lastSeq === null || m.seq > this.lastSeq) {
      const kept = this.early.get(m.seq);
      if (kept === undefined || kept.rev < m.rev) this.early.set(m.seq, m);
      return false;
    }
    this.seen(m);
    return true;
  }

  private seen(m: Message): void {
    if (m.rev > this.lastRev) this.lastRev = m.rev;
  }

  /** The newest copy of each message of `list`, with the changes kept back applied. */
  private applyEarly(list: Message[]): Message[] {
    return list.map((m) => {
      const newer = this.early.get(m.seq);
      if (newer === undefined) return m;
      this.early.delete(m.seq);
      return newer.rev > m.rev ? newer : m;
    });
  }

  private reset(room: string | null): void {
    this.rejectWaiters(
      new ClientError(
        'cancelled',
        room === null ? 'The room was left.' : 'Another room was entered.',
      ),
    );
    this.clearRetry();
    const changed = room !== this.wanted;
    this.wanted = room;
    this.phase = 'none';
    this.visit++;
    this.attempt++;
    this.lastSeq = null;
    this.oldestSeq = null;
    this.lastRev = 0;
    this.early.clear();
    this.olderRemain = false;
    this.held.clear();
    this.entered = null;
    this.olderRequest = null;
    if (changed) this.deps.changed(room);
  }

  private wait(): Promise<EnterReply> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private rejectWaiters(error: ChatClientError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private start(): void {
    this.clearRetry();
    this.phase = 'entering';
    const attempt = ++this.attempt;
    this.sync(attempt).catch((err: unknown) => {
      if (attempt === this.attempt) this.failed(err, attempt);
    });
  }

  private async sync(attempt: number): Promise<void> {
    const room = this.wanted;
    if (room === null) return;
    const reply = await this.deps.request(
      'enter_room',
      { uuid: room },
      { direct: true, history: true },
    );
    if (attempt !== this.attempt) return;
    const page = reply.messages_listed;
    let history: History;
    /** Older messages that changed while this client was away, as they are now. */
    let changes: Message[] = [];
    if (this.lastSeq === null) {
      history = { room, list: page.list, mode: 'initial', has_more: page.has_more };
      this.oldestSeq = page.list[0]?.seq ?? null;
      this.olderRemain = page.has_more;
      this.lastSeq = page.list.at(-1)?.seq ?? 0;
    } else {
      const from = this.lastSeq;
      const first = page.list[0];
      let list: Message[] = page.list.filter((m) => m.seq > from);
      if (first !== undefined && first.seq > from + 1) {
        // the newest page does not reach what we have: page forward from it
        list = [];
        let after = from;
        for (;;) {
          const next = await this.deps.request(
            'list_messages',
            { after, limit: PAGES.messages.max },
            { direct: true, history: true },
          );
          if (attempt !== this.attempt) return;
          list.push(...next.list.filter((m) => m.seq > after));
          const last = next.list.at(-1);
          if (!next.has_more || last === undefined) break;
          after = last.seq;
        }
      }
      // edits, deletions and reactions of the messages it had: every change after the newest
      // it saw (new messages are in `list` already, as they are now)
      for (let after = this.lastRev; after > 0;) {
        const next = await this.deps.request(
          'list_messages',
          { changed_after: after, limit: PAGES.messages.max },
          { direct: true, history: true },
        );
        if (attempt !== this.attempt) return;
        changes.push(...next.list.filter((m) => m.seq <= from));
        const last = next.list.at(-1);
        if (!next.has_more || last === undefined) break;
        after = last.rev;
      }
      this.lastSeq = list.at(-1)?.seq ?? from;
      this.oldestSeq ??= list[0]?.seq ?? null;
      history = { room, list, mode: 'newer', has_more: false };
    }
    history.list = this.applyEarly(history.list);
    for (const m of history.list) this.seen(m);
    // changes kept back for messages this page now holds or older ones: told with the rest
    for (const [seq, m] of this.early) {
      if (seq > this.lastSeq) continue;
      this.early.delete(seq);
      changes.push(m);
    }
    changes = newestCopies(changes);
    for (const m of changes) this.seen(m);
    this.entered = reply;
    this.phase = 'in';
    this.deps.history(history);
    if (changes.length > 0) {
      this.deps.history({ room, list: changes, mode: 'changed', has_more: false });
    }
    const held = [...this.held.values()].sort(
      (a, b) => a.payload.object.seq - b.payload.object.seq,
    );
    this.held.clear();
    for (const h of held) {
      const accepted = this.accept(h.payload, h.meta);
      if (accepted) this.deps.message(accepted, h.meta);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(reply);
    this.deps.settled();
  }

  private failed(err: unknown, attempt: number): void {
    const error =
      err instanceof CallError || err instanceof ClientError
        ? err
        : new ClientError('invalid_frame', String(err), 'enter_room');
    // a drop or a close: the next connection enters again
    if (
      error instanceof ClientError &&
      (error.kind === 'connection_lost' || error.kind === 'closed')
    ) {
      return;
    }
    const busy =
      error instanceof CallError
        ? error.code === 'rate_limited' || error.code === 'unavailable'
        : error.kind === 'timeout';
    if (busy) {
      const wait = error instanceof CallError ? (error.retryAfterMs ?? RETRY_MS) : RETRY_MS;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (attempt === this.attempt && this.deps.identified()) this.start();
      }, wait);
      return;
    }
    // the room is gone, or will not have us: stop wanting it
    const hadWaiters = this.waiters.length > 0;
    const waiters = this.waiters;
    this.waiters = [];
    this.reset(null);
    for (const w of waiters) w.reject(error);
    if (!hadWaiters)
      this.deps.report(error, {
        own: true,
        call: error.call ?? 'enter_room',
        ...(error.id ? { id: error.id } : {}),
      });
    this.deps.settled();
  }
}

/** One copy of each message (the highest rev), in ascending seq. */
function newestCopies(list: Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of list) {
    const kept = bySeq.get(m.seq);
    if (kept === undefined || kept.rev < m.rev) bySeq.set(m.seq, m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
