import ReconnectingWebSocket from 'partysocket/ws';
import {
  CLOSE_CODES,
  ERRORS,
  LIMITS,
  PAGES,
  type CallInput,
  type CallName,
  type ErrorPayload,
  type Line,
  type Message,
  type ResultName,
  type ResultPayload,
  type Tool,
} from '@chat/protocol';
import type { AppStore } from '../store/index.ts';
import { userActions } from '../store/user.ts';
import { roomsActions } from '../store/rooms.ts';
import { messagesActions } from '../store/messages.ts';
import { drawingActions } from '../store/drawing.ts';
import { logActions } from '../store/log.ts';
import { uiActions } from '../store/ui.ts';
import { createIdSource } from './ids.ts';
import { socketUrl } from './url.ts';

/** The one thing kept in localStorage besides the mute switch: the identity token. */
export const TOKEN_KEY = 'token';

/** What the client needs of a socket (partysocket's, or a fake one in tests). */
export interface SocketLike {
  send(data: string): unknown;
  close(code?: number, reason?: string): void;
  reconnect(code?: number, reason?: string): void;
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
}

export interface ClientOptions {
  /** Builds the socket; the url provider is asked again on each reconnect. */
  createSocket?: (url: () => string, shouldReconnect: (code: number) => boolean) => SocketLike;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  location?: Pick<Location, 'protocol' | 'host'>;
  now?: () => number;
  /** Called for each new message: own or someone else's (for sounds). */
  onNewMessage?: (own: boolean) => void;
}

const ERROR_SET: ReadonlySet<string> = new Set(ERRORS);
const OLDER_PAGE = 100;
const FILL_PAGE = PAGES.messages.max;
/**
 * A room inlines only its first 100 users; a longer list the user opened is read again at
 * most this often while people come, go or rename, so it stays live without a read per change.
 */
const MEMBERS_REFRESH_MS = 1000;
/** At most one get_drawing a second after refused strokes (each append of one may be refused). */
const DRAWING_REFRESH_MS = 1000;

function defaultSocket(url: () => string, shouldReconnect: (code: number) => boolean): SocketLike {
  return new ReconnectingWebSocket(url, [], {
    minReconnectionDelay: 400 + Math.random() * 600,
    maxReconnectionDelay: 15_000,
    reconnectionDelayGrowFactor: 1.6,
    connectionTimeout: 5_000,
    maxEnqueuedMessages: 0,
    shouldReconnectOnClose: (ev) => shouldReconnect(ev.code),
  }) as unknown as SocketLike;
}

interface Fill {
  room: string;
  /** Messages with seq above this arrived through the fill. */
  from: number;
  id: string;
}

/**
 * The chat socket: connects, reconnects with backoff, resumes the identity with the stored
 * token, re-enters the room, fills the gap with list_messages {after}, matches replies by
 * call id, and writes every frame to the log. Components talk to the server only through it.
 */
export class ChatClient {
  private socket: SocketLike | null = null;
  private readonly nextId = createIdSource();
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  private readonly now: () => number;
  /** Set once user_created arrived on the current connection. */
  private ready = false;
  /** Calls made while not ready, sent when ready (except messages, which are pending). */
  private queue: string[] = [];
  /** The room we want to be in (kept across reconnects). */
  private wanted: string | null = null;
  /** id of the enter_room call in flight and whether it is a re-entry after reconnect. */
  private enterId: string | null = null;
  private fill: Fill | null = null;
  private olderId: string | null = null;
  private readonly roomPageIds = new Set<string>();
  /** list_room_users calls that read the opened member list again from the start. */
  private readonly memberRefreshIds = new Set<string>();
  private membersTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTyping = 0;
  private lastDrawingRefresh = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private visits = 0;

  constructor(
    readonly store: AppStore,
    private readonly options: ClientOptions = {},
  ) {
    this.storage =
      options.storage !== undefined
        ? options.storage
        : typeof localStorage === 'undefined'
          ? null
          : localStorage;
    this.now = options.now ?? Date.now;
  }

  get token(): string | null {
    try {
      return this.storage?.getItem(TOKEN_KEY) ?? null;
    } catch {
      return null;
    }
  }

