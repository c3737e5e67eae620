import {
  CLOSE_CODES,
  LIMITS,
  socketProtocols,
  socketUrl,
  type AnsweredCall,
  type CallInput,
  type CallName,
  type ErrorPayload,
  type ResultPayload,
  type UnansweredCall,
  type User,
} from '@chat/protocol';
import { CallError, ClientError, type ChatClientError } from './errors.ts';
import {
  Emitter,
  type ClientListeners,
  type ConnectionState,
  type FrameMeta,
  type History,
} from './events.ts';
import { callFrame, readFrame } from './frames.ts';
import { Heartbeat } from './heartbeat.ts';
import { createIdSource, type IdSource } from './ids.ts';
import { Outbox } from './outbox.ts';
import {
  dropPolicy,
  Requests,
  ROOM_CALLS,
  type EnterReply,
  type Pending,
  type Reply,
  type RequestFlags,
} from './requests.ts';
import { RoomSession } from './room.ts';
import {
  partySocket,
  type ReconnectOptions,
  type SocketFactory,
  type SocketLike,
  type WebSocketConstructor,
} from './socket.ts';
import { PointStream, type LineStyle } from './stroke.ts';
import { Throttle } from './throttle.ts';

/** Where the identity token is kept between page loads or runs (localStorage fits). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface ChatClientOptions {
  /** The server: `http(s)://host:port` or `ws(s)://host:port`; the client adds /ws?v=2. */
  url: string;
  /** The WebSocket class (Node: the `ws` package's); the global one by default. */
  WebSocket?: WebSocketConstructor;
  /** Replaces partysocket altogether (tests use a fake). */
  createSocket?: SocketFactory;
  reconnect?: ReconnectOptions;
  /** Keeps the identity token; without one it lives as long as this client. */
  storage?: KeyValueStore | null;
  /** The storage key of the token (default `token`). */
  tokenKey?: string;
  /** How long a sent request waits for its answer (default 15 s). */
  requestTimeoutMs?: number;
  /** Silence after which a probe is sent (default 20 s). */
  heartbeatMs?: number;
  /** Silence after the probe after which the connection is dropped and made again (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** Messages per loadOlder() page (default 100). */
  olderPageSize?: number;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_TOKEN_KEY = 'token';

/** The wait after a close with 1013 (try again later) whose error frame said no retry_after_ms. */
export const TRY_AGAIN_DEFAULT_MS = 15_000;
/** The shortest wait after a close with 1013, whatever the server said. */
export const TRY_AGAIN_MIN_MS = 1_000;

/** A call's arguments: optional when the call needs none. */
type Args<K extends CallName> =
  Record<string, never> extends CallInput<K> ? [args?: CallInput<K>] : [args: CallInput<K>];

export interface RequestOptions {
  /** Overrides the client's request timeout. */
  timeoutMs?: number;
  /**
   * The call's id, from newCallId() (a fresh one by default). A create_message made again
   * under the id of one whose answer never came (a timeout) is stored once: the server answers
   * with the message it stored, if it did. An id still waiting for its answer throws.
   */
  id?: string;
}

/** request()'s arguments after the call name: the call's fields, then options. */
type RequestArgs<K extends AnsweredCall> = [...Args<K>, options?: RequestOptions];

/**
 * A typed client of the chat protocol: connects, reconnects with backoff, resumes its
 * identity with its token, matches answers to calls by id, keeps a room across reconnects
 * and fills the gap, queues calls while offline, and notices a silent server.
 */
