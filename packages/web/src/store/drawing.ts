import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { defaultName, type Drawing, type Line, type Tool } from '@chat/protocol';

export interface DrawingState {
  roomUuid: string | null;
  lines: Record<string, Line>;
  /** Line uuids in drawing order. */
  order: string[];
  loaded: boolean;
  /**
   * A reset this page asked for and has not committed yet (see ChatApi.resetDrawingLater):
   * the lines it hides, and when it goes to the server (ms since the epoch; null: sent, its
   * empty drawing not back yet). Lines drawn meanwhile are not hidden.
   */
  reset: { hidden: Record<string, true>; until: number | null } | null;
}

export const initialDrawingState: DrawingState = {
  roomUuid: null,
  lines: {},
  order: [],
  loaded: false,
  reset: null,
};

export interface PointsAppended {
  uuid: string;
  points: number[];
  color?: string;
  tool?: Tool;
  user_uuid: string;
}

function upsert(state: DrawingState, line: Line): void {
  if (!(line.uuid in state.lines)) state.order.push(line.uuid);
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
      state.lines = {};
      state.order = [];
      for (const line of d.lines) upsert(state, line);
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
    lineChanged(state, action: PayloadAction<Line>) {
      upsert(state, action.payload);
    },
    /** Points streamed by someone (or by ourselves, drawn locally). */
    pointsAppended(state, action: PayloadAction<PointsAppended>) {
      const { uuid, points, color, tool, user_uuid } = action.payload;
      const line = state.lines[uuid];
      if (line) {
        for (const p of points) line.points.push(p);
        return;
      }
      upsert(state, {
        uuid,
        name: defaultName('line', uuid),
        points: [...points],
        color: color ?? '#000000',
        tool: tool ?? 'pen',
        user_uuid,
      });
    },
    lineDeleted(state, action: PayloadAction<string>) {
      const uuid = action.payload;
      if (!(uuid in state.lines)) return;
      delete state.lines[uuid];
      state.order = state.order.filter((id) => id !== uuid);
    },
  },
});

/** The uuid of the newest line shown drawn by this user, the one undo removes. */
export function lastOwnLine(state: DrawingState, userUuid: string | undefined): string | undefined {
  if (userUuid === undefined) return undefined;
  for (let i = state.order.length - 1; i >= 0; i--) {
    const id = state.order[i]!;
    if (state.lines[id]?.user_uuid === userUuid && !state.reset?.hidden[id]) return id;
  }
  return undefined;
}

/** The uuids of the lines the board shows, in drawing order (a reset waiting hides some). */
export function shownLines(order: string[], reset: DrawingState['reset']): string[] {
  const hidden = reset?.hidden;
  return hidden ? order.filter((id) => !hidden[id]) : order;
}

export const drawingActions = drawingSlice.actions;
export const drawingReducer = drawingSlice.reducer;
