import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export type Direction = 'in' | 'out';

export interface LogEntry {
  id: number;
  /** Milliseconds since the epoch. */
  time: number;
  direction: Direction;
  /** The statement type: call, result or error. */
  type: string;
  /** payload.message */
  message: string;
  /** The frame itself (cut when long), for the detail view. */
  text: string;
}

export interface LogState {
  entries: LogEntry[];
  nextId: number;
  /** Entries dropped from the front to keep memory bounded. */
  dropped: number;
}

/** The log keeps the newest entries only; it is a debugging view, not an archive. */
export const LOG_CAP = 5_000;
export const LOG_TEXT_CHARS = 2_000;

export const initialLogState: LogState = { entries: [], nextId: 1, dropped: 0 };

const logSlice = createSlice({
  name: 'log',
  initialState: initialLogState,
  reducers: {
    added: {
      reducer(state, action: PayloadAction<Omit<LogEntry, 'id'>>) {
        state.entries.push({ ...action.payload, id: state.nextId });
        state.nextId++;
        const over = state.entries.length - LOG_CAP;
        if (over > 0) {
          state.entries.splice(0, over);
          state.dropped += over;
        }
      },
      prepare(direction: Direction, frame: string, time: number = Date.now()) {
        let type = '?';
        let message = '?';
        try {
          const data = JSON.parse(frame) as { type?: unknown; payload?: { message?: unknown } };
          if (typeof data.type === 'string') type = data.type;
          if (typeof data.payload?.message === 'string') message = data.payload.message;
        } catch {
          type = 'invalid';
        }
        const text = frame.length > LOG_TEXT_CHARS ? `${frame.slice(0, LOG_TEXT_CHARS)}…` : frame;
        return { payload: { time, direction, type, message, text } };
      },
    },
    cleared(state) {
      state.dropped += state.entries.length;
      state.entries = [];
    },
  },
});

export const logActions = logSlice.actions;
export const logReducer = logSlice.reducer;
