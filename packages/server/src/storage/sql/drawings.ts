import { sql } from 'kysely';
import type { Drawing, Line, Tool } from '@chat/protocol';
import { defaultName } from '@chat/protocol';
import {
  appendedChars,
  assertPlainLine,
  drawingFits,
  lineChars,
  lineFits,
  type DrawingSize,
  type LineMeta,
} from '../rules.ts';
import type { AppendResult, DrawingStore, LineResult, PointsAppend } from '../storage.ts';
import { inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';

/*
 * Lock order, everywhere: the drawing row, then lines (and the room, through the
 * foreign key check of a new line). The drawing row's line_count and chars are kept
 * equal to the number of the room's lines and the sum of their sizes as JSON (lineChars),
 * and changed only while that row is locked.
 */

function drawingOf(roomUuid: string, uuid: string, lines: Line[]): Drawing {
  return { uuid, name: defaultName('drawing', uuid), lines, room_uuid: roomUuid };
}

/** The room's drawing row, locked until the transaction ends; undefined when the room does not exist. */
function lockDrawing(ctx: SqlContext, roomUuid: string) {
  return ctx.dialect
    .lock(
      ctx.db
        .selectFrom('drawings')
        .select(['uuid', 'line_count', 'chars'])
        .where('room_uuid', '=', roomUuid),
      'update',
    )
    .executeTakeFirst();
}

/** Moves the locked drawing row's counts by `lines` lines and `chars` characters. */
function moveCounts(ctx: SqlContext, roomUuid: string, lines: number, chars: number) {
  return ctx.db
    .updateTable('drawings')
    .set((eb) => ({
      line_count: eb('line_count', '+', lines),
      chars: eb('chars', '+', chars),
      version: eb('version', '+', 1),
    }))
    .where('room_uuid', '=', roomUuid)
    .execute();
}

/** The size of a locked drawing row. */
const sizeOfDrawing = (row: { line_count: number; chars: number }): DrawingSize => ({
  lines: Number(row.line_count),
  chars: Number(row.chars),
});

/** A line's fields but its points, and the length of its stored points. */
const SIZE_COLUMNS = [
  'uuid',
  'name',
  'tool',
  'color',
  'user_uuid',
  'width',
  'point_count',
  sql<number>`length(points)`.as('points_chars'),
] as const;

/** A width as stored: JSON number text, or null. */
const storedWidth = (width: number | undefined) =>
  width === undefined ? null : JSON.stringify(width);
const widthOf = (stored: string | null) => (stored === null ? undefined : Number(stored));

const sizeOfRow = (
  r: Omit<LineMeta, 'width'> & { width: string | null; points_chars: number | string },
) => lineChars({ ...r, width: widthOf(r.width) }, Number(r.points_chars));

/** A line's count of numbers and its size, if it exists. */
async function sizeOf(ctx: SqlContext, roomUuid: string, uuid: string) {
  const row = await ctx.db
    .selectFrom('lines')
    .select(SIZE_COLUMNS)
    .where('room_uuid', '=', roomUuid)
    .where('uuid', '=', uuid)
    .executeTakeFirst();
  return row && { point_count: row.point_count, chars: sizeOfRow(row) };
}

/**
 * The lines of a drawing as JSON text, built by the database in one query: a drawing may be
 * 2 MB, and reading every line into objects to serialize them again cost the event loop tens
 * of milliseconds per entry. Every field of a line is plain text that needs no escaping (see
 * assertPlainLine, checked before each write), and points are stored as JSON already.
 */
async function drawingJson(ctx: SqlContext, roomUuid: string, uuid: string): Promise<string> {
  const line = sql<string>`'{"uuid":"' || uuid || '","name":"' || name || '","points":' || points
    || ',"tool":"' || tool || '","color":"' || color || '","user_uuid":"' || user_uuid || '"'
    || coalesce(',"width":' || width, '') || '}'`;
  const lines = (await ctx.dialect.joinLines(line, roomUuid).execute(ctx.db)).rows[0];
  const { name } = drawingOf(roomUuid, uuid, []);
  const text = JSON.stringify;
  return `{"uuid":${text(uuid)},"name":${text(name)},"lines":[${lines?.json ?? ''}],"room_uuid":${text(roomUuid)}}`;
}

/** Characters of drawings' JSON a node keeps at most (about 32 drawings at their limit). */
const CACHE_CHARS = 64_000_000;

/**
 * The drawings' JSON this node read last, each with the version it was read at: a drawing
 * that has not changed since (one cheap read of its version, on any node's storage) is sent
 * again without building it again, so that ten clients entering one room cost one build.
 */
class DrawingJsonCache {
  private readonly byRoom = new Map<string, { version: number; json: string }>();
  private chars = 0;

  async get(ctx: SqlContext, roomUuid: string): Promise<string | undefined> {
    const row = await ctx.db
      .selectFrom('drawings')
      .select(['uuid', 'version'])
      .where('room_uuid', '=', roomUuid)
      .executeTakeFirst();
    const kept = this.byRoom.get(roomUuid);
    if (kept) this.forget(roomUuid, kept.json);
    if (!row) return undefined;
    // built after the version was read: never older than that version, so never stale
    const json =
      kept?.version === row.version ? kept.json : await drawingJson(ctx, roomUuid, row.uuid);
    this.byRoom.set(roomUuid, { version: row.version, json });
    this.chars += json.length;
    for (const [room, old] of this.byRoom) {
      if (this.chars <= CACHE_CHARS) break;
      this.forget(room, old.json);
    }
    return json;
  }

  private forget(roomUuid: string, json: string): void {
    this.byRoom.delete(roomUuid);
    this.chars -= json.length;
  }
}

/**
 * Appends points to an existing line that stays within the limit, in one statement:
 * the JSON text is extended in place, not read back. Undefined when no line was changed.
 */
function extendLine(ctx: SqlContext, roomUuid: string, uuid: string, added: number[]) {
  const n = added.length;
  const inner = JSON.stringify(added).slice(1, -1);
  const points = sql.ref('points');
  return ctx.db
    .updateTable('lines')
    .set((eb) => ({
      point_count: eb('point_count', '+', n),
      ...(n === 0
        ? {}
        : {
            points: eb
              .case()
              .when('point_count', '=', 0)
              .then(`[${inner}]`)
              // Drop the closing bracket, add the new numbers and close again.
              .else(sql<string>`substr(${points}, 1, length(${points}) - 1) || ${`,${inner}]`}`)
              .end(),
          }),
    }))
    .where('room_uuid', '=', roomUuid)
    .where('uuid', '=', uuid)
    .where((eb) => eb(eb('point_count', '+', n), '<=', ctx.limits.lineNumbers))
    .returning(['color', 'tool', 'user_uuid', 'width'])
    .executeTakeFirst();
}