  start(): void {
    if (this.socket) return;
    this.stopped = false;
    const loc = this.options.location ?? window.location;
    const url = () => socketUrl(loc, this.token);
    const create = this.options.createSocket ?? defaultSocket;
    const socket = create(url, (code) => !this.stopped && code !== CLOSE_CODES.sessionTakenOver);
    socket.onopen = () => {
      this.store.dispatch(uiActions.connectionChanged('connecting'));
    };
    socket.onclose = (ev) => this.onClose(ev.code);
    socket.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    this.socket = socket;
  }

  stop(): void {
    this.stopped = true;
    if (this.membersTimer !== null) clearTimeout(this.membersTimer);
    this.membersTimer = null;
    const s = this.socket;
    this.socket = null;
    this.ready = false;
    s?.close(1000, 'bye');
  }

  /** After session_taken_over: take the identity back to this tab. */
  useHere(): void {
    this.store.dispatch(uiActions.connectionChanged('connecting'));
    this.socket?.reconnect();
  }

  // ---- calls -------------------------------------------------------------------------------

  /** Sends a call (or queues it until the connection is ready); returns its id. */
  call<K extends CallName>(name: K, fields: CallInput<K>, id: string = this.nextId()): string {
    const frame = JSON.stringify({ type: 'call', payload: { ...fields, message: name, id } });
    if (this.ready && this.socket) this.write(frame);
    else if (name !== 'typing' && name !== 'append_draw_points') this.queue.push(frame);
    return id;
  }

  private write(frame: string): void {
    this.socket?.send(frame);
    this.store.dispatch(logActions.added('out', frame, this.now()));
  }

  /**
   * Wants to be in this room (now, and again after each reconnect). Returns a ticket for
   * leaveRoom, so that a late leave of an earlier visit never undoes a newer enter.
   */
  enterRoom(uuid: string): number {
    const ticket = ++this.visits;
    const status = this.store.getState().rooms.status;
    if (this.wanted === uuid && (this.enterId !== null || status === 'entered')) return ticket;
    this.wanted = uuid;
    this.store.dispatch(roomsActions.enterRequested(uuid));
    this.store.dispatch(messagesActions.roomOpened(uuid));
    this.store.dispatch(drawingActions.roomOpened(uuid));
    this.fill = null;
    this.olderId = null;
    if (this.ready) this.enterId = this.call('enter_room', { uuid });
    return ticket;
  }

  leaveRoom(ticket: number): void {
    if (ticket !== this.visits || this.wanted === null) return;
    const wasIn = this.store.getState().rooms.status !== 'missing';
    this.wanted = null;
    this.enterId = null;
    this.fill = null;
    this.store.dispatch(roomsActions.left());
    if (this.ready && wasIn) this.call('leave_room', {});
  }

  sendMessage(body: string): string | null {
    const text = body.trim();
    if (text === '' || this.wanted === null) return null;
    const id = this.nextId();
    const canSend = this.ready && this.store.getState().rooms.status === 'entered' && !this.fill;
    this.store.dispatch(
      messagesActions.pendingAdded({
        id,
        body: text,
        created: new Date(this.now()).toISOString(),
        unsent: !canSend,
      }),
    );
    if (canSend) this.call('create_message', { body: text }, id);
    return id;
  }

  /** Sends a failed message again. */
  retryMessage(id: string): void {
    const p = this.store.getState().messages.pending.find((m) => m.id === id);
    if (!p) return;
    this.store.dispatch(messagesActions.pendingRemoved(id));
    this.sendMessage(p.body);
  }

  loadOlder(): void {
    const m = this.store.getState().messages;
    const first = m.list[0];
    if (!this.ready || !m.hasOlder || m.loadingOlder || first === undefined) return;
    this.store.dispatch(messagesActions.olderRequested());
    this.olderId = this.call('list_messages', { before: first.seq, limit: OLDER_PAGE });
  }

  typing(): void {
    const t = this.now();
    if (!this.ready || this.wanted === null || t - this.lastTyping < LIMITS.typingIntervalMs) {
      return;
    }
    this.lastTyping = t;
    this.call('typing', {});
  }

  changeUserName(name: string): string {
    return this.call('change_user_name', { name });
  }

  createRoom(fields: CallInput<'create_room'> = {}): string {
    return this.call('create_room', fields);
  }

