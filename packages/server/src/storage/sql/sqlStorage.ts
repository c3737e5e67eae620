import { sql } from 'kysely';
import type { Drawing, Line, Message, Room, User } from '@chat/protocol';
import type {
  AppendResult,
  DeleteRoomResult,
  Holder,
  LineResult,
  MemberPosition,
  NewMessage,
  NewRoom,
  Page,
  PointsAppend,
  RoomPosition,
  Storage,
  StorageLimits,
} from '../storage.ts';
import type { SqlContext } from './context.ts';
import { dialectOf } from './dialect.ts';
import * as drawing from './drawing.ts';
import { Batcher } from './messageBatcher.ts';
import * as messages from './messages.ts';
import * as nodes from './nodes.ts';
import { migrate } from './migrations.ts';
import { openPostgres } from './postgres.ts';
import type { PostgresOptions } from './postgres.ts';
import * as rooms from './rooms.ts';
import type { Db } from './schema.ts';
import { openSqlite } from './sqlite.ts';
import * as users from './users.ts';

export type SqlStorageOptions =
  | {
      kind: 'sqlite';
      /** A file (its directory is created if missing) or `:memory:`. */
      path: string;
      limits: StorageLimits;
      /** Most messages committed in one transaction (default 2,000). */
      maxBatch?: number;
    }
  | ({ kind: 'postgres'; limits: StorageLimits; maxBatch?: number } & PostgresOptions);

/**
 * Stores in SQLite (one server process) or PostgreSQL (any number of nodes), with the
 * same queries. Open with `SqlStorage.open`, which also brings the schema up to date.
 *
 * `addMessage` is group-committed: the calls of one event-loop turn, and those made
 * while the previous batch commits, share one transaction; each resolves after it.
 */
export class SqlStorage implements Storage {
  private readonly ctx: SqlContext;
  private readonly batcher: Batcher<NewMessage, Message | undefined>;
  private closing: Promise<void> | undefined;
  private readonly drawings = new drawing.DrawingJsonCache();

  private constructor(
    readonly kind: 'sqlite' | 'postgres',
    db: Db,
    limits: StorageLimits,
    maxBatch: number,
    /** Stops what runs beside the database (SQLite's checkpointer) before it is closed. */
    private readonly stopBeside: () => Promise<void> = async () => {},
  ) {
    this.ctx = { db, dialect: dialectOf(kind), limits };
    this.batcher = new Batcher((batch) => messages.commitMessages(this.ctx, batch), maxBatch);
  }

  static async open(options: SqlStorageOptions): Promise<SqlStorage> {
    const maxBatch = options.maxBatch ?? 2000;
    if (options.kind === 'sqlite') {
      const { db, stop } = openSqlite(options.path);
      return SqlStorage.migrated(new SqlStorage('sqlite', db, options.limits, maxBatch, stop));
    }
    const { db, schema } = await openPostgres(options);
    return SqlStorage.migrated(new SqlStorage('postgres', db, options.limits, maxBatch), schema);
  }

  private static async migrated(storage: SqlStorage, schema?: string): Promise<SqlStorage> {
    try {
      await migrate(storage.ctx.db, storage.ctx.dialect, schema);
      return storage;
    } catch (err) {
      await storage.stopBeside();
      await storage.ctx.db.destroy();
      throw err;
    }
  }

  createUser(user: User, tokenHash: string, now: string): Promise<void> {
    return users.createUser(this.ctx, user, tokenHash, now);
  }
  getUser(uuid: string): Promise<User | undefined> {
    return users.getUser(this.ctx, uuid);
  }
  resumeUser(tokenHash: string, usedSince: string, now: string): Promise<User | undefined> {
    return users.resumeUser(this.ctx, tokenHash, usedSince, now);
  }
  touchUser(uuid: string, now: string): Promise<void> {
    return users.touchUser(this.ctx, uuid, now);
  }
  renameUser(uuid: string, name: string): Promise<User | undefined> {
    return users.renameUser(this.ctx, uuid, name);
  }
  purgeUsers(usedBefore: string): Promise<number> {
    return users.purgeUsers(this.ctx, usedBefore);
  }

  setPresence(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'> {
    return users.setPresence(this.ctx, userUuid, roomUuid, holder, now);
  }
  takeOver(userUuid: string, holder: Holder): Promise<User | undefined> {
    return users.takeOver(this.ctx, userUuid, holder);
  }
  releasePresence(userUuid: string, holder: Holder): Promise<string | null> {
    return users.releasePresence(this.ctx, userUuid, holder);
  }
  releaseNode(node: string): Promise<string[]> {
    return users.releaseNode(this.ctx, node);
  }

  renewLease(node: string, now: string, until: string): Promise<boolean> {
    return nodes.renewLease(this.ctx, node, now, until);
  }
  expiredNodes(now: string): Promise<string[]> {
    return nodes.expiredNodes(this.ctx, now);
  }
  reapNode(node: string, now: string): Promise<string[]> {
    return nodes.reapNode(this.ctx, node, now);
  }

  createRoom(room: NewRoom): Promise<Room> {
    return rooms.createRoom(this.ctx, room);
  }
  getRoom(uuid: string): Promise<Room | undefined> {
    return rooms.getRoom(this.ctx, uuid);
  }
  updateRoom(uuid: string, change: { name?: string; color?: string }): Promise<Room | undefined> {
    return rooms.updateRoom(this.ctx, uuid, change);
  }
  deleteRoom(uuid: string): Promise<DeleteRoomResult> {
    return rooms.deleteRoom(this.ctx, uuid);
  }
  listRooms(opts: {
    query?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>> {
    return rooms.listRooms(this.ctx, opts);
  }
  listRoomUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>> {
    return rooms.listRoomUsers(this.ctx, roomUuid, opts);
  }

  addMessage(message: NewMessage): Promise<Message | undefined> {
    if (this.closing) return Promise.reject(new Error('The storage is closed.'));
    return this.batcher.add(message);
  }
  listMessages(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    return messages.listMessages(this.ctx, roomUuid, opts);
  }

  getDrawing(roomUuid: string): Promise<Drawing | undefined> {
    return drawing.getDrawing(this.ctx, roomUuid);
  }
  getDrawingJson(roomUuid: string): Promise<string | undefined> {
    return this.drawings.get(this.ctx, roomUuid);
  }
  putLine(roomUuid: string, line: Line): Promise<LineResult> {
    return drawing.putLine(this.ctx, roomUuid, line);
  }
  appendPoints(roomUuid: string, append: PointsAppend): Promise<AppendResult> {
    return drawing.appendPoints(this.ctx, roomUuid, append);
  }
  deleteLine(roomUuid: string, lineUuid: string): Promise<boolean> {
    return drawing.deleteLine(this.ctx, roomUuid, lineUuid);
  }
  resetDrawing(roomUuid: string): Promise<Drawing | undefined> {
    return drawing.resetDrawing(this.ctx, roomUuid);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.ctx.db);
  }

  /** Commits the messages still waiting, then closes the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.batcher.flush();
      await this.stopBeside();
      await this.ctx.db.destroy();
    })();
    return this.closing;
  }
}