export class SqlDrawings implements DrawingStore {
  private readonly cache = new DrawingJsonCache();

  constructor(private readonly ctx: SqlContext) {}

  async get(roomUuid: string): Promise<Drawing | undefined> {
    const drawing = await this.ctx.db
      .selectFrom('drawings')
      .select('uuid')
      .where('room_uuid', '=', roomUuid)
      .executeTakeFirst();
    const json = drawing && (await drawingJson(this.ctx, roomUuid, drawing.uuid));
    return json === undefined ? undefined : (JSON.parse(json) as Drawing);
  }

  getJson(roomUuid: string): Promise<string | undefined> {
    return this.cache.get(this.ctx, roomUuid);
  }

  async putLine(roomUuid: string, line: Line): Promise<LineResult> {
    assertPlainLine(line);
    const values = {
      name: line.name,
      points: JSON.stringify(line.points),
      point_count: line.points.length,
      tool: line.tool,
      color: line.color,
      user_uuid: line.user_uuid,
      width: storedWidth(line.width),
    };
    return inTransaction(this.ctx, async (tx) => {
      const drawing = await lockDrawing(tx, roomUuid);
      if (!drawing) return { ok: false, error: 'no_room' };
      const old = await sizeOf(tx, roomUuid, line.uuid);
      const more = lineChars(line, values.points.length) - (old?.chars ?? 0);
      if (!drawingFits(tx.limits, sizeOfDrawing(drawing), !old, more)) {
        return { ok: false, error: 'drawing_full' };
      }
      // An upsert keeps the line's place in the drawing: only a new line gets a new position.
      if (old) {
        await tx.db
          .updateTable('lines')
          .set(values)
          .where('room_uuid', '=', roomUuid)
          .where('uuid', '=', line.uuid)
          .execute();
      } else {
        await tx.db
          .insertInto('lines')
          .values({ room_uuid: roomUuid, uuid: line.uuid, ...values })
          .execute();
      }
      await moveCounts(tx, roomUuid, old ? 0 : 1, more);
      return { ok: true, line: { ...line, points: line.points.slice() } };
    });
  }

