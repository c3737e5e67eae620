import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { frozen, plain } from './lists.ts';

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

/** What the log shows instead of an identity token (user_created carries one). */
export const HIDDEN_TOKEN = '(hidden)';

const TOKEN_FIELD = /"token"\s*:\s*"(?:[^"\\]|\\.)*"/g;
const TYPE_FIELD = /"type"\s*:\s*"(\w+)"/;
const MESSAGE_FIELD = /"message"\s*:\s*"(\w+)"/;

/** The frame with every identity token masked: the log shows it, the token must not be seen. */
export function maskSecrets(frame: string): string {
  return frame.includes('"token"')
    ? frame.replace(TOKEN_FIELD, `"token":"${HIDDEN_TOKEN}"`)
    : frame;
}

/**
 * The statement's type and payload.message, read off the frame's text: the client already
 * parsed the frame, and the log does not parse a frame of up to megabytes again. No key of
 * the protocol but the statement's and its payload's is called `type` or `message`, and a
 * quote inside a string value is escaped, so the first match is theirs.
 */
function summary(frame: string): { type: string; message: string } {
  if (!/^\s*\{/.test(frame)) return { type: 'invalid', message: '?' };
  return {
    type: TYPE_FIELD.exec(frame)?.[1] ?? '?',
    message: MESSAGE_FIELD.exec(frame)?.[1] ?? '?',
  };
}

export const initialLogState: LogState = { entries: [], nextId: 1, dropped: 0 };

function append(state: LogState, entries: readonly Omit<LogEntry, 'id'>[]): void {
  const added = entries.map((e, i) => ({ ...e, id: state.nextId + i }));
  state.nextId += added.length;
  const kept = plain(state.entries);
  const over = Math.max(0, kept.length + added.length - LOG_CAP);
  state.entries = frozen([...(over > 0 ? kept.slice(over) : kept), ...added].slice(-LOG_CAP));
  state.dropped += over;
}

const logSlice = createSlice({
  name: 'log',
  initialState: initialLogState,
  reducers: {
    added: {
      reducer(state, action: PayloadAction<Omit<LogEntry, 'id'>>) {
        append(state, [action.payload]);
      },
      prepare(direction: Direction, frame: string, time: number = Date.now()) {
        const { type, message } = summary(frame);
        const shown = maskSecrets(frame);
        const text = shown.length > LOG_TEXT_CHARS ? `${shown.slice(0, LOG_TEXT_CHARS)}…` : shown;
        return { payload: { time, direction, type, message, text } };
      },
    },
    /** Entries made by `added`'s prepare, stored together (a busy room: once a frame). */
    addedAll(state, action: PayloadAction<Omit<LogEntry, 'id'>[]>) {
      append(state, action.payload);
    },
    cleared(state) {
      state.dropped += state.entries.length;
      state.entries = [];
    },
  },
});

export const logActions = logSlice.actions;
export const logReducer = logSlice.reducer;
