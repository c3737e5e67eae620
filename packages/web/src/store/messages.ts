import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Message, ReplyTo, User } from '@chat/protocol';
import { applyChanges, mergeBySeq } from './merge.ts';
import { frozen, plain } from './lists.ts';

/**
 * Messages a room's list keeps while its reader follows the newest (the older ones are read
 * again from the server, a page at a time, when scrolled to). 2,000 is ten seconds of a room
 * at 200 messages a second, half an hour of a lively one at one a second: scrolling back that
 * far needs no request; it holds some 2 MB of typical messages (the page's heap grew by about
 * 1 KB a message without the window: BENCHMARKS.md, "Busy room in the browser"; 40 MB were
 * every one of them 10,000 characters), and what is done over the whole list on each update
 * (merging, placing in groups) stays well under a millisecond. A reader scrolled up keeps
 * everything loaded until back at the bottom.
 */
export const MESSAGE_WINDOW = 2_000;
/**
 * The list is cut back to MESSAGE_WINDOW once it is this much longer: once per so many new
 * messages, not on each one (the list is drawn anew after a cut: see MessageList).
 */
export const WINDOW_SLACK = 100;

/**
 * An own message sent (or waiting to be sent) but not yet confirmed. Its create_message call
 * settles it by its call id (the client matches the answer to the call): never by its text.
 */
export interface PendingMessage {
  /** This page's key of the message (not shown, not sent). */
  id: string;
  body: string;
  created: string;
  /** Waits for the connection (and the room) to be back: the client sends it then. */
  unsent: boolean;
  /** The server asked to wait (rate_limited, unavailable): its sentence, until it goes again. */
  delayed?: string;
  /** The server's error sentence, when the call failed for good. */
  failed?: string;
  /** The message it answers, as shown above it. */
  reply_to?: ReplyTo;
}

/** What the message box is doing besides writing a new message. */
export type Composing = { kind: 'reply' | 'edit'; message: Message } | null;

export interface TypingEntry {
  name: string;
  at: number;
}

export interface MessagesState {
  roomUuid: string | null;
  /** Confirmed messages, ascending seq, no duplicates. */
  list: Message[];
  pending: PendingMessage[];
  /** The first page has arrived. */
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Who is typing, by user uuid. */
  typing: Record<string, TypingEntry>;
  composing: Composing;
  /** A message asked for from outside the list (a search result): the list goes to it. */
  jumpTo: number | null;
  /**
   * The list shows the newest messages and follows them: its reader has not scrolled up or
   * jumped to an older message. Only then are messages beyond MESSAGE_WINDOW let go.
   */
  following: boolean;
}

export const initialMessagesState: MessagesState = {
  roomUuid: null,
  list: [],
  pending: [],
  loaded: false,
  hasOlder: false,
  loadingOlder: false,
  typing: {},
  composing: null,
  jumpTo: null,
  following: true,
};

export type ListMode = 'initial' | 'older' | 'newer' | 'changed';

export interface ListedPayload {
  room_uuid: string;
  list: Message[];
  has_more: boolean;
  mode: ListMode;
}

function resetFor(state: MessagesState, roomUuid: string | null): void {
  const pending = state.roomUuid === roomUuid ? state.pending : [];
  Object.assign(state, initialMessagesState, { roomUuid, pending });
}

/** While the reader follows the newest, the oldest messages beyond the window go. */
function keepWindow(state: MessagesState): void {
  const over = state.list.length - MESSAGE_WINDOW;
  if (!state.following || over <= 0) return;
  state.list = frozen(plain(state.list).slice(over));
  state.hasOlder = true;
}

/** Adds messages of the room (newer ones, mostly), keeping the window. */
function add(state: MessagesState, messages: readonly Message[]): void {
  state.list = frozen(mergeBySeq(plain(state.list), messages));
  if (state.list.length > MESSAGE_WINDOW + WINDOW_SLACK) keepWindow(state);
}

/** New messages of the room: their authors are no longer typing. */
function arrive(state: MessagesState, messages: readonly Message[]): void {
  const mine = messages.filter((m) => m.room_uuid === state.roomUuid);
  if (mine.length === 0) return;
  add(state, mine);
  for (const m of mine) delete state.typing[m.user.uuid];
}

