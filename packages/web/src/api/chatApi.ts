import {
  CallError,
  ChatClient,
  ClientError,
  type ChatClientOptions,
  type ConnectionState,
  type FrameMeta,
  type History,
  type KeyValueStore,
} from '@chat/client';
import { PAGES, type CallInput, type Message, type ReplyTo, type Tool } from '@chat/protocol';
import type { AppStore } from '../store/index.ts';
import { userActions } from '../store/user.ts';
import { roomsActions, searchReadsOn } from '../store/rooms.ts';
import { messagesActions } from '../store/messages.ts';
import { drawingActions } from '../store/drawing.ts';
import { logActions } from '../store/log.ts';
import { uiActions } from '../store/ui.ts';
import { hasDefaultName, readableName } from '../names.ts';

/** The localStorage key of the identity token (kept from the first client: users keep theirs). */
export const TOKEN_KEY = 'token';
export { SEARCH_FILL, SEARCH_MAX_PAGES } from '../store/rooms.ts';

/**
 * A room inlines only its first 100 users; a longer list the user opened is read again at
 * most this often while people come, go or rename, so it stays live without a read per change.
 */
export const MEMBERS_REFRESH_MS = 1_000;
/** At most one get_drawing a second after refused strokes (each append of one may be refused). */
export const DRAWING_REFRESH_MS = 1_000;
/** A refused message (rate_limited, unavailable) that said no retry_after_ms goes again after this. */
export const MESSAGE_RETRY_MS = 1_000;
/** Pages of older messages a jump to a reply's original loads at most (50 each). */
export const JUMP_MAX_PAGES = 100;
/**
 * How long a message waits for its answer once sent. A dead connection is noticed by the
 * client's heartbeat (and the message sent again with its id), so this only ends a wait on a
 * server that is alive but never answers.
 */
const MESSAGE_TIMEOUT_MS = 60_000;

export interface ChatApiOptions {
  /** The server: the page's own origin by default. */
  url?: string;
  /** Where the token is kept: localStorage by default (null: nowhere). */
  storage?: KeyValueStore | null;
  /** Anything else for the ChatClient (tests pass createSocket, now, timeouts). */
  client?: Partial<ChatClientOptions>;
  now?: () => number;
  /** Called for each new message of the room: own or someone else's (for sounds). */
  onNewMessage?: (own: boolean, message: Message) => void;
}

