import type { Room, User } from '@chat/protocol';
import { searchKey } from '../rules.ts';
import type {
  DeleteRoomResult,
  MemberPosition,
  NewRoom,
  Page,
  RoomFields,
  RoomPosition,
  RoomStore,
} from '../storage.ts';
import { inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';
import { USER_COLUMNS } from './identity.ts';
import type { RoomsTable } from './schema.ts';

const ROOM_COLUMNS = [
  'uuid',
  'name',
  'color',
  'created',
  'sum',
  'owner',
  'locked',
  'visibility',
] as const;
interface RoomRow extends Pick<
  RoomsTable,
  'uuid' | 'name' | 'color' | 'created' | 'sum' | 'owner'
> {
  locked: number;
  visibility: string;
}

function roomOf(r: RoomRow, users: User[], userCount: number): Room {
  return {
    uuid: r.uuid,
    name: r.name,
    color: r.color,
    users,
    sum: r.sum,
    created: r.created,
    user_count: userCount,
    owner: r.owner,
    locked: Number(r.locked) === 1,
    visibility: r.visibility === 'unlisted' ? 'unlisted' : 'public',
  };
}

/**
 * Room objects for these rows, in two queries whatever their number: the first
 * `roomUsersInline` members of each room by (entered, uuid), each row also carrying
 * its room's exact member count.
 */
async function roomsOf(ctx: SqlContext, rows: RoomRow[]): Promise<Room[]> {
  if (rows.length === 0) return [];
  const ranked = ctx.db
    .selectFrom('users')
    .select((eb) => [
      ...USER_COLUMNS,
      eb.fn
        .agg<number | string>('row_number')
        .over((ob) => ob.partitionBy('room_uuid').orderBy('entered').orderBy('uuid'))
        .as('n'),
      eb.fn
        .countAll<number | string>()
        .over((ob) => ob.partitionBy('room_uuid'))
        .as('total'),
    ])
    .where(
      'room_uuid',
      'in',
      rows.map((r) => r.uuid),
    )
    .as('ranked');
  // At least the first member of every room is read, for the count.
  const inline = ctx.limits.roomUsersInline;
  const members = await ctx.db
    .selectFrom(ranked)
    .selectAll()
    .where('n', '<=', Math.max(1, inline))
    .orderBy('room_uuid')
    .orderBy('n')
    .execute();
  const byRoom = new Map<string, { users: User[]; count: number }>();
  for (const m of members) {
    if (m.room_uuid === null) continue;
    let entry = byRoom.get(m.room_uuid);
    if (!entry) byRoom.set(m.room_uuid, (entry = { users: [], count: Number(m.total) }));
    if (Number(m.n) <= inline)
      entry.users.push({ uuid: m.uuid, name: m.name, room_uuid: m.room_uuid });
  }
  return rows.map((r) => {
    const entry = byRoom.get(r.uuid);
    return roomOf(r, entry?.users ?? [], entry?.count ?? 0);
  });
}

/**
 * A search reads its rooms through the name index when at most this many names may
 * contain the needle (they are then sorted); otherwise it reads rooms newest first, at
 * most `searchScanRows` of them per page (see listRooms).
 */
export const SEARCH_INDEX_MAX = 2000;

/** Rooms `viewer` may list (public ones and its own), newest first, older than `before` when given. */
function newestFirst(ctx: SqlContext, before: RoomPosition | undefined, viewer?: string) {
  const q = ctx.db
    .selectFrom('rooms')
    .where((eb) =>
      viewer === undefined
        ? eb('visibility', '=', 'public')
        : eb.or([eb('visibility', '=', 'public'), eb('owner', '=', viewer)]),
    )
    .orderBy('created', 'desc')
    .orderBy('uuid', 'desc');
  return before
    ? q.where((eb) =>
        eb(eb.refTuple('created', 'uuid'), '<', eb.tuple(before.created, before.uuid)),
      )
    : q;
}

export class SqlRooms implements RoomStore {
  constructor(private readonly ctx: SqlContext) {}

  async create(room: NewRoom): Promise<Room> {
    const ctx = this.ctx;
    const row: RoomRow = {
      uuid: room.uuid,
      name: room.name,
      color: room.color,
      created: room.created,
      sum: 0,
      owner: room.owner ?? null,
      locked: 0,
      visibility: room.visibility ?? 'public',
    };
    await inTransaction(ctx, async ({ db }) => {
      await db
        .insertInto('rooms')
        .values({ ...row, name_lower: searchKey(room.name) })
        .execute();
      await db
        .insertInto('drawings')
        .values({ room_uuid: room.uuid, uuid: room.drawing_uuid, line_count: 0 })
        .execute();
    });
    return roomOf(row, [], 0);
  }

  async get(uuid: string): Promise<Room | undefined> {
    const ctx = this.ctx;
    const row = await ctx.db
      .selectFrom('rooms')
      .select(ROOM_COLUMNS)
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    return row && (await roomsOf(ctx, [row]))[0];
  }

  async update(uuid: string, change: RoomFields): Promise<Room | undefined> {
    const ctx = this.ctx;
    const set: {
      name?: string;
      name_lower?: string;
      color?: string;
      locked?: number;
      visibility?: string;
    } = {};
    if (change.name !== undefined) {
      set.name = change.name;
      set.name_lower = searchKey(change.name);
    }
    if (change.color !== undefined) set.color = change.color;
    if (change.locked !== undefined) set.locked = change.locked ? 1 : 0;
    if (change.visibility !== undefined) set.visibility = change.visibility;
    if (Object.keys(set).length === 0) return this.get(uuid);
    const row = await ctx.db
      .updateTable('rooms')
      .set(set)
      .where('uuid', '=', uuid)
      .returning(ROOM_COLUMNS)
      .executeTakeFirst();
    return row && (await roomsOf(ctx, [row]))[0];
  }

  async delete(uuid: string): Promise<DeleteRoomResult> {
    const ctx = this.ctx;
    return inTransaction(ctx, async ({ db, dialect }) => {
      // Lock order drawing, then room: a drawing change holds its drawing row and then
      // touches the room (the foreign key check of a new line).
      await dialect
        .lock(db.selectFrom('drawings').select('room_uuid').where('room_uuid', '=', uuid), 'update')
        .execute();
      const row = await dialect
        .lock(db.selectFrom('rooms').select(ROOM_COLUMNS).where('uuid', '=', uuid), 'update')
        .executeTakeFirst();
      if (!row) return { ok: false, error: 'not_found' };
      const inside = await db
        .selectFrom('users')
        .select('uuid')
        .where('room_uuid', '=', uuid)
        .limit(1)
        .executeTakeFirst();
      if (inside) return { ok: false, error: 'not_empty' };
      // Its drawing, lines and messages go with it (ON DELETE CASCADE).
      await db.deleteFrom('rooms').where('uuid', '=', uuid).execute();
      return { ok: true, room: roomOf(row, [], 0) };
    });
  }

  /**
   * A page of rooms, newest `limit` first. A search through the name index reads only the
   * rooms that may match. A search without it examines at most `searchScanRows` rooms, so
   * that no call costs more than that whatever the names and the needle: when they hold
   * fewer than `limit` matches, the page is short and its cursor continues after the last
   * room examined.
   */
  async list(opts: {
    query?: string;
    viewer?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>> {
    const ctx = this.ctx;
    const { before, limit, viewer } = opts;
    const needle = opts.query === undefined ? undefined : searchKey(opts.query);
    const page = async (rows: RoomRow[]): Promise<Page<Room, RoomPosition>> => {
      const picked = rows.slice(0, limit).reverse();
      const first = picked[0];
      return {
        list: await roomsOf(ctx, picked),
        next: rows.length > limit && first ? { created: first.created, uuid: first.uuid } : null,
      };
    };
    if (!needle) {
      return page(
        await newestFirst(ctx, before, viewer)
          .select(ROOM_COLUMNS)
          .limit(limit + 1)
          .execute(),
      );
    }
    const contains = ctx.dialect.contains('name_lower', needle);
    const index = ctx.dialect.roomNameIndex(needle);
    if (index) {
      const counted = await index.count(SEARCH_INDEX_MAX).execute(ctx.db);
      if ((counted.rows[0]?.n ?? 0) < SEARCH_INDEX_MAX) {
        const q = newestFirst(ctx, before, viewer).select(ROOM_COLUMNS).where(index.candidates);
        return page(
          await q
            .where(contains)
            .limit(limit + 1)
            .execute(),
        );
      }
    }
    const budget = ctx.limits.searchScanRows;
    const examined = newestFirst(ctx, before, viewer)
      .select([...ROOM_COLUMNS, 'name_lower'])
      .limit(budget)
      .as('examined');
    const rows = await ctx.db
      .selectFrom(examined)
      .select(ROOM_COLUMNS)
      .where(ctx.dialect.contains('examined.name_lower', needle))
      .orderBy('created', 'desc')
      .orderBy('uuid', 'desc')
      .limit(limit + 1)
      .execute();
    if (rows.length > limit) return page(rows);
    // the last room examined, and whether any lies beyond it
    const edge = await newestFirst(ctx, before, viewer)
      .select(['created', 'uuid'])
      .limit(2)
      .offset(budget - 1)
      .execute();
    const last = edge[0];
    return {
      list: await roomsOf(ctx, rows.slice().reverse()),
      next: edge.length === 2 && last ? { created: last.created, uuid: last.uuid } : null,
    };
  }

  async listUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>> {
    const ctx = this.ctx;
    const { after, limit } = opts;
    let q = ctx.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'entered'])
      .where('room_uuid', '=', roomUuid)
      .orderBy('entered')
      .orderBy('uuid')
      .limit(limit + 1);
    if (after) {
      q = q.where((eb) =>
        eb(eb.refTuple('entered', 'uuid'), '>', eb.tuple(after.entered, after.uuid)),
      );
    }
    const rows = await q.execute();
    const slice = rows.slice(0, limit);
    const last = slice[slice.length - 1];
    return {
      list: slice.map((u) => ({ uuid: u.uuid, name: u.name, room_uuid: u.room_uuid })),
      next:
        rows.length > limit && last?.entered != null
          ? { entered: last.entered, uuid: last.uuid }
          : null,
    };
  }
}
