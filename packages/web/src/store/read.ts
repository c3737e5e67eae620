import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Room } from '@chat/protocol';

/**
 * How far this browser has read each room: the newest seq it showed at the end of the room's
 * list while the page was visible. Kept in localStorage, so counts survive a reload.
 */
export interface ReadState {
  seq: Record<string, number>;
}

/** Rooms remembered at most (the ones read longest ago are forgotten first). */
export const READ_ROOMS = 500;
export const READ_KEY = 'read';

const initialState: ReadState = { seq: {} };

const readSlice = createSlice({
  name: 'read',
  initialState,
  reducers: {
    readTo(state, action: PayloadAction<{ room: string; seq: number }>) {
      const { room, seq } = action.payload;
      const was = state.seq[room];
      if (was !== undefined && was >= seq) return;
      // the newest read last: the first keys are the ones to forget
      delete state.seq[room];
      state.seq[room] = seq;
      const rooms = Object.keys(state.seq);
      for (const old of rooms.slice(0, Math.max(0, rooms.length - READ_ROOMS))) {
        delete state.seq[old];
      }
    },
  },
});

export const readActions = readSlice.actions;
export const readReducer = readSlice.reducer;

/** Messages of `room` after the last one read here; null for a room never read here. */
export function unreadOf(read: ReadState, room: Room): number | null {
  const seen = read.seq[room.uuid];
  return seen === undefined ? null : Math.max(0, room.sum - seen);
}

/** The read state kept in `storage` (empty when missing or unreadable). */
export function loadRead(storage: Pick<Storage, 'getItem'> | null): ReadState {
  try {
    const raw = storage?.getItem(READ_KEY);
    const seq = raw ? (JSON.parse(raw) as unknown) : {};
    if (typeof seq !== 'object' || seq === null) return { seq: {} };
    const clean: Record<string, number> = {};
    for (const [k, v] of Object.entries(seq)) if (typeof v === 'number') clean[k] = v;
    return { seq: clean };
  } catch {
    return { seq: {} };
  }
}

export function saveRead(storage: Pick<Storage, 'setItem'> | null, read: ReadState): void {
  try {
    storage?.setItem(READ_KEY, JSON.stringify(read.seq));
  } catch {
    // full or blocked: the counts last as long as the page
  }
}