function defaultStorage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** A sentence for the user about a call that failed, or null when there is nothing to say. */
export function describeError(error: unknown): string | null {
  if (error instanceof CallError) return error.detail;
  if (error instanceof ClientError) {
    switch (error.kind) {
      case 'closed':
      case 'cancelled':
        return null;
      case 'timeout':
        return 'The server did not answer in time. Try again.';
      case 'connection_lost':
        return 'The connection dropped before the server answered: it may not have been done.';
      case 'invalid_frame':
      case 'unknown_frame':
        return 'The server sent an answer this page cannot read.';
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The app's side of the protocol: one @chat/client ChatClient, whose typed events become
 * Redux actions, and the operations the components need. The client connects, resumes,
 * re-enters the room, fills gaps, keeps the outbox and matches answers to calls; what is
 * left here is the app's policy: which room the page shows, pending messages, notices,
 * the room list's pages and search, the member list, the drawing after a refused stroke.
 */
export class ChatApi {
  readonly client: ChatClient;
  private readonly now: () => number;
  /** Each enterRoom() is a visit; only the latest visit's leaveRoom() leaves. */
  private visits = 0;
  private pendingSeq = 0;
  private membersTimer: ReturnType<typeof setTimeout> | null = null;
  private lastDrawingRefresh = Number.NEGATIVE_INFINITY;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly store: AppStore,
    private readonly options: ChatApiOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.client = new ChatClient({
      url: options.url ?? window.location.origin,
      storage: options.storage !== undefined ? options.storage : defaultStorage(),
      tokenKey: TOKEN_KEY,
      now: this.now,
      ...options.client,
    });
    this.listen();
  }

  private get dispatch(): AppStore['dispatch'] {
    return this.store.dispatch;
  }

  start(): void {
    this.client.connect();
  }

  stop(): void {
    if (this.membersTimer !== null) clearTimeout(this.membersTimer);
    this.membersTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.client.close();
  }

  /** After session_taken_over: take the identity back to this tab (or connect now after a wait). */
  /** Offline: try again now (the network is back, the page is visible, the user asked). */
  retryNow(): void {
    this.client.retryNow();
  }

  useHere(): void {
    this.client.reconnect();
  }

  // ---- events ------------------------------------------------------------------------------

  private listen(): void {
    const c = this.client;
    const d = this.dispatch;
    // the event log: every frame both ways, as the client sent and received it
    c.on('frame', (f) => d(logActions.added(f.direction, f.data, f.at)));
    c.on('state', (state) => this.onState(state));
    c.on('identity', ({ user, resumed }) => {
      d(userActions.created({ user, resumed }));
      // a new identity (a first visit) names itself readably; a chosen name stays
      if (hasDefaultName(user)) this.changeUserName(readableName());
    });
    c.on('user_changed', (p) => d(userActions.changed(p.object)));
    c.on('rooms_listed', (p, meta) => {
      // the greeting's list; pages this page asked for are handled where they were asked
      if (meta.own) return;
      const listed = { list: p.list, cursor: p.cursor, append: false };
      d(roomsActions.listed(p.query === undefined ? listed : { ...listed, query: p.query }));
    });
    c.on('room_created', (p) => d(roomsActions.created(p.object)));
    c.on('room_changed', (p) => {
      d(roomsActions.changed(p.object));
      this.membersChanged(p.object.uuid);
    });
    c.on('room_deleted', (p) => d(roomsActions.deleted(p.object)));
    c.on('room_entered', (p) => {
      if (p.object.uuid === c.room) d(roomsActions.entered(p.object));
    });
    c.on('history', (h) => this.onHistory(h));
    c.on('message_created', (p) => this.onMessage(p.object));
    c.on('message_changed', (p) => d(messagesActions.changed(p.object)));
    c.on('message_deleted', (p) => d(messagesActions.changed(p.object)));
    c.on('drawing_got', (p) => {
      if (c.room !== null && p.object.room_uuid === c.room) d(drawingActions.got(p.object));
    });
    c.on('draw_line_changed', (p) => d(drawingActions.lineChanged(p.object)));
    c.on('draw_points_appended', (p) => {
      const { uuid, points, color, tool, user_uuid } = p;
      d(drawingActions.pointsAppended({ uuid, points, color, tool, user_uuid }));
    });
    c.on('draw_line_deleted', (p) => d(drawingActions.lineDeleted(p.uuid)));
    c.on('user_typing', (p) => {
      if (p.object.uuid !== this.store.getState().user.me?.uuid) {
        d(messagesActions.typingReceived({ user: p.object, at: this.now() }));
      }
    });
    c.on('error', (error, meta) => this.onError(error, meta));
  }

  private onState(state: ConnectionState): void {
    const d = this.dispatch;
    d(uiActions.connectionChanged(state === 'closed' ? 'offline' : state));
    if (state === 'offline' || state === 'taken_over') {
      d(messagesActions.connectionLost());
      const at = this.client.retryAt;
      if (at !== null) d(uiActions.reconnectWaiting(at));
    }
  }

  private onHistory(h: History): void {
    if (h.room !== this.client.room) return;
    const d = this.dispatch;
    d(
      messagesActions.listed({
        room_uuid: h.room,
        list: h.list,
        has_more: h.has_more,
        mode: h.mode,
      }),
    );
    // in the room and in sync: what waited for the connection goes out now
    if (h.mode === 'initial' || h.mode === 'newer') d(messagesActions.pendingResumed());
  }

  private onMessage(message: Message): void {
    const s = this.store.getState();
    if (message.room_uuid !== s.messages.roomUuid) return;
    const last = s.messages.list[s.messages.list.length - 1];
    const isNew = last === undefined || message.seq > last.seq;
    this.dispatch(messagesActions.created({ message }));
    if (isNew) this.options.onNewMessage?.(message.user.uuid === s.user.me?.uuid, message);
  }

  /** Errors tied to none of this page's requests. */
  private onError(error: CallError | ClientError, meta: FrameMeta): void {
    // frames this page cannot read are in the event log; nothing to tell the user
    if (error instanceof ClientError) return;
    if (error.code === 'session_taken_over') return; // the banner says so
    switch (meta.call ?? error.call) {
      case 'enter_room':
        // entering again after a reconnect was refused: the room is gone
        this.dispatch(roomsActions.enterFailed(this.store.getState().rooms.current ?? ''));
        return;
      case 'append_draw_points':
        // the stroke is already on this board: show the drawing as stored instead
        if (error.code === 'drawing_full') this.refreshDrawing();
        return;
      case 'change_draw_line':
        // a line whose call timed out before it was refused
        this.refreshDrawing();
        break;
      case 'typing':
        return;
    }
    // a refused connection (no call: a spent quota of this address) says why, as other refusals
    this.notice(error.detail);
  }

  private notice(text: string | null): void {
    if (text !== null) this.dispatch(uiActions.noticeAdded(text));
  }

  /** A catch handler that tells the user why a call failed. */
  private readonly tell = (error: unknown): void => this.notice(describeError(error));

  private later(ms: number, run: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      run();
    }, ms);
    this.timers.add(t);
  }

  // ---- the room ----------------------------------------------------------------------------

  /**
   * Wants to be in this room (now, and again after each reconnect). Returns a ticket for
   * leaveRoom, so that a late leave of an earlier visit never undoes a newer enter.
   */
  enterRoom(uuid: string): number {
    const ticket = ++this.visits;
    if (this.client.room === uuid) return ticket;
    const d = this.dispatch;
    d(roomsActions.enterRequested(uuid));
    d(messagesActions.roomOpened(uuid));
    d(drawingActions.roomOpened(uuid));
    this.client.enterRoom(uuid).catch((error: unknown) => {
      if (error instanceof ClientError && (error.kind === 'cancelled' || error.kind === 'closed')) {
        return;
      }
      d(roomsActions.enterFailed(uuid));
      // a room that does not exist has a page of its own; anything else is told
      if (!(error instanceof CallError && error.code === 'no_specified_room')) this.tell(error);
    });
    return ticket;
  }

  leaveRoom(ticket: number): void {
    if (ticket !== this.visits) return;
    const s = this.store.getState().rooms;
    if (s.current === null && this.client.room === null) return;
    this.dispatch(roomsActions.left());
    this.client.leaveRoom().catch(() => undefined);
  }

  // ---- messages ----------------------------------------------------------------------------

  /**
   * Shows the message as pending at once and sends it, as a reply to `replyTo` when given;
   * returns its pending key.
   */
  sendMessage(body: string, replyTo?: ReplyTo): string | null {
    const text = body.trim();
    if (text === '' || this.client.room === null) return null;
    const id = `p${++this.pendingSeq}`;
    this.dispatch(
      messagesActions.pendingAdded({
        id,
        body: text,
        created: new Date(this.now()).toISOString(),
        unsent: !this.client.ready,
        ...(replyTo ? { reply_to: replyTo } : {}),
      }),
    );
    this.post(id, text, replyTo?.uuid);
    return id;
  }

  /** Edits one's own message; the room (this page too) hears of it as message_changed. */
  editMessage(uuid: string, body: string): void {
    const text = body.trim();
    if (text === '') return;
    this.client.request('edit_message', { uuid, body: text }).catch(this.tell);
  }

  deleteMessage(uuid: string): void {
    this.client.request('delete_message', { uuid }).catch(this.tell);
  }

  /** A page of the room's messages holding every word of `query`, newest first. */
  searchMessages(query: string, before?: number) {
    return this.client.request(
      'search_messages',
      before === undefined ? { query } : { query, before },
    );
  }

  /** Adds this user's reaction, or takes it back. */
  react(uuid: string, emoji: string): void {
    this.client.request('react', { uuid, emoji }).catch(this.tell);
  }

  /**
   * Sends a pending message. Its answer settles it by the call's id (the client matches it,
   * and after a reconnect sends the same call with the same id, which the server answers
   * with the message it stored): never by comparing texts.
   */
  private post(id: string, body: string, replyTo?: string): void {
    const args = replyTo === undefined ? { body } : { body, reply_to: replyTo };
    this.client.request('create_message', args, { timeoutMs: MESSAGE_TIMEOUT_MS }).then(
      (reply) => this.dispatch(messagesActions.created({ message: reply.object, id })),
      (error: unknown) => this.refused(id, body, error, replyTo),
    );
  }

  private refused(id: string, body: string, error: unknown, replyTo?: string): void {
    const d = this.dispatch;
    const waiting = () => this.store.getState().messages.pending.find((p) => p.id === id);
    if (!waiting()) return;
    if (
      error instanceof CallError &&
      (error.code === 'rate_limited' || error.code === 'unavailable')
    ) {
      // not stored: the client does not retry these, the app does, after the wait asked for
      d(messagesActions.pendingDelayed({ id, detail: error.detail }));
      this.later(error.retryAfterMs ?? MESSAGE_RETRY_MS, () => {
        const p = waiting();
        if (!p || p.failed !== undefined) return;
        d(messagesActions.pendingResent(id));
        this.post(id, body, replyTo);
      });
      return;
    }
    const detail = describeError(error);
    if (detail === null) d(messagesActions.pendingRemoved(id));
    else d(messagesActions.pendingFailed({ id, detail }));
  }

  /** Sends a failed message again. */
  retryMessage(id: string): void {
    const p = this.store.getState().messages.pending.find((m) => m.id === id);
    if (!p) return;
    this.dispatch(messagesActions.pendingRemoved(id));
    this.sendMessage(p.body, p.reply_to);
  }

  loadOlder(): void {
    const m = this.store.getState().messages;
    if (!m.hasOlder || m.loadingOlder || m.list.length === 0) return;
    this.dispatch(messagesActions.olderRequested());
    // the page comes as a history event; null: nothing to load now
    this.client.loadOlder().then(
      (page) => {
        if (page === null) this.dispatch(messagesActions.olderFailed());
      },
      (error: unknown) => {
        this.dispatch(messagesActions.olderFailed());
        this.tell(error);
      },
    );
  }

  /**
   * Loads older pages until message `seq` is held (a reply's original, far back); whether it
   * is. At most JUMP_MAX_PAGES pages.
   */
  async loadUntil(seq: number): Promise<boolean> {
    for (let pages = 0; pages <= JUMP_MAX_PAGES; pages++) {
      const m = this.store.getState().messages;
      if (m.list.some((x) => x.seq === seq)) return true;
      if (!m.hasOlder || pages === JUMP_MAX_PAGES) return false;
      this.dispatch(messagesActions.olderRequested());
      try {
        // its page comes as a history event, in the store before this resolves
        if ((await this.client.loadOlder()) === null) {
          this.dispatch(messagesActions.olderFailed());
          return false;
        }
      } catch (error) {
        this.dispatch(messagesActions.olderFailed());
        this.tell(error);
        return false;
      }
    }
    return false;
  }

  typing(): void {
    this.client.typing();
  }

  // ---- users and rooms ---------------------------------------------------------------------

  changeUserName(name: string): void {
    this.client.request('change_user_name', { name }).catch(this.tell);
  }

  createRoom(fields: CallInput<'create_room'> = {}): void {
    this.client.request('create_room', fields).catch(this.tell);
  }

  deleteRoom(uuid: string): void {
    this.client.request('delete_room', { uuid }).catch(this.tell);
  }

  renameRoom(uuid: string, name: string): void {
    this.client.request('change_name', { uuid, name }).catch(this.tell);
  }

  recolorRoom(uuid: string, color: string): void {
    this.client.request('change_color', { uuid, color }).catch(this.tell);
  }

  /**
   * Reloads the newest page of rooms. The server tells a moving message count only to the
   * room's members and to those in no room, so a list shown from inside a room refreshes
   * itself when it appears. (Not while connecting: the greeting brings a fresh list.)
   */
  refreshRooms(): void {
    if (this.client.state !== 'online') return;
    this.client
      .request('list_rooms')
      .then(
        (page) =>
          this.dispatch(
            roomsActions.listed({ list: page.list, cursor: page.cursor, append: false }),
          ),
        this.tell,
      );
  }

  searchRooms(query: string): void {
    const q = query.trim();
    this.dispatch(roomsActions.searchStarted(q));
    if (q !== '') this.searchPage(q, null);
  }

  /**
   * The next page of the list shown (its end was reached): the main list's, or the search's
   * when it shows as many results as it wanted (a shorter one reads on by itself, or waits
   * for searchFurther()).
   */
  loadMoreRooms(): void {
    const r = this.store.getState().rooms;
    if (r.search) {
      if (r.search.ids.length >= r.search.want) this.searchFurther();
      return;
    }
    const cursor = r.cursor;
    if (cursor === null || r.loadingMore) return;
    this.dispatch(roomsActions.moreRequested());
    this.client.request('list_rooms', { cursor }).then(
      (page) =>
        this.dispatch(roomsActions.listed({ list: page.list, cursor: page.cursor, append: true })),
      (error: unknown) => {
        this.dispatch(roomsActions.listFailed({}));
        this.tell(error);
      },
    );
  }

  /** The user asks for more results: SEARCH_FILL more, reading up to SEARCH_MAX_PAGES pages. */
  searchFurther(): void {
    const s = this.store.getState().rooms.search;
    if (!s || s.cursor === null || s.loading) return;
    this.dispatch(roomsActions.searchFurther());
    this.searchPage(s.query, s.cursor);
  }

  private searchPage(query: string, cursor: string | null): void {
    if (cursor !== null) this.dispatch(roomsActions.moreRequested());
    this.client.request('list_rooms', cursor === null ? { query } : { query, cursor }).then(
      (page) => {
        this.dispatch(
          roomsActions.listed({
            list: page.list,
            cursor: page.cursor,
            query,
            append: cursor !== null,
          }),
        );
        this.searchOn(query);
      },
      (error: unknown) => {
        this.dispatch(roomsActions.listFailed({ query }));
        this.tell(error);
      },
    );
  }

  /**
   * A search that shows fewer results than it wants (enough to fill the view) reads on while
   * rooms remain, for at most SEARCH_MAX_PAGES pages in a row: a rare match far back is found
   * without the user scrolling an empty list.
   */
  private searchOn(query: string): void {
    const s = this.store.getState().rooms.search;
    if (s?.query === query && s.cursor !== null && searchReadsOn(s))
      this.searchPage(query, s.cursor);
  }

  /** The next page of the current room's members (list_room_users). */
  loadMembers(): void {
    const r = this.store.getState().rooms;
    const room = r.current;
    if (room === null) return;
    const members = r.members?.roomUuid === room ? r.members : null;
    if (members?.loading) return;
    if (members && members.cursor === null && members.list.length > 0) return;
    this.dispatch(roomsActions.membersRequested(room));
    const args = members?.cursor ? { uuid: room, cursor: members.cursor } : { uuid: room };
    this.client.request('list_room_users', args).then(
      (page) =>
        this.dispatch(
          roomsActions.membersListed({ uuid: page.uuid, list: page.list, cursor: page.cursor }),
        ),
      (error: unknown) => {
        this.dispatch(roomsActions.membersFailed(room));
        this.tell(error);
      },
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
      if (r.current !== room || r.members?.roomUuid !== room || !this.client.ready) return;
      const limit = Math.min(
        PAGES.roomUsers.max,
        Math.max(PAGES.roomUsers.default, r.members.list.length),
      );
      this.client.request('list_room_users', { uuid: room, limit }).then(
        (page) =>
          this.dispatch(
            roomsActions.membersListed({
              uuid: page.uuid,
              list: page.list,
              cursor: page.cursor,
              fresh: true,
            }),
          ),
        () => undefined,
      );
    }, MEMBERS_REFRESH_MS);
  }

  // ---- the drawing -------------------------------------------------------------------------

  /** Points of the line being drawn: the client streams them at most every 50 ms. */
  appendPoints(uuid: string, points: number[], style: { color: string; tool: Tool }): void {
    this.client.appendPoints(uuid, points, style);
  }

  /** The stroke ended: the whole line. A refused line is told, and the drawing read again. */
  finishLine(line: { uuid: string; points: number[]; color: string; tool: Tool }): void {
    this.client.finishLine(line).catch((error: unknown) => {
      if (!(error instanceof CallError)) return; // a drop: the re-entry brings the drawing
      this.refreshDrawing();
      this.notice(error.detail);
    });
  }

  /** Undo: the line goes at once here, and for everyone once the server has it. */
  deleteLine(uuid: string): void {
    this.dispatch(drawingActions.lineDeleted(uuid));
    this.client.request('delete_draw_line', { uuid }).catch((error: unknown) => {
      this.refreshDrawing();
      this.tell(error);
    });
  }

  resetDrawing(): void {
    this.client.request('reset_drawing').catch(this.tell);
  }

  /** Reads the drawing again (at most once a second): a refused stroke must not stay shown. */
  private refreshDrawing(): void {
    if (this.client.room === null) return;
    const now = this.now();
    if (now - this.lastDrawingRefresh < DRAWING_REFRESH_MS) return;
    this.lastDrawingRefresh = now;
    // the answer comes as a drawing_got event
    this.client.request('get_drawing').catch(() => undefined);
  }
}
