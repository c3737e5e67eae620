import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Room, User } from '@chat/protocol';

/** `barred`: enter_room was refused with user_banned; `kicked`: the owner took this user out. */
export type RoomStatus = 'idle' | 'entering' | 'entered' | 'missing' | 'barred' | 'kicked';

/** Why this user is out of a room: kicked by its owner, until when (an ISO time). */
export interface Removal {
  roomUuid: string;
  /** The room's name when it happened (null: a room this page never listed). */
  name: string | null;
  until: string;
}

/**
 * A search page may hold fewer rooms than asked (the server examines a bounded number of rooms
 * per page): while a search shows fewer than this many results and more rooms remain, the
 * next page is read without the user scrolling an empty list ...
 */
export const SEARCH_FILL = 20;
/** ... for at most this many pages in a row; then the user may ask to search further. */
export const SEARCH_MAX_PAGES = 20;

export interface SearchState {
  query: string;
  ids: string[];
  cursor: string | null;
  loading: boolean;
  /** Pages read since the search started or the user asked for more. */
  pages: number;
  /** Results wanted: pages are read by themselves until there are this many (or none remain). */
  want: number;
}

/** Whether a search reads its next page by itself. */
export function searchReadsOn(s: SearchState): boolean {
  return !s.loading && s.cursor !== null && s.ids.length < s.want && s.pages < SEARCH_MAX_PAGES;
}

/** Whether a search stopped reading after SEARCH_MAX_PAGES pages with fewer results than wanted. */
export function searchPaused(s: SearchState): boolean {
  return !s.loading && s.cursor !== null && s.ids.length < s.want && s.pages >= SEARCH_MAX_PAGES;
}

export interface MembersState {
  roomUuid: string;
  list: User[];
  cursor: string | null;
  loading: boolean;
}

export interface RoomsState {
  byId: Record<string, Room>;
  /** The rooms of the main list (newest pages first loaded, older pages on demand). */
  main: string[];
  cursor: string | null;
  loaded: boolean;
  loadingMore: boolean;
  search: SearchState | null;
  /** The room the user is in, or wants to be in. */
  current: string | null;
  status: RoomStatus;
  /** The full member list of the current room, when paged with list_room_users. */
  members: MembersState | null;
  /** The current room refused this user (status `barred`) or took them out (`kicked`). */
  removal: Removal | null;
  /**
   * Rooms deleted while this page was open. A page read before a deletion can arrive
   * after its room_deleted; uuids are never reused, so such a room is dropped, not revived.
   */
  deleted: Record<string, true>;
}

export const initialRoomsState: RoomsState = {
  byId: {},
  main: [],
  cursor: null,
  loaded: false,
  loadingMore: false,
  search: null,
  current: null,
  status: 'idle',
  members: null,
  removal: null,
  deleted: {},
};

/** Newest first: by `created`, then uuid, so the order is total and stable. */
export function compareRooms(a: Room, b: Room): number {
  if (a.created !== b.created) return a.created < b.created ? 1 : -1;
  return a.uuid < b.uuid ? 1 : a.uuid > b.uuid ? -1 : 0;
}

export function matchesQuery(room: Room, query: string): boolean {
  return room.name.toLowerCase().includes(query.toLowerCase());
}

/**
 * Whether a room falls within the part of a list loaded so far (newest first, `cursor` null:
 * all of it): a room that appears there (made public) is shown; an older one comes with its page.
 */
function withinLoaded(
  byId: Record<string, Room>,
  ids: readonly string[],
  cursor: string | null,
  room: Room,
): boolean {
  if (cursor === null) return true;
  return ids.some((id) => {
    const r = byId[id];
    return r !== undefined && compareRooms(room, r) <= 0;
  });
}

function addIds(ids: string[], more: readonly Room[]): string[] {
  const seen = new Set(ids);
  const out = [...ids];
  for (const r of more) {
    if (!seen.has(r.uuid)) {
      seen.add(r.uuid);
      out.push(r.uuid);
    }
  }
  return out;
}

export interface RoomsListedPayload {
  list: Room[];
  cursor: string | null;
  query?: string;
  /** A next page (true) or a fresh first page (false). */
  append: boolean;
}

