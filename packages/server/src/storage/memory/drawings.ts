import { defaultName, type Drawing, type Line } from '@chat/protocol';
import { appendedChars, assertPlainLine, drawingFits, lineChars, lineFits } from '../rules.ts';
import type { AppendResult, DrawingStore, LineResult, PointsAppend } from '../storage.ts';
import type { MemoryState, RoomRecord } from './state.ts';

/** A copy, without a `width` that is undefined (as a stored line has none). */
const copyLine = ({ width, ...l }: Line): Line => ({
  ...l,
  points: l.points.slice(),
  ...(width !== undefined ? { width } : {}),
});
/** A line's size in a drawing, as drawingChars counts it. */
const charsOf = (l: Line): number => lineChars(l, JSON.stringify(l.points).length);
const sizeOf = (room: RoomRecord) => ({ lines: room.lines.size, chars: room.chars });
/** What an append reports of its line. */
const styleOf = (l: Line): AppendResult => ({
  ok: true,
  color: l.color,
  tool: l.tool,
  user_uuid: l.user_uuid,
  ...(l.width !== undefined ? { width: l.width } : {}),
});

export class MemoryDrawings implements DrawingStore {
  constructor(private readonly s: MemoryState) {}

  async get(roomUuid: string): Promise<Drawing | undefined> {
    const room = this.s.rooms.get(roomUuid);
    if (!room) return undefined;
    return {
      uuid: room.drawingUuid,
      name: defaultName('drawing', room.drawingUuid),
      lines: [...room.lines.values()].map(copyLine),
      room_uuid: room.uuid,
    };
  }

  async getJson(roomUuid: string): Promise<string | undefined> {
    const drawing = await this.get(roomUuid);
    return drawing && JSON.stringify(drawing);
  }

  async putLine(roomUuid: string, line: Line): Promise<LineResult> {
    assertPlainLine(line);
    const room = this.s.rooms.get(roomUuid);
    if (!room) return { ok: false, error: 'no_room' };
    const old = room.lines.get(line.uuid);
    const more = charsOf(line) - (old ? charsOf(old) : 0);
    if (!drawingFits(this.s.limits, sizeOf(room), !old, more)) {
      return { ok: false, error: 'drawing_full' };
    }
    room.chars += more;
    room.lines.set(line.uuid, copyLine(line));
    return { ok: true, line: copyLine(line) };
  }

  async appendPoints(roomUuid: string, a: PointsAppend): Promise<AppendResult> {
    const limits = this.s.limits;
    const room = this.s.rooms.get(roomUuid);
    if (!room) return { ok: false, error: 'no_room' };
    const line = room.lines.get(a.uuid);
    if (!line) {
      if (a.color === undefined || a.tool === undefined) return { ok: false, error: 'needs_style' };
      const created: Line = {
        uuid: a.uuid,
        name: defaultName('line', a.uuid),
        points: a.points.slice(),
        tool: a.tool,
        color: a.color,
        user_uuid: a.user_uuid,
        ...(a.width !== undefined ? { width: a.width } : {}),
      };
      assertPlainLine(created);
      if (!lineFits(limits, 0, a.points.length)) return { ok: false, error: 'line_too_long' };
      const chars = charsOf(created);
      if (!drawingFits(limits, sizeOf(room), true, chars)) {
        return { ok: false, error: 'drawing_full' };
      }
      room.chars += chars;
      room.lines.set(a.uuid, created);
      return styleOf(created);
    }
    if (!lineFits(limits, line.points.length, a.points.length)) {
      return { ok: false, error: 'line_too_long' };
    }
    const more = appendedChars(line.points.length, a.points);
    if (!drawingFits(limits, sizeOf(room), false, more)) {
      return { ok: false, error: 'drawing_full' };
    }
    room.chars += more;
    for (const p of a.points) line.points.push(p);
    return styleOf(line);
  }

  async deleteLine(
    roomUuid: string,
    lineUuid: string,
    author?: string,
  ): Promise<boolean | 'not_author'> {
    const room = this.s.rooms.get(roomUuid);
    const line = room?.lines.get(lineUuid);
    if (!room || !line) return false;
    if (author !== undefined && line.user_uuid !== author) return 'not_author';
    room.chars -= charsOf(line);
    return room.lines.delete(lineUuid);
  }

  async reset(roomUuid: string): Promise<Drawing | undefined> {
    const room = this.s.rooms.get(roomUuid);
    if (room) {
      room.lines.clear();
      room.chars = 0;
    }
    return this.get(roomUuid);
  }
}