  async appendPoints(roomUuid: string, a: PointsAppend): Promise<AppendResult> {
    // The drawing row is locked even for a stroke in progress: the drawing's size moves with
    // every append.
    return inTransaction(this.ctx, async (tx): Promise<AppendResult> => {
      const drawing = await lockDrawing(tx, roomUuid);
      if (!drawing) return { ok: false, error: 'no_room' };
      const n = a.points.length;
      const existing = await sizeOf(tx, roomUuid, a.uuid);
      if (existing) {
        if (!lineFits(tx.limits, existing.point_count, n)) {
          return { ok: false, error: 'line_too_long' };
        }
        const more = appendedChars(existing.point_count, a.points);
        if (!drawingFits(tx.limits, sizeOfDrawing(drawing), false, more)) {
          return { ok: false, error: 'drawing_full' };
        }
        const line = await extendLine(tx, roomUuid, a.uuid, a.points);
        if (!line) return { ok: false, error: 'line_too_long' };
        await moveCounts(tx, roomUuid, 0, more);
        const width = widthOf(line.width);
        return {
          ok: true,
          color: line.color,
          tool: line.tool as Tool,
          user_uuid: line.user_uuid,
          ...(width !== undefined ? { width } : {}),
        };
      }
      if (a.color === undefined || a.tool === undefined) return { ok: false, error: 'needs_style' };
      if (!lineFits(tx.limits, 0, n)) return { ok: false, error: 'line_too_long' };
      const created = {
        uuid: a.uuid,
        name: defaultName('line', a.uuid),
        points: JSON.stringify(a.points),
        point_count: n,
        tool: a.tool,
        color: a.color,
        user_uuid: a.user_uuid,
        width: storedWidth(a.width),
      };
      const meta = { ...created, width: a.width };
      assertPlainLine(meta);
      const chars = lineChars(meta, created.points.length);
      if (!drawingFits(tx.limits, sizeOfDrawing(drawing), true, chars)) {
        return { ok: false, error: 'drawing_full' };
      }
      await tx.db
        .insertInto('lines')
        .values({ room_uuid: roomUuid, ...created })
        .execute();
      await moveCounts(tx, roomUuid, 1, chars);
      return {
        ok: true,
        color: a.color,
        tool: a.tool,
        user_uuid: a.user_uuid,
        ...(a.width !== undefined ? { width: a.width } : {}),
      };
    });
  }

  async deleteLine(
    roomUuid: string,
    lineUuid: string,
    author?: string,
  ): Promise<boolean | 'not_author'> {
    return inTransaction(this.ctx, async (tx) => {
      if (!(await lockDrawing(tx, roomUuid))) return false;
      if (author !== undefined) {
        const line = await tx.db
          .selectFrom('lines')
          .select('user_uuid')
          .where('room_uuid', '=', roomUuid)
          .where('uuid', '=', lineUuid)
          .executeTakeFirst();
        if (line && line.user_uuid !== author) return 'not_author';
      }
      const deleted = await tx.db
        .deleteFrom('lines')
        .where('room_uuid', '=', roomUuid)
        .where('uuid', '=', lineUuid)
        .returning(SIZE_COLUMNS)
        .executeTakeFirst();
      if (!deleted) return false;
      await moveCounts(tx, roomUuid, -1, -sizeOfRow(deleted));
      return true;
    });
  }

  async reset(roomUuid: string): Promise<Drawing | undefined> {
    return inTransaction(this.ctx, async (tx) => {
      const drawing = await lockDrawing(tx, roomUuid);
      if (!drawing) return undefined;
      await tx.db.deleteFrom('lines').where('room_uuid', '=', roomUuid).execute();
      await tx.db
        .updateTable('drawings')
        .set((eb) => ({ line_count: 0, chars: 0, version: eb('version', '+', 1) }))
        .where('room_uuid', '=', roomUuid)
        .execute();
      return drawingOf(roomUuid, drawing.uuid, []);
    });
  }
}
