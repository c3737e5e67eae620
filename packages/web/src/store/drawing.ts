import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { defaultName, type Drawing, type Line, type Tool } from '@chat/protocol';

export interface DrawingState {
  roomUuid: string | null;
  lines: Record<string, Line>;
  /** Line uuids in drawing order. */
  order: string[];
  loaded: boolean;
}

export const initialDrawingState: DrawingState = {
  roomUuid: null,
  lines: {},
  order: [],
  loaded: false,
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

/** The uuid of the newest line drawn by this user, the one undo removes. */
export function lastOwnLine(state: DrawingState, userUuid: string | undefined): string | undefined {
  if (userUuid === undefined) return undefined;
  for (let i = state.order.length - 1; i >= 0; i--) {
    const id = state.order[i]!;
    if (state.lines[id]?.user_uuid === userUuid) return id;
  }
  return undefined;
}

export const drawingActions = drawingSlice.actions;
export const drawingReducer = drawingSlice.reducer;