  deleteRoom(uuid: string): string {
    return this.call('delete_room', { uuid });
  }

  renameRoom(uuid: string, name: string): string {
    return this.call('change_name', { uuid, name });
  }

  recolorRoom(uuid: string, color: string): string {
    return this.call('change_color', { uuid, color });
  }

  searchRooms(query: string): void {
    const q = query.trim();
    this.store.dispatch(roomsActions.searchStarted(q));
    if (q !== '') this.call('list_rooms', { query: q });
  }

  /**
   * Reloads the newest page of rooms. The server tells a moving message count only to the
   * room's members and to those in no room, so a list shown from inside a room refreshes
   * itself when it appears.
   */
  refreshRooms(): void {
    if (this.ready) this.call('list_rooms', {});
  }

  loadMoreRooms(): void {
    const r = this.store.getState().rooms;
    const cursor = r.search ? r.search.cursor : r.cursor;
    if (cursor === null || (r.search ? r.search.loading : r.loadingMore)) return;
    this.store.dispatch(roomsActions.moreRequested());
    const id = r.search
      ? this.call('list_rooms', { query: r.search.query, cursor })
      : this.call('list_rooms', { cursor });
    this.roomPageIds.add(id);
  }

  loadMembers(): void {
    const r = this.store.getState().rooms;
    if (r.current === null) return;
    const members = r.members?.roomUuid === r.current ? r.members : null;
    if (members?.loading) return;
    if (members && members.cursor === null && members.list.length > 0) return;
    this.store.dispatch(roomsActions.membersRequested(r.current));
    this.call(
      'list_room_users',
      members?.cursor ? { uuid: r.current, cursor: members.cursor } : { uuid: r.current },
    );
  }

  /** The current room changed: a member list opened beyond the room's inlined users is read again. */
  private membersChanged(room: string): void {
    const members = this.store.getState().rooms.members;
    if (members?.roomUuid !== room || members.list.length === 0 || this.membersTimer !== null) {
      return;
    }
    this.membersTimer = setTimeout(() => {
      this.membersTimer = null;
      const r = this.store.getState().rooms;
      if (r.current !== room || r.members?.roomUuid !== room || !this.ready) return;
      const limit = Math.max(PAGES.roomUsers.default, r.members.list.length);
      const id = this.call('list_room_users', {
        uuid: room,
        limit: Math.min(PAGES.roomUsers.max, limit),
      });
      this.memberRefreshIds.add(id);
    }, MEMBERS_REFRESH_MS);
  }

  /** Reads the drawing again (at most once a second): a refused stroke must not stay shown. */
  private refreshDrawing(): void {
    if (this.wanted === null || this.now() - this.lastDrawingRefresh < DRAWING_REFRESH_MS) return;
    this.lastDrawingRefresh = this.now();
    this.call('get_drawing', {});
  }

  appendPoints(uuid: string, points: number[], style?: { color: string; tool: Tool }): void {
    this.call('append_draw_points', style ? { uuid, points, ...style } : { uuid, points });
  }

  changeLine(line: Pick<Line, 'uuid' | 'points' | 'color' | 'tool'>): void {
    this.call('change_draw_line', {
      uuid: line.uuid,
      points: line.points,
      color: line.color,
      tool: line.tool,
    });
  }

  deleteLine(uuid: string): void {
    this.store.dispatch(drawingActions.lineDeleted(uuid));
    this.call('delete_draw_line', { uuid });
  }

  resetDrawing(): void {
    this.call('reset_drawing', {});
  }

  // ---- incoming ----------------------------------------------------------------------------

  private onClose(code: number): void {
    const wasReady = this.ready;
    this.ready = false;
    this.enterId = null;
    this.fill = null;
    this.olderId = null;
    if (wasReady) this.store.dispatch(messagesActions.connectionLost());
    if (this.stopped) return;
    if (code === CLOSE_CODES.sessionTakenOver) {
      this.store.dispatch(uiActions.connectionChanged('taken_over'));
    } else if (this.store.getState().ui.connection !== 'taken_over') {
      this.store.dispatch(uiActions.connectionChanged('offline'));
    }
  }

