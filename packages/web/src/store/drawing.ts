import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { defaultName, type Drawing, type Line, type Tool } from '@chat/protocol';

export interface DrawingState {
  roomUuid: string | null;
  /** The whole lines (as the server sent them, or this page's own once ended). */
  lines: Record<string, Line>;
  /**
   * Lines being drawn (points streamed by someone, or this page's own stroke), until their
   * whole line comes (draw_line_changed): kept apart, so that a point added to one changes
   * this small record, not the record of thousands of lines. The board shows them on a layer
   * of their own.
   */
  live: Record<string, Line>;
  /** Line uuids in drawing order (whole and live). */
  order: string[];
  loaded: boolean;
  /**
   * A reset this page asked for and has not committed yet (see ChatApi.resetDrawingLater):
   * the lines it hides, and when it goes to the server (ms since the epoch; null: sent, its
   * empty drawing not back yet). Lines drawn meanwhile are not hidden.
   */
  reset: { hidden: Record<string, true>; until: number | null } | null;
  /** This user's lines undone here, the last undone last: redo sends it again. */
  redo: Line[];
  /** Where the others in the room point on the board, by user uuid (never stored anywhere). */
  cursors: Record<string, Cursor>;
}

export interface Cursor {
  name: string;
  x: number;
  y: number;
  /** When it last moved (ms since the epoch). */
  at: number;
}

export const initialDrawingState: DrawingState = {
  roomUuid: null,
  lines: {},
  live: {},
  order: [],
  loaded: false,
  reset: null,
  redo: [],
  cursors: {},
};

export interface PointsAppended {
  uuid: string;
  points: number[];
  color?: string;
  tool?: Tool;
  /** The line's width (taken when the points start a line). */
  width?: number;
  user_uuid: string;
}

/** A line shown: whole or live. */
export function lineOf(state: DrawingState, uuid: string): Line | undefined {
  return state.lines[uuid] ?? state.live[uuid];
}

/** Stores a whole line (in place of the live one of that uuid, where there is one). */
function upsert(state: DrawingState, line: Line): void {
  if (line.uuid in state.live) delete state.live[line.uuid];
  else if (!(line.uuid in state.lines)) state.order.push(line.uuid);
  state.lines[line.uuid] = line;
}

const drawingSlice = createSlice({
  name: 'drawing',
  initialState: initialDrawingState,
  reducers: {
    roomOpened(state, action: PayloadAction<string | null>) {
      if (state.roomUuid !== action.payload) {
        Object.assign(state, initialDrawingState, { roomUuid: action.payload });
      }
    },
    got(state, action: PayloadAction<Drawing>) {
      const d = action.payload;
      if (d.room_uuid !== undefined && state.roomUuid !== null && d.room_uuid !== state.roomUuid) {
        return;
      }
      const lines: Record<string, Line> = {};
      for (const line of d.lines) lines[line.uuid] = line;
      state.lines = lines;
      state.order = d.lines.map((l) => l.uuid);
      state.live = {};
      state.loaded = true;
      // the committed reset's empty drawing ends it; one still waiting keeps its lines hidden
      if (state.reset?.until === null) state.reset = null;
    },
    /** The board clears here now; the reset goes to the server at `until` (or is undone). */
    resetDeferred(state, action: PayloadAction<{ until: number }>) {
      const hidden: Record<string, true> = { ...state.reset?.hidden };
      for (const id of state.order) hidden[id] = true;
      state.reset = { hidden, until: action.payload.until };
    },
    /** Sent: the lines stay hidden until the server's empty drawing comes. */
    resetSent(state) {
      if (state.reset) state.reset.until = null;
    },
    /** Undone (or refused): the lines show again, as they are now. */
    resetUndone(state) {
      state.reset = null;
    },
    /** A whole line (its stroke ended, or it was changed): no longer live. */
    lineChanged(state, action: PayloadAction<Line>) {
      upsert(state, action.payload);
    },
    /** Points streamed by someone (or by ourselves, drawn locally): the line is live. */
    pointsAppended(state, action: PayloadAction<PointsAppended>) {
      const { uuid, points, color, tool, width, user_uuid } = action.payload;
      const live = state.live[uuid];
      if (live) {
        for (const p of points) live.points.push(p);
        return;
      }
      const whole = state.lines[uuid];
      if (whole) {
        // more points for a line that was whole (it was still being drawn when read)
        delete state.lines[uuid];
        state.live[uuid] = { ...whole, points: [...whole.points, ...points] };
        return;
      }
      state.order.push(uuid);
      state.live[uuid] = {
        uuid,
        name: defaultName('line', uuid),
        points: [...points],
        color: color ?? '#000000',
        tool: tool ?? 'pen',
        ...(width === undefined ? {} : { width }),
        user_uuid,
      };
    },
    lineDeleted(state, action: PayloadAction<string>) {
      const uuid = action.payload;
      if (uuid in state.live) delete state.live[uuid];
      else if (uuid in state.lines) delete state.lines[uuid];
      else return;
      state.order = state.order.filter((id) => id !== uuid);
    },
    /** This user undid the line: it can be drawn again (redone). */
    undone(state, action: PayloadAction<Line>) {
      state.redo.push(action.payload);
    },
    /** The last undone line is drawn again (it comes back as a line of its own). */
    redone(state) {
      state.redo.pop();
    },
    /** This user starts a new stroke: what was undone before stays undone. */
    strokeStarted(state) {
      if (state.redo.length > 0) state.redo = [];
    },
    cursorMoved(state, action: PayloadAction<Cursor & { user_uuid: string }>) {
      const { user_uuid, ...cursor } = action.payload;
      state.cursors[user_uuid] = cursor;
    },
    /** The room's users as now known (all of them): the cursors of those who left go. */
    usersPresent(state, action: PayloadAction<string[]>) {
      const present = new Set(action.payload);
      for (const id of Object.keys(state.cursors)) {
        if (!present.has(id)) delete state.cursors[id];
      }
    },
  },
});

/** The uuid of the newest line shown drawn by this user, the one undo removes. */
export function lastOwnLine(state: DrawingState, userUuid: string | undefined): string | undefined {
  if (userUuid === undefined) return undefined;
  for (let i = state.order.length - 1; i >= 0; i--) {
    const id = state.order[i]!;
    if (lineOf(state, id)?.user_uuid === userUuid && !state.reset?.hidden[id]) return id;
  }
  return undefined;
}

/** The line redo would draw again, if any. */
export function redoLine(state: DrawingState): Line | undefined {
  return state.redo.at(-1);
}

/** The uuids of the lines the board shows, in drawing order (a reset waiting hides some). */
export function shownLines(order: string[], reset: DrawingState['reset']): string[] {
  const hidden = reset?.hidden;
  return hidden ? order.filter((id) => !hidden[id]) : order;
}

export const drawingActions = drawingSlice.actions;
export const drawingReducer = drawingSlice.reducer;
