import {
  CallError,
  ChatClient,
  ClientError,
  type ChatClientOptions,
  type ConnectionState,
  type FrameMeta,
  type History,
  type KeyValueStore,
  type LineStyle,
} from '@chat/client';
import {
  LIMITS,
  PAGES,
  type CallInput,
  type Message,
  type ReplyTo,
  type Room,
} from '@chat/protocol';
import type { AppStore } from '../store/index.ts';
import { userActions } from '../store/user.ts';
import { roomsActions, searchReadsOn } from '../store/rooms.ts';
import { messagesActions } from '../store/messages.ts';
import { drawingActions, lastOwnLine, lineOf, redoLine } from '../store/drawing.ts';
import { logActions } from '../store/log.ts';
import { uiActions } from '../store/ui.ts';
import { hasDefaultName, readableName } from '../names.ts';

/** The localStorage key of the identity token (kept from the first client: users keep theirs). */

/** A cursor's frame (move_cursor, cursor_moved): not in the event log. */
const CURSOR_FRAME =
  /^\s*\{[^{]*"payload"\s*:\s*\{\s*"message"\s*:\s*"(?:move_cursor|cursor_moved)"/;

export const TOKEN_KEY = 'token';
export { SEARCH_FILL, SEARCH_MAX_PAGES } from '../store/rooms.ts';

/**
 * A room inlines only its first 100 users; a longer list the user opened is read again at
 * most this often while people come, go or rename, so it stays live without a read per change.
 */
export const MEMBERS_REFRESH_MS = 1_000;
/** At most one get_drawing a second after refused strokes (each append of one may be refused). */
export const DRAWING_REFRESH_MS = 1_000;
/**
 * This page's pointer on the board goes out at most this often (move_cursor): a little over
 * the server's LIMITS.cursorIntervalMs, so that a position is never dropped for coming early.
 */
export const CURSOR_SEND_MS = LIMITS.cursorIntervalMs + 10;
/** How long a reset of the board can be undone before it goes to the server. */
export const RESET_UNDO_MS = 10_000;
/** A refused message (rate_limited, unavailable) that said no retry_after_ms goes again after this. */
export const MESSAGE_RETRY_MS = 1_000;
/** Pages of older messages a jump to a reply's original loads at most. */
export const JUMP_MAX_PAGES = 100;
/** Messages per page of older ones (scrolled to, or passed on the way to a jump). */
export const OLDER_PAGE = 100;
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
  /**
   * Runs `flush` once, soon (the page: at the next animation frame). New messages and event
   * log entries that come meanwhile are stored together then: a busy room (200 messages a
   * second) updates the page once a frame, not once a message. Without it each is stored as
   * it comes.
   */
  batch?: (flush: () => void) => void;
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
  /** A reset of the board waiting to be committed (see resetDrawingLater). */
  private resetTimer: ReturnType<typeof setTimeout> | null = null;
  private lastDrawingRefresh = Number.NEGATIVE_INFINITY;
  /** move_cursor: when the last went out, and the position waiting for its turn. */
  private cursorSent = Number.NEGATIVE_INFINITY;
  private cursorTimer: ReturnType<typeof setTimeout> | null = null;
  private cursorNext: { x: number; y: number } | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** The create_message call id of each pending message not confirmed, by its key. */
  private readonly callIds = new Map<string, string>();
  /** New messages and log entries waiting for the next batch (see ChatApiOptions.batch). */
  private arrived: Message[] = [];
  private logged: Parameters<typeof logActions.added>[] = [];
  private batched = false;

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
    if (this.resetTimer !== null) clearTimeout(this.resetTimer);
    this.resetTimer = null;
    if (this.cursorTimer !== null) clearTimeout(this.cursorTimer);
    this.cursorTimer = null;
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
    // the event log: every frame both ways, as the client sent and received it, but cursors
    // (up to 20 a second for each user pointing: they would drown every other statement)
    c.on('frame', (f) => {
      if (CURSOR_FRAME.test(f.data)) return;
      if (!this.options.batch) return d(logActions.added(f.direction, f.data, f.at));
      this.logged.push([f.direction, f.data, f.at]);
      this.scheduleFlush();
    });
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
      const room = p.object;
      const s = this.store.getState();
      // made unlisted: only its owner and members keep it (and hear of it again)
      if (room.visibility === 'unlisted' && room.owner !== s.user.me?.uuid) {
        if (room.uuid !== s.rooms.current) return d(roomsActions.unlisted(room.uuid));
      }
      d(roomsActions.changed(room));
      this.membersChanged(room.uuid);
    });
    c.on('user_kicked', (p) => {
      // the room is not wanted any more (no entering it again after a reconnect); a reset
      // waiting there cannot go now
      if (c.room === p.room_uuid) {
        this.dropReset();
        c.leaveRoom().catch(() => undefined);
      }
      d(roomsActions.kicked({ uuid: p.room_uuid, until: p.until }));
    });
    c.on('room_deleted', (p) => d(roomsActions.deleted(p.object)));
    c.on('room_entered', (p) => {
      if (p.object.uuid === c.room) d(roomsActions.entered(p.object));
    });
    c.on('history', (h) => this.onHistory(h));
    c.on('message_created', (p) => this.onMessage(p.object));
    c.on('message_changed', (p) => this.onChanged(p.object));
    c.on('message_deleted', (p) => this.onChanged(p.object));
    c.on('drawing_got', (p) => {
      if (c.room !== null && p.object.room_uuid === c.room) d(drawingActions.got(p.object));
    });
    c.on('draw_line_changed', (p) => d(drawingActions.lineChanged(p.object)));
    c.on('draw_points_appended', (p) => {
      const { uuid, points, color, tool, width, user_uuid } = p;
      const style = width === undefined ? { color, tool } : { color, tool, width };
      d(drawingActions.pointsAppended({ uuid, points, ...style, user_uuid }));
    });
    c.on('draw_line_deleted', (p) => d(drawingActions.lineDeleted(p.uuid)));
    c.on('cursor_moved', (p) => {
      const { user_uuid, name, x, y } = p;
      d(drawingActions.cursorMoved({ user_uuid, name, x, y, at: this.now() }));
    });
    // the cursors of those who left the room go (when the room names all its users)
    c.on('room_changed', (p) => {
      const room = p.object;
      if (room.uuid === c.room && room.users.length >= room.user_count) {
        d(drawingActions.usersPresent(room.users.map((u) => u.uuid)));
      }
    });
    c.on('user_typing', (p) => {
      if (p.object.uuid !== this.store.getState().user.me?.uuid) {
        d(messagesActions.typingReceived({ user: p.object, at: this.now() }));
      }
    });
    c.on('error', (error, meta) => this.onError(error, meta));
  }

  private scheduleFlush(): void {
    if (this.batched) return;
    this.batched = true;
    this.options.batch?.(() => this.flush());
  }

  /** Stores what waited for the batch: before anything else that may concern the same messages. */
  flush(): void {
    this.batched = false;
    const logged = this.logged;
    const arrived = this.arrived;
    this.logged = [];
    this.arrived = [];
    if (logged.length > 0)
      this.dispatch(logActions.addedAll(logged.map((a) => logActions.added(...a).payload)));
    if (arrived.length > 0) this.dispatch(messagesActions.arrived(arrived));
  }

  private onChanged(message: Message): void {
    this.flush();
    this.dispatch(messagesActions.changed(message));
  }

  private onState(state: ConnectionState): void {
    this.flush();
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
    this.flush();
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
    const last = this.arrived.at(-1) ?? s.messages.list.at(-1);
    const isNew = last === undefined || message.seq > last.seq;
    if (this.options.batch) {
      this.arrived.push(message);
      this.scheduleFlush();
    } else {
      this.dispatch(messagesActions.created({ message }));
    }
    if (isNew) this.options.onNewMessage?.(message.user.uuid === s.user.me?.uuid, message);
  }

  /** Errors tied to none of this page's requests. */
  private onError(error: CallError | ClientError, meta: FrameMeta): void {
    // frames this page cannot read are in the event log; nothing to tell the user
    if (error instanceof ClientError) return;
    if (error.code === 'session_taken_over') return; // the banner says so
    switch (meta.call ?? error.call) {
      case 'enter_room': {
        // entering again after a reconnect was refused: the room is gone, or bars this user
        const current = this.store.getState().rooms.current ?? '';
        if (error.code === 'user_banned' && error.until !== undefined) {
          this.dispatch(roomsActions.barred({ uuid: current, until: error.until }));
        } else this.dispatch(roomsActions.enterFailed(current));
        return;
      }
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
    this.flush();
    // a reset waiting in the room left goes now, before the room changes
    this.commitReset();
    d(roomsActions.enterRequested(uuid));
    d(messagesActions.roomOpened(uuid));
    d(drawingActions.roomOpened(uuid));
    this.client.enterRoom(uuid).catch((error: unknown) => {
      if (error instanceof ClientError && (error.kind === 'cancelled' || error.kind === 'closed')) {
        return;
      }
      // barred (kicked from it): the page says until when, in local time
      if (error instanceof CallError && error.code === 'user_banned' && error.until) {
        d(roomsActions.barred({ uuid, until: error.until }));
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
    this.commitReset();
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
    this.pend(id, text, replyTo);
    return id;
  }

  private pend(id: string, body: string, replyTo?: ReplyTo): void {
    this.dispatch(
      messagesActions.pendingAdded({
        id,
        body,
        created: new Date(this.now()).toISOString(),
        unsent: !this.client.ready,
        ...(replyTo ? { reply_to: replyTo } : {}),
      }),
    );
    this.post(id, body, replyTo?.uuid);
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
   * with the message it stored): never by comparing texts. Every attempt of one pending
   * message goes under the same id: one whose answer never came (a timeout) may have been
   * stored, and is then answered with the stored message instead of stored twice.
   */
  private post(id: string, body: string, replyTo?: string): void {
    const args = replyTo === undefined ? { body } : { body, reply_to: replyTo };
    let callId = this.callIds.get(id);
    if (callId === undefined) {
      callId = this.client.newCallId();
      this.callIds.set(id, callId);
    }
    const options = { timeoutMs: MESSAGE_TIMEOUT_MS, id: callId };
    this.client.request('create_message', args, options).then(
      (reply) => {
        this.callIds.delete(id);
        this.flush();
        this.dispatch(messagesActions.created({ message: reply.object, id }));
      },
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
    if (detail !== null) return void d(messagesActions.pendingFailed({ id, detail }));
    this.callIds.delete(id);
    d(messagesActions.pendingRemoved(id));
  }

  /** Sends a failed message again, under the same key (and so the same call id). */
  retryMessage(id: string): void {
    const p = this.store.getState().messages.pending.find((m) => m.id === id);
    if (!p || this.client.room === null) return;
    this.dispatch(messagesActions.pendingRemoved(id));
    this.pend(id, p.body, p.reply_to);
  }

  loadOlder(): void {
    const m = this.store.getState().messages;
    if (!m.hasOlder || m.loadingOlder || m.list.length === 0) return;
    void this.olderPage();
  }

  /**
   * Loads older pages until message `seq` is held (a reply's original, far back); whether it
   * is. At most JUMP_MAX_PAGES pages.
   */
  async loadUntil(seq: number): Promise<boolean> {
    for (let pages = 0; pages <= JUMP_MAX_PAGES; pages++) {
      const m = this.store.getState().messages;
      if (m.list.some((x) => x.seq === seq)) return true;
      if (!m.hasOlder || pages === JUMP_MAX_PAGES || !(await this.olderPage())) return false;
    }
    return false;
  }

  /**
   * The page before the first message the list holds (not the client's loadOlder(), which
   * goes on from the oldest it passed on: the list lets old messages go while its reader
   * follows the newest, and reads them again from where it begins). Whether a page came.
   */
  private async olderPage(): Promise<boolean> {
    const first = this.store.getState().messages.list[0];
    if (first === undefined) return false;
    this.dispatch(messagesActions.olderRequested());
    try {
      const page = await this.client.request('list_messages', {
        before: first.seq,
        limit: OLDER_PAGE,
      });
      const { room_uuid, list, has_more } = page;
      this.dispatch(messagesActions.listed({ room_uuid, list, has_more, mode: 'older' }));
      return true;
    } catch (error) {
      this.dispatch(messagesActions.olderFailed());
      this.tell(error);
      return false;
    }
  }

  typing(): void {
    this.client.typing();
  }

  // ---- users and rooms ---------------------------------------------------------------------

  changeUserName(name: string): void {
    this.client.request('change_user_name', { name }).catch(this.tell);
  }

  /** Creates a room owned by this user: the room, or null when refused (the notice says why). */
  createRoom(fields: CallInput<'create_room'> = {}): Promise<Room | null> {
    return this.client.request('create_room', fields).then(
      (reply) => reply.object,
      (error: unknown) => {
        this.tell(error);
        return null;
      },
    );
  }

  /** The owner locks or unlocks the room, or makes it unlisted or public. */
  changeRoomSettings(
    uuid: string,
    settings: Omit<CallInput<'change_room_settings'>, 'uuid'>,
  ): void {
    this.client.request('change_room_settings', { uuid, ...settings }).catch(this.tell);
  }

  /** The owner takes a user out of the room and bars them from it for `minutes`. */
  kickUser(room: string, user: string, minutes: number): void {
    this.client.request('kick_user', { uuid: room, user, minutes }).catch(this.tell);
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
  appendPoints(uuid: string, points: number[], style: LineStyle): void {
    this.client.appendPoints(uuid, points, style);
  }

  /** The stroke ended: the whole line. A refused line is told, and the drawing read again. */
  finishLine(line: { uuid: string; points: number[] } & LineStyle): void {
    this.client.finishLine(line).catch(this.lineRefused);
  }

  private readonly lineRefused = (error: unknown): void => {
    if (!(error instanceof CallError)) return; // a drop: the re-entry brings the drawing
    this.refreshDrawing();
    this.notice(error.detail);
  };

  /** Undo: the line goes at once here, and for everyone once the server has it. */
  deleteLine(uuid: string): void {
    this.dispatch(drawingActions.lineDeleted(uuid));
    this.client.request('delete_draw_line', { uuid }).catch((error: unknown) => {
      this.refreshDrawing();
      this.tell(error);
    });
  }

  /** Undoes this user's newest line shown; redo() can draw it again. */
  undo(): void {
    const s = this.store.getState();
    const uuid = lastOwnLine(s.drawing, s.user.me?.uuid);
    const line = uuid === undefined ? undefined : lineOf(s.drawing, uuid);
    if (!line) return;
    this.dispatch(drawingActions.undone(line));
    this.deleteLine(line.uuid);
  }

  /**
   * Draws the last undone line again, with its uuid (the server has none of it any more, so
   * it comes back as a new line, on top): shown here at once, sent with change_draw_line.
   */
  redo(): void {
    const s = this.store.getState();
    const line = redoLine(s.drawing);
    if (!line || this.client.room === null) return;
    const { uuid, points, color, tool, width } = line;
    const style = width === undefined ? { color, tool } : { color, tool, width };
    this.dispatch(drawingActions.redone());
    this.dispatch(drawingActions.lineChanged({ ...line, user_uuid: s.user.me?.uuid ?? '' }));
    this.client.request('change_draw_line', { uuid, points, ...style }).catch(this.lineRefused);
  }

  /**
   * Where this user points on the board (its coordinates): sent at most every CURSOR_SEND_MS,
   * the last position always (it waits for its turn).
   */
  moveCursor(x: number, y: number): void {
    this.cursorNext = { x, y };
    if (this.cursorTimer !== null) return;
    const wait = this.cursorSent + CURSOR_SEND_MS - this.now();
    if (wait <= 0) this.sendCursor();
    else this.cursorTimer = setTimeout(() => this.sendCursor(), wait);
  }

  private sendCursor(): void {
    this.cursorTimer = null;
    const next = this.cursorNext;
    this.cursorNext = null;
    if (!next || this.client.room === null) return;
    this.cursorSent = this.now();
    this.client.send('move_cursor', next);
  }

  /**
   * Reset with undo, as a deferred commit: the board clears here at once and reset_drawing is
   * sent only after RESET_UNDO_MS (or at once when the page is hidden for good or the room is
   * left); undoReset() before then shows the lines again and sends nothing. The server has no
   * undo of a reset (its lines are gone once reset), so the others see the reset only when it
   * is committed, and an undo costs them nothing. Lines drawn meanwhile stay shown here, and
   * go with the reset when it is committed, as they would have on the server.
   */
  resetDrawingLater(): void {
    if (this.client.room === null) return;
    this.dropReset();
    const until = this.now() + RESET_UNDO_MS;
    this.dispatch(drawingActions.resetDeferred({ until }));
    this.resetTimer = setTimeout(() => this.commitReset(), RESET_UNDO_MS);
  }

  /** Takes back a reset not yet committed: the board shows its lines again; nothing is sent. */
  undoReset(): void {
    if (this.resetTimer === null) return;
    this.dropReset();
  }

  /** Sends the reset waiting (if any) now. */
  commitReset(): void {
    if (this.resetTimer === null) return;
    clearTimeout(this.resetTimer);
    this.resetTimer = null;
    this.dispatch(drawingActions.resetSent());
    // the room's drawing_got (empty) ends it here too
    this.client.request('reset_drawing').catch((error: unknown) => {
      // refused (a room locked meanwhile): the lines were never gone
      this.dispatch(drawingActions.resetUndone());
      this.tell(error);
    });
  }

  private dropReset(): void {
    if (this.resetTimer !== null) clearTimeout(this.resetTimer);
    this.resetTimer = null;
    if (this.store.getState().drawing.reset) this.dispatch(drawingActions.resetUndone());
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