  /** Handles one frame from the server. */
  receive(frame: string): void {
    this.store.dispatch(logActions.added('in', frame, this.now()));
    let data: { type?: unknown; payload?: unknown };
    try {
      data = JSON.parse(frame) as typeof data;
    } catch {
      return;
    }
    const payload = data.payload as { message?: unknown; id?: unknown } | undefined;
    if (typeof payload !== 'object' || payload === null || typeof payload.message !== 'string') {
      return;
    }
    // The original server sent some errors as `result`: accept both.
    if (data.type === 'error' || ERROR_SET.has(payload.message)) {
      this.onError(payload as ErrorPayload);
    } else if (data.type === 'result') {
      this.onResult(payload as ResultPayload);
    }
  }

  private onResult(p: ResultPayload): void {
    const d = this.store.dispatch;
    switch (p.message) {
      case 'user_created':
        return this.onUserCreated(p);
      case 'user_changed':
        d(userActions.changed(p.object));
        return;
      case 'rooms_listed': {
        const append = p.id !== undefined && this.roomPageIds.delete(p.id);
        const listed = { list: p.list, cursor: p.cursor ?? null, append };
        d(roomsActions.listed(p.query === undefined ? listed : { ...listed, query: p.query }));
        return;
      }
      case 'room_created':
        d(roomsActions.created(p.object));
        return;
      case 'room_changed':
        d(roomsActions.changed(p.object));
        this.membersChanged(p.object.uuid);
        return;
      case 'room_deleted':
        d(roomsActions.deleted(p.object));
        return;
      case 'room_entered':
        if (p.object && p.object.uuid === this.wanted) d(roomsActions.entered(p.object));
        return;
      case 'room_left':
        return;
      case 'messages_listed':
        return this.onMessagesListed(p);
      case 'message_created':
        return this.onMessageCreated(p.object, p.id);
      case 'drawing_got':
        if (this.wanted !== null && (p.object.room_uuid ?? this.wanted) === this.wanted) {
          d(drawingActions.got(p.object));
        }
        return;
      case 'draw_line_changed':
        d(drawingActions.lineChanged(p.object));
        return;
      case 'draw_points_appended': {
        const { uuid, points, color, tool, user_uuid } = p;
        d(drawingActions.pointsAppended({ uuid, points, color, tool, user_uuid }));
        return;
      }
      case 'draw_line_deleted':
        d(drawingActions.lineDeleted(p.uuid));
        return;
      case 'room_users_listed':
        d(
          roomsActions.membersListed({
            uuid: p.uuid,
            list: p.list,
            cursor: p.cursor,
            fresh: p.id !== undefined && this.memberRefreshIds.delete(p.id),
          }),
        );
        return;
      case 'user_typing':
        if (p.object.uuid !== this.store.getState().user.me?.uuid) {
          d(messagesActions.typingReceived({ user: p.object, at: this.now() }));
        }
        return;
    }
  }

  private onUserCreated(p: ResultPayload<'user_created'>): void {
    if (typeof p.token === 'string') {
      try {
        this.storage?.setItem(TOKEN_KEY, p.token);
      } catch {
        // storage full or blocked: the identity lasts for this page only
      }
    }
    this.store.dispatch(userActions.created({ user: p.object, resumed: p.resumed === true }));
    this.ready = true;
    this.lastTyping = 0;
    this.store.dispatch(uiActions.connectionChanged('online'));
    if (this.wanted !== null) this.enterId = this.call('enter_room', { uuid: this.wanted });
    // a resumed identity keeps its room; leave it when this tab is not in one
    else if (p.object.room_uuid) this.call('leave_room', {});
    const queued = this.queue;
    this.queue = [];
    for (const frame of queued) this.write(frame);
  }

