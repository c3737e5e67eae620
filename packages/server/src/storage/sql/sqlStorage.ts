import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Storage, StorageLimits } from '../storage.ts';
import { SqlBans } from './bans.ts';
import type { SqlContext } from './context.ts';
import { dialectOf } from './dialect.ts';
import { SqlDrawings } from './drawings.ts';
import { SqlIdentity } from './identity.ts';
import { SqlMessages } from './messages.ts';
import { migrate } from './migrations.ts';
import { openPostgres, type PostgresOptions } from './postgres.ts';
import { SqlPresence } from './presence.ts';
import { SqlRooms } from './rooms.ts';
import type { Db } from './schema.ts';
import { openSqlite } from './sqlite.ts';

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
 * same queries, in parts. Open with `SqlStorage.open`, which also brings the schema up to
 * date.
 */
export class SqlStorage implements Storage {
  readonly identity: SqlIdentity;
  readonly presence: SqlPresence;
  readonly rooms: SqlRooms;
  readonly messages: SqlMessages;
  readonly drawings: SqlDrawings;
  readonly bans: SqlBans;
  private readonly ctx: SqlContext;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly kind: 'sqlite' | 'postgres',
    db: Db,
    limits: StorageLimits,
    maxBatch: number,
    /** Stops what runs beside the database (SQLite's checkpointer) before it is closed. */
    private readonly stopBeside: () => Promise<void> = async () => {},
  ) {
    this.ctx = { db, dialect: dialectOf(kind), limits };
    this.identity = new SqlIdentity(this.ctx);
    this.presence = new SqlPresence(this.ctx);
    this.rooms = new SqlRooms(this.ctx);
    this.messages = new SqlMessages(this.ctx, maxBatch);
    this.drawings = new SqlDrawings(this.ctx);
    this.bans = new SqlBans(this.ctx);
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

  async secret(name: string): Promise<string> {
    const { db } = this.ctx;
    // the first node to ask makes it; any other, at the same moment, keeps the one stored
    await db
      .insertInto('secrets')
      .values({ name, value: randomBytes(32).toString('hex') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.ctx.db);
  }

  /** Commits the messages still waiting, then closes the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.messages.close();
      await this.stopBeside();
      await this.ctx.db.destroy();
    })();
    return this.closing;
  }
}