const roomsSlice = createSlice({
  name: 'rooms',
  initialState: initialRoomsState,
  reducers: {
    listed(state, action: PayloadAction<RoomsListedPayload>) {
      const { cursor, query, append } = action.payload;
      const list = action.payload.list.filter((r) => !state.deleted[r.uuid]);
      for (const r of list) state.byId[r.uuid] = r;
      if (query !== undefined) {
        if (state.search === null || state.search.query !== query) return;
        state.search.ids = append ? addIds(state.search.ids, list) : list.map((r) => r.uuid);
        state.search.cursor = cursor;
        state.search.loading = false;
        state.search.pages++;
        return;
      }
      state.main = append ? addIds(state.main, list) : list.map((r) => r.uuid);
      state.cursor = cursor;
      state.loaded = true;
      state.loadingMore = false;
    },
    moreRequested(state) {
      if (state.search) state.search.loading = true;
      else state.loadingMore = true;
    },
    /** The user asks for more results: SEARCH_FILL more are wanted, and the count starts again. */
    searchFurther(state) {
      if (!state.search) return;
      state.search.pages = 0;
      state.search.want = Math.max(state.search.want, state.search.ids.length + SEARCH_FILL);
    },
    /** A page of rooms could not be read (the notice says why): not loading any more. */
    listFailed(state, action: PayloadAction<{ query?: string }>) {
      const { query } = action.payload;
      if (query === undefined) state.loadingMore = false;
      else if (state.search?.query === query) state.search.loading = false;
    },
    searchStarted(state, action: PayloadAction<string>) {
      const query = action.payload;
      state.search =
        query === ''
          ? null
          : { query, ids: [], cursor: null, loading: true, pages: 0, want: SEARCH_FILL };
    },
    created(state, action: PayloadAction<Room>) {
      const room = action.payload;
      if (state.deleted[room.uuid]) return;
      state.byId[room.uuid] = room;
      if (!state.main.includes(room.uuid)) state.main.push(room.uuid);
      if (state.search && matchesQuery(room, state.search.query)) {
        if (!state.search.ids.includes(room.uuid)) state.search.ids.push(room.uuid);
      }
    },
    changed(state, action: PayloadAction<Room>) {
      const room = action.payload;
      if (state.deleted[room.uuid]) return;
      state.byId[room.uuid] = room;
      // a room made public appears in the lists that now include it (rooms_listed shows
      // public rooms; an unlisted one stays where it was: its owner's list, or no list)
      if (room.visibility !== 'public') return;
      if (state.loaded && !state.main.includes(room.uuid)) {
        if (withinLoaded(state.byId, state.main, state.cursor, room)) state.main.push(room.uuid);
      }
      const search = state.search;
      if (search && !search.ids.includes(room.uuid) && matchesQuery(room, search.query)) {
        if (withinLoaded(state.byId, search.ids, search.cursor, room)) search.ids.push(room.uuid);
      }
    },
    /**
     * A room became unlisted and this user neither owns it nor is in it: it leaves the lists
     * (its later changes are told only to its members and owner).
     */
    unlisted(state, action: PayloadAction<string>) {
      const uuid = action.payload;
      if (state.current === uuid) return;
      delete state.byId[uuid];
      state.main = state.main.filter((id) => id !== uuid);
      if (state.search) state.search.ids = state.search.ids.filter((id) => id !== uuid);
    },
    /** user_kicked: the owner took this user out of the room until `until`. */
    kicked(state, action: PayloadAction<{ uuid: string; until: string }>) {
      const { uuid, until } = action.payload;
      state.removal = { roomUuid: uuid, name: state.byId[uuid]?.name ?? null, until };
      if (state.current === uuid) state.status = 'kicked';
    },
    /** enter_room answered user_banned: barred from the room until `until`. */
    barred(state, action: PayloadAction<{ uuid: string; until: string }>) {
      const { uuid, until } = action.payload;
      if (state.current !== uuid) return;
      state.status = 'barred';
      state.removal = { roomUuid: uuid, name: state.byId[uuid]?.name ?? null, until };
    },
    removalDismissed(state) {
      state.removal = null;
    },
    deleted(state, action: PayloadAction<Room>) {
      const uuid = action.payload.uuid;
      state.deleted[uuid] = true;
      delete state.byId[uuid];
      state.main = state.main.filter((id) => id !== uuid);
      if (state.search) state.search.ids = state.search.ids.filter((id) => id !== uuid);
      if (state.current === uuid) state.status = 'missing';
    },
    enterRequested(state, action: PayloadAction<string>) {
      if (state.current !== action.payload || state.status !== 'entered') {
        state.current = action.payload;
        state.status = 'entering';
        state.removal = null;
      }
      if (state.members?.roomUuid !== action.payload) state.members = null;
    },
    entered(state, action: PayloadAction<Room>) {
      const room = action.payload;
      state.byId[room.uuid] = room;
      if (state.current === room.uuid) state.status = 'entered';
    },
    enterFailed(state, action: PayloadAction<string>) {
      if (state.current === action.payload) state.status = 'missing';
    },
    left(state) {
      state.current = null;
      state.status = 'idle';
      state.members = null;
    },
    membersRequested(state, action: PayloadAction<string>) {
      if (state.members?.roomUuid === action.payload) state.members.loading = true;
      else state.members = { roomUuid: action.payload, list: [], cursor: null, loading: true };
    },
    membersListed(
      state,
      action: PayloadAction<{
        uuid: string;
        list: User[];
        cursor: string | null;
        /** Read again from the start: replaces the list instead of adding a page. */
        fresh?: boolean;
      }>,
    ) {
      const { uuid, list, cursor, fresh } = action.payload;
      if (state.members?.roomUuid !== uuid) return;
      if (fresh) state.members.list = [];
      const seen = new Set(state.members.list.map((u) => u.uuid));
      for (const u of list) if (!seen.has(u.uuid)) state.members.list.push(u);
      state.members.cursor = cursor;
      state.members.loading = false;
    },
    membersFailed(state, action: PayloadAction<string>) {
      if (state.members?.roomUuid === action.payload) state.members.loading = false;
    },
  },
});

export const roomsActions = roomsSlice.actions;
export const roomsReducer = roomsSlice.reducer;