  private onMessagesListed(p: ResultPayload<'messages_listed'>): void {
    const state = this.store.getState().messages;
    const room = p.room_uuid ?? this.wanted;
    if (room === null || room !== this.wanted) return;
    const listed = { room_uuid: room, list: p.list, has_more: p.has_more === true };
    if (p.id !== undefined && p.id === this.enterId) {
      this.enterId = null;
      const last = state.roomUuid === room ? state.list[state.list.length - 1] : undefined;
      const first = p.list[0];
      if (last === undefined || first === undefined || first.seq <= last.seq + 1) {
        // first entry, or a re-entry whose newest page touches what we have: no gap
        this.store.dispatch(messagesActions.listed({ ...listed, mode: 'initial' }));
        this.settlePending(last?.seq ?? Number.POSITIVE_INFINITY);
        return;
      }
      // a re-entry after a gap: page forward from what we have
      this.fill = { room, from: last.seq, id: '' };
      this.fill.id = this.call('list_messages', { after: last.seq, limit: FILL_PAGE });
      return;
    }
    if (this.fill && p.id === this.fill.id) {
      this.store.dispatch(messagesActions.listed({ ...listed, mode: 'newer' }));
      const last = p.list[p.list.length - 1];
      if (listed.has_more && last !== undefined) {
        this.fill.id = this.call('list_messages', { after: last.seq, limit: FILL_PAGE });
      } else {
        const from = this.fill.from;
        this.fill = null;
        this.settlePending(from);
      }
      return;
    }
    if (p.id !== undefined && p.id === this.olderId) {
      this.olderId = null;
      this.store.dispatch(messagesActions.listed({ ...listed, mode: 'older' }));
      return;
    }
    // someone else's list (an old-protocol reply without id): treat as a first page
    this.store.dispatch(messagesActions.listed({ ...listed, mode: 'initial' }));
  }

  /**
   * After (re)entering and filling the gap: own messages that were waiting are either
   * already there (their echo was lost with the old connection) or are sent now.
   */
  private settlePending(from: number): void {
    const s = this.store.getState();
    const me = s.user.me?.uuid;
    const arrived = s.messages.list.filter((m) => m.seq > from && m.user.uuid === me);
    const used = new Set<string>();
    for (const p of s.messages.pending) {
      if (!p.unsent) continue;
      const match = arrived.find((m) => !used.has(m.uuid) && m.body === p.body);
      if (match) {
        used.add(match.uuid);
        this.store.dispatch(messagesActions.pendingRemoved(p.id));
      } else {
        this.store.dispatch(messagesActions.pendingSent(p.id));
        this.call('create_message', { body: p.body }, p.id);
      }
    }
  }

  private onMessageCreated(message: Message, id: string | undefined): void {
    const s = this.store.getState();
    if (message.room_uuid !== s.messages.roomUuid) return;
    const known = s.messages.list.some((m) => m.seq === message.seq);
    this.store.dispatch(messagesActions.created(id === undefined ? { message } : { message, id }));
    if (!known) this.options.onNewMessage?.(message.user.uuid === s.user.me?.uuid);
  }

  private onError(p: ErrorPayload): void {
    const d = this.store.dispatch;
    const detail = typeof p.detail === 'string' ? p.detail : p.message.replaceAll('_', ' ');
    if (p.message === 'session_taken_over') {
      d(uiActions.connectionChanged('taken_over'));
      return;
    }
    if (p.id !== undefined && p.id === this.enterId) {
      this.enterId = null;
      if (this.wanted !== null) d(roomsActions.enterFailed(this.wanted));
      return;
    }
    if (p.id !== undefined && p.id === this.olderId) {
      this.olderId = null;
      d(messagesActions.olderFailed());
    }
    if (p.id !== undefined && this.fill?.id === p.id) this.fill = null;
    const pending = this.store.getState().messages.pending.find((m) => m.id === p.id);
    if (pending) {
      if (p.message === 'rate_limited' || p.message === 'unavailable') {
        const wait = typeof p.retry_after_ms === 'number' ? p.retry_after_ms : 1000;
        setTimeout(() => {
          if (this.ready) this.call('create_message', { body: pending.body }, pending.id);
          else d(messagesActions.connectionLost());
        }, wait);
        return;
      }
      d(messagesActions.pendingFailed({ id: pending.id, detail }));
      return;
    }
    // the stroke is already on this board: show the drawing as stored instead
    if (
      p.call === 'change_draw_line' ||
      (p.call === 'append_draw_points' && p.message === 'drawing_full')
    ) {
      this.refreshDrawing();
    }
    if (p.call === 'typing' || p.call === 'append_draw_points') return;
    if (p.call === 'list_rooms') {
      d(roomsActions.listed({ list: [], cursor: null, append: true }));
    }
    d(uiActions.noticeAdded(detail));
  }
}

export type { ResultName };