export class ChatClient {
  private readonly events = new Emitter<ClientListeners>();
  private readonly ids: IdSource;
  private readonly requests = new Requests();
  private readonly outbox = new Outbox();
  private readonly session: RoomSession;
  private readonly heartbeat: Heartbeat;
  private readonly typingThrottle: Throttle;
  private readonly now: () => number;
  private readonly storage: KeyValueStore | null;
  private readonly tokenKey: string;
  private readonly timeoutMs: number;
  private socket: SocketLike | null = null;
  private open = false;
  private identified = false;
  private stopped = true;
  private takenOver = false;
  private current: ConnectionState = 'closed';
  private me: User | null = null;
  private secret: string | null;
  private readonly points: PointStream;
  private readonly random: () => number;
  /** retry_after_ms of a rate_limited error that refused this connection (no call, no id). */
  private refusedFor: number | null = null;
  /** When the client connects again after the server said to try again later (1013). */
  private waitUntil: number | null = null;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: ChatClientOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.ids = createIdSource(options.random);
    this.storage = options.storage ?? null;
    this.tokenKey = options.tokenKey ?? DEFAULT_TOKEN_KEY;
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
    this.secret = this.readToken();
    this.typingThrottle = new Throttle(LIMITS.typingIntervalMs, this.now);
    this.points = new PointStream(
      (args) => this.send('append_draw_points', args) !== null,
      this.now,
    );
    // a frozen or vanished server is noticed within 9 s: a probe after 5 s of silence, 4 s to answer
    this.heartbeat = new Heartbeat(
      options.heartbeatMs ?? 5_000,
      options.heartbeatTimeoutMs ?? 4_000,
      () => this.probe(),
      () => this.silent(),
      this.now,
    );
    this.session = new RoomSession({
      request: (call, args, flags) => this.call(call, args, flags),
      identified: () => this.identified,
      history: (h) => this.events.emit('history', h),
      message: (payload, meta) => this.events.emit('message_created', payload, meta),
      report: (error, meta) => this.events.emit('error', error, meta),
      settled: () => this.flush(),
      changed: (room) => this.roomChanged(room),
    });
  }

  // ---- state -------------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.current;
  }

  /** This client's user, as of the last user_created or user_changed. */
  get user(): User | null {
    return this.me;
  }

  get token(): string | null {
    return this.secret;
  }

  /**
   * While `offline` because the server closed with 1013 (a quota of this network address is
   * spent): when the client will connect again (milliseconds since the epoch); null otherwise.
   */
  get retryAt(): number | null {
    return this.waitUntil;
  }

  /** The room this client wants to be in (entered, or entered again after a reconnect). */
  get room(): string | null {
    return this.session.room;
  }

  /** Identified, and the room (if any) entered and in sync: calls go out at once. */
  get ready(): boolean {
    return this.identified && !this.session.syncing;
  }

  /** Whether loadOlder() has anything left to load. */
  get hasOlder(): boolean {
    return this.session.hasOlder;
  }

  on<K extends keyof ClientListeners>(name: K, listener: ClientListeners[K]): () => void {
    return this.events.on(name, listener);
  }

  off<K extends keyof ClientListeners>(name: K, listener: ClientListeners[K]): void {
    this.events.off(name, listener);
  }

  // ---- connection --------------------------------------------------------------------------

  connect(): void {
    if (this.socket) {
      if (this.stopped) this.reconnect();
      return;
    }
    this.stopped = false;
    const create =
      this.options.createSocket ??
      partySocket({
        ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
        ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
      });
    this.setState('connecting');
    this.socket = create(
      {
        url: () => socketUrl(this.options.url),
        // the token travels in Sec-WebSocket-Protocol, never in the URL
        protocols: () => socketProtocols(this.secret),
        // after 4000 only reconnect() connects again; after 1013 the client waits (closedSocket)
        shouldReconnect: (code) =>
          !this.stopped &&
          code !== CLOSE_CODES.sessionTakenOver &&
          code !== CLOSE_CODES.tryAgainLater,
      },
      {
        open: () => this.opened(),
        message: (data) => this.received(data),
        close: (code) => this.closedSocket(code),
      },
    );
  }

  /**
   * While offline, tries again now instead of after the backoff (the network came back, the
   * page became visible, the user asked): no-op otherwise.
   */
  retryNow(): void {
    // not while the server asked this address to wait (1013): that wait is the server's
    if (this.state === 'offline' && !this.stopped && this.waitTimer === null) this.reconnect();
  }

  /** Connects again now: after taken_over this takes the identity back. */
  reconnect(): void {
    if (!this.socket) return this.connect();
    this.stopped = false;
    this.takenOver = false;
    this.stopWaiting();
    // an open connection closes first (offline), then a new one opens
    this.socket.reconnect();
    this.setState('connecting');
  }

  /** Closes for good; every call waiting is rejected with `closed`. connect() opens again. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopWaiting();
    this.socket?.close(1000, 'bye');
    this.dropped();
    const error = new ClientError('closed', 'The client was closed.');
    for (const p of this.requests.all()) this.requests.fail(p, error);
    this.outbox.take();
    this.session.closed(error);
    this.setState('closed');
  }

  // ---- calls -------------------------------------------------------------------------------

  /**
   * Sends a call and resolves with its typed answer (the result CALL_REPLIES names; for
   * enter_room all three answers), or rejects with a CallError (the server refused) or a
   * ClientError (timeout, connection_lost, closed, invalid_frame). Made while not ready, the
   * call waits in the outbox and goes out in order.
   */
  request<K extends AnsweredCall>(call: K, ...rest: RequestArgs<K>): Promise<Reply<K>> {
    const args = (rest[0] ?? {}) as CallInput<K>;
    const options = rest[1] as RequestOptions | undefined;
    const flags: RequestFlags =
      options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
    if (options?.id !== undefined && this.requests.get(options.id)) {
      throw new Error(`The call id ${options.id} is in use.`);
    }
    return this.call(call, args, flags, options?.id);
  }

  /** A call id of this client's, for request()'s options.id: one that may be sent again. */
  newCallId(): string {
    return this.ids.next();
  }

  /**
   * Sends a call that gets nothing back on success (typing, append_draw_points), if ready;
   * otherwise drops it (they are worth nothing later). Returns its id, or null when dropped.
   * A refusal comes as an `error` event with this id.
   */
  send<K extends UnansweredCall>(call: K, ...[args]: Args<K>): string | null {
    if (!this.ready || !this.socket) return null;
    const id = this.ids.next();
    this.write(callFrame(call, args ?? {}, id));
    return id;
  }

  /** Wants to be in this room, now and after every reconnect; resolves when entered. */
  enterRoom(uuid: string): Promise<EnterReply> {
    return this.session.enter(uuid);
  }

  /** Wants to be in no room. */
  leaveRoom(): Promise<void> {
    return this.session.leave();
  }

  /** Loads the page of messages before the oldest passed on; null when there is none. */
  loadOlder(limit: number = this.options.olderPageSize ?? 100): Promise<History | null> {
    return this.session.loadOlder(limit);
  }

  /** Sends `typing` at most once per LIMITS.typingIntervalMs; whether it was sent. */
  typing(): boolean {
    if (!this.ready || this.session.room === null || !this.typingThrottle.take()) return false;
    return this.send('typing') !== null;
  }

  /**
   * Streams points of a line being drawn: they go out as append_draw_points at most every
   * LIMITS.appendIntervalMs, gathered. The first points of a line carry its style.
   */
  appendPoints(uuid: string, points: readonly number[], style?: LineStyle): void {
    this.points.append(uuid, points, style);
  }

  /** Sends what appendPoints() gathered, now. */
  flushPoints(): void {
    this.points.flush();
  }

  /** Ends a stroke: sends what is gathered, then the whole line (its width too) with change_draw_line. */
  finishLine(
    line: { uuid: string; points: number[] } & LineStyle,
  ): Promise<Reply<'change_draw_line'>> {
    this.points.end(line.uuid);
    const { uuid, points, color, tool, width } = line;
    return this.request(
      'change_draw_line',
      width === undefined ? { uuid, points, color, tool } : { uuid, points, color, tool, width },
    );
  }

  // ---- sending -----------------------------------------------------------------------------

  private call<K extends AnsweredCall>(
    call: K,
    args: CallInput<K>,
    flags: RequestFlags,
    id: string = this.ids.next(),
  ): Promise<Reply<K>> {
    if (this.stopped && this.socket) {
      return Promise.reject(new ClientError('closed', 'The client was closed.', call));
    }
    const { pending, promise } = this.requests.add(
      call,
      id,
      callFrame(call, args, id),
      flags,
      this.timeoutMs,
      ROOM_CALLS.has(call) ? this.session.room : undefined,
    );
    if (flags.direct) {
      if (this.open) this.transmit(pending);
      else
        this.requests.fail(pending, new ClientError('connection_lost', 'Not connected.', call, id));
    } else if (this.ready && this.outbox.size === 0) {
      this.transmit(pending);
    } else {
      this.outbox.push(pending);
    }
    return promise as Promise<Reply<K>>;
  }

  private transmit(p: Pending): void {
    this.write(p.frame);
    this.requests.sent(p);
  }

  private write(frame: string): void {
    this.socket?.send(frame);
    this.events.emit('frame', { direction: 'out', data: frame, at: this.now() });
  }

  /** Sends what waited, in order, once identified and in the room. */
  private flush(): void {
    if (!this.ready) return;
    for (const p of this.outbox.take()) {
      // a request settled meanwhile (timeout, close) is not sent
      if (this.requests.get(p.id) === p) this.transmit(p);
    }
  }

  /**
   * Another room is wanted: calls made for the room before that still wait in the outbox
   * are cancelled, never sent in the new room (a message written in one room must not
   * appear in the next).
   */
  private roomChanged(room: string | null): void {
    for (const p of this.requests.all()) {
      if (p.sent || p.room === undefined || p.room === room) continue;
      this.outbox.remove(p);
      this.requests.fail(
        p,
        new ClientError(
          'cancelled',
          `${p.call} was made for a room no longer wanted.`,
          p.call,
          p.id,
        ),
      );
    }
  }

  private probe(): void {
    this.call('ping', {}, { silent: true, direct: true }).catch(() => undefined);
  }

  /** The heartbeat's probe went unanswered: drop the connection and make a new one. */
  private silent(): void {
    this.socket?.reconnect(1000, 'no answer');
  }

  // ---- connection events -------------------------------------------------------------------

  private opened(): void {
    this.open = true;
    this.refusedFor = null;
    this.heartbeat.start();
    if (!this.takenOver) this.setState('connecting');
  }

  private closedSocket(code: number): void {
    if (this.stopped) return;
    this.dropped();
    if (code === CLOSE_CODES.sessionTakenOver) this.takenOver = true;
    else if (code === CLOSE_CODES.tryAgainLater) this.waitToReconnect();
    this.setState(this.takenOver ? 'taken_over' : 'offline');
  }

  /**
   * The server closed with 1013: a quota of this network address is spent (too many new
   * identities, say). Connecting again at once would only spend more of it: wait the
   * retry_after_ms its error frame said (a little more, so that many clients do not come
   * back at the same moment), then connect.
   */
  private waitToReconnect(): void {
    this.stopWaiting();
    const asked = this.refusedFor ?? TRY_AGAIN_DEFAULT_MS;
    this.refusedFor = null;
    const wait = Math.max(TRY_AGAIN_MIN_MS, asked);
    const delay = Math.round(wait + Math.min(wait * 0.1, 5_000) * this.random());
    this.waitUntil = this.now() + delay;
    this.waitTimer = setTimeout(() => {
      this.waitTimer = null;
      this.waitUntil = null;
      if (this.stopped || this.takenOver || !this.socket) return;
      this.setState('connecting');
      this.socket.reconnect();
    }, delay);
  }

  private stopWaiting(): void {
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.waitUntil = null;
  }

  /** The connection is gone: reads and messages go again later, other writes in flight fail. */
  private dropped(): void {
    this.open = false;
    this.identified = false;
    this.heartbeat.stop();
    this.session.disconnected();
    for (const p of this.requests.all()) {
      if (!p.sent) continue;
      // sent again only in the room it was made for
      const elsewhere = p.room !== undefined && p.room !== this.session.room;
      const policy =
        p.flags.direct || p.flags.silent || elsewhere
          ? 'reject'
          : (p.flags.onDrop ?? dropPolicy(p.call));
      if (policy === 'resend') {
        this.requests.unsent(p);
        this.outbox.push(p);
      } else {
        this.requests.fail(
          p,
          new ClientError(
            'connection_lost',
            `The connection dropped before ${p.call} was answered.`,
            p.call,
            p.id,
          ),
        );
      }
    }
  }

  private setState(state: ConnectionState): void {
    const previous = this.current;
    if (state === previous) return;
    this.current = state;
    this.events.emit('state', state, previous);
  }

  // ---- incoming ----------------------------------------------------------------------------

  private received(data: unknown): void {
    this.heartbeat.seen();
    if (typeof data !== 'string') {
      this.events.emit('error', new ClientError('invalid_frame', 'A binary frame.'), {
        own: false,
      });
      return;
    }
    this.events.emit('frame', { direction: 'in', data, at: this.now() });
    const frame = readFrame(data);
    switch (frame.kind) {
      case 'result':
        return this.onResult(frame.payload);
      case 'error':
        return this.onError(frame.payload, frame.until);
      case 'invalid':
      case 'unknown': {
        const pending = this.requests.get(frame.id);
        const kind = frame.kind === 'invalid' ? 'invalid_frame' : 'unknown_frame';
        const reason =
          frame.kind === 'invalid' ? frame.reason : `Unknown statement "${frame.name}".`;
        const error = new ClientError(kind, reason, pending?.call, frame.id, data);
        // a broken answer fails its request; anything else is reported
        if (
          pending &&
          (frame.name === undefined ||
            this.requests.answers(pending, frame.name) ||
            kind === 'unknown_frame')
        ) {
          return this.requests.fail(pending, error);
        }
        this.events.emit('error', error, this.meta(frame.id, pending));
        return;
      }
    }
  }

  private meta(id: string | undefined, pending: Pending | undefined, call?: string): FrameMeta {
    const meta: FrameMeta = { own: id !== undefined && this.ids.owns(id) };
    if (id !== undefined) meta.id = id;
    const name = pending?.call ?? call;
    if (name !== undefined) meta.call = name;
    return meta;
  }

  private onResult(payload: ResultPayload): void {
    const pending = this.requests.get(payload.id);
    const meta = this.meta(payload.id, pending);
    let emit = !pending?.flags.silent;
    switch (payload.message) {
      case 'user_created':
        this.identify(payload);
        break;
      case 'user_changed':
        if (payload.object.uuid === this.me?.uuid) this.me = payload.object;
        break;
      case 'room_entered':
        if (this.me) this.me = { ...this.me, room_uuid: payload.object.uuid };
        break;
      case 'room_left':
        if (this.me) this.me = { ...this.me, room_uuid: null };
        break;
      case 'messages_listed':
        if (pending?.flags.history) emit = false;
        break;
      case 'message_created':
        if (emit) {
          const accepted = this.session.accept(payload, meta);
          emit = accepted !== null;
          if (accepted) payload = accepted;
        }
        break;
      case 'message_changed':
      case 'message_deleted':
        if (emit) emit = this.session.change(payload.object);
        break;
    }
    if (emit) this.emitResult(payload, meta);
    if (pending) this.requests.result(pending, payload);
    if (payload.message === 'user_created') this.identified = true;
    if (payload.message === 'user_created' && !this.session.connected(payload.object)) this.flush();
  }

  private emitResult(payload: ResultPayload, meta: FrameMeta): void {
    // payload.message names the listener, whose payload type is that result's
    this.events.emitUnchecked(payload.message, payload, meta);
  }

  private identify(payload: ResultPayload<'user_created'>): void {
    this.me = payload.object;
    this.secret = payload.token;
    this.takenOver = false;
    try {
      this.storage?.setItem(this.tokenKey, payload.token);
    } catch {
      // storage full or blocked: the identity lasts as long as this client
    }
    this.setState('online');
    this.events.emit('identity', {
      user: payload.object,
      token: payload.token,
      resumed: payload.resumed,
    });
  }

  private onError(payload: ErrorPayload, until: string | undefined): void {
    const error = new CallError(payload, until);
    const pending = this.requests.get(payload.id);
    if (payload.message === 'session_taken_over') {
      this.takenOver = true;
      this.setState('taken_over');
    }
    // refused before user_created: the connection is closed next (1013), retry after this
    if (
      payload.message === 'rate_limited' &&
      payload.id === undefined &&
      payload.call === undefined &&
      !this.identified
    ) {
      this.refusedFor = payload.retry_after_ms ?? null;
    }
    if (pending) {
      this.requests.fail(pending, error);
      return;
    }
    this.events.emit('error', error, this.meta(payload.id, undefined, payload.call));
  }

  private readToken(): string | null {
    try {
      return this.storage?.getItem(this.tokenKey) ?? null;
    } catch {
      return null;
    }
  }
}

export type { ChatClientError };