const messagesSlice = createSlice({
  name: 'messages',
  initialState: initialMessagesState,
  reducers: {
    /** The client wants this room's messages (a different room clears the list). */
    roomOpened(state, action: PayloadAction<string | null>) {
      if (state.roomUuid !== action.payload) resetFor(state, action.payload);
    },
    listed(state, action: PayloadAction<ListedPayload>) {
      const { room_uuid, list, has_more, mode } = action.payload;
      if (state.roomUuid !== room_uuid) {
        if (mode !== 'initial') return;
        resetFor(state, room_uuid);
      }
      if (mode === 'changed') {
        state.list = frozen(applyChanges(plain(state.list), list));
        return;
      }
      if (mode === 'older') {
        state.loadingOlder = false;
        const first = state.list[0]?.seq ?? Infinity;
        const older = list.filter((m) => m.seq < first);
        // asked for before the list was cut: it would leave a hole; the next one is asked from
        // where the list begins now
        const last = Math.max(...older.map((m) => m.seq));
        if (first !== Infinity && older.length > 0 && last !== first - 1) return;
        state.list = frozen(mergeBySeq(plain(state.list), older));
        state.hasOlder = has_more && older.length > 0;
        return;
      }
      if (mode === 'initial') {
        const lastHeld = state.list.at(-1)?.seq;
        const pageFirst = list[0]?.seq;
        // a page that does not meet what is held (the room entered again after more than a
        // page came meanwhile): it replaces it, and says whether older ones remain
        const replaces =
          lastHeld === undefined || (pageFirst !== undefined && pageFirst > lastHeld + 1);
        if (replaces) state.list = frozen([]);
        if (replaces || !state.loaded) state.hasOlder = has_more;
        add(state, list);
        state.loaded = true;
        return;
      }
      add(state, list);
    },
    olderRequested(state) {
      state.loadingOlder = true;
    },
    olderFailed(state) {
      state.loadingOlder = false;
    },
    /** One's own message confirmed (`id`: its pending key), or a message of the room. */
    created(state, action: PayloadAction<{ message: Message; id?: string }>) {
      const { message, id } = action.payload;
      if (id !== undefined) state.pending = state.pending.filter((p) => p.id !== id);
      arrive(state, [message]);
    },
    /** New messages, as many as came since the last frame (the api batches them). */
    arrived(state, action: PayloadAction<Message[]>) {
      arrive(state, action.payload);
    },
    /** Whether the reader follows the newest messages (see `following`). */
    followingChanged(state, action: PayloadAction<boolean>) {
      state.following = action.payload;
      keepWindow(state);
    },
    /** A message edited, deleted or reacted to (message_changed, message_deleted). */
    changed(state, action: PayloadAction<Message>) {
      const m = action.payload;
      if (m.room_uuid !== state.roomUuid) return;
      state.list = frozen(applyChanges(plain(state.list), [m]));
      // a message answered or being edited that is deleted meanwhile: nothing to do with it
      if (m.deleted !== null && state.composing?.message.uuid === m.uuid) state.composing = null;
    },
    /** Go to message `seq` of the room (null: done). */
    jumpRequested(state, action: PayloadAction<number | null>) {
      state.jumpTo = action.payload;
    },
    /** The message box answers `message`, or edits it (one's own), until sent or cancelled. */
    composingStarted(state, action: PayloadAction<Composing>) {
      state.composing = action.payload;
    },
    pendingAdded(state, action: PayloadAction<PendingMessage>) {
      state.pending.push(action.payload);
    },
    /** The room is in sync again: what waited goes out now. */
    pendingResumed(state) {
      for (const p of state.pending) p.unsent = false;
    },
    /** The server asked to wait before this message is sent again. */
    pendingDelayed(state, action: PayloadAction<{ id: string; detail: string }>) {
      const p = state.pending.find((m) => m.id === action.payload.id);
      if (p) p.delayed = action.payload.detail;
    },
    /** Sent again after a wait. */
    pendingResent(state, action: PayloadAction<string>) {
      const p = state.pending.find((m) => m.id === action.payload);
      if (p) delete p.delayed;
    },
    pendingFailed(state, action: PayloadAction<{ id: string; detail: string }>) {
      const p = state.pending.find((m) => m.id === action.payload.id);
      if (p) {
        p.failed = action.payload.detail;
        p.unsent = false;
        delete p.delayed;
      }
    },
    pendingRemoved(state, action: PayloadAction<string>) {
      state.pending = state.pending.filter((p) => p.id !== action.payload);
    },
    /** The connection dropped: what is not confirmed waits for it (the client sends it again). */
    connectionLost(state) {
      for (const p of state.pending) if (p.failed === undefined) p.unsent = true;
      state.loadingOlder = false;
      state.typing = {};
    },
    typingReceived(state, action: PayloadAction<{ user: User; at: number }>) {
      const { user, at } = action.payload;
      if (user.room_uuid !== null && user.room_uuid !== state.roomUuid) return;
      state.typing[user.uuid] = { name: user.name, at };
    },
    typingExpired(state, action: PayloadAction<number>) {
      for (const [uuid, t] of Object.entries(state.typing)) {
        if (t.at <= action.payload) delete state.typing[uuid];
      }
    },
  },
});

export const messagesActions = messagesSlice.actions;
export const messagesReducer = messagesSlice.reducer;
