import {
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DialectAdapter,
  type PostgresPool,
  type DatabaseMetadata,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { StorageBusy } from '../storage.ts';

export interface PostgresOptions {
  url: string;
  /** Schema to keep the tables in (created if missing); default: the connection's current schema. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long a query waits for a connection (a free one, or a new one made), ms (default 5,000). */
  poolWaitMs?: number;
  /** Errors of pooled connections (a lost connection; a query on it fails on its own); default: ignored. */
  onError?: (err: Error) => void;
}

/** Lowercase letters, digits and `_`: needs no quoting in search_path. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on the database; returns it with the schema that holds the tables. */
export async function openPostgres(
  opts: PostgresOptions,
): Promise<{ db: Kysely<Database>; schema: string }> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema)) {
    throw new Error(
      `PostgreSQL schema "${opts.schema}" must be lowercase letters, digits and _ (at most 63).`,
    );
  }
  const max = opts.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: opts.url,
    max,
    // while the database is unreachable, calls fail in seconds instead of waiting for ever
    connectionTimeoutMillis: opts.poolWaitMs ?? 5000,
    keepAlive: true,
    ...(opts.schema === undefined ? {} : { options: `-c search_path=${opts.schema}` }),
  });
  // Without a listener a connection's error would crash the process: the pool listens only
  // while a connection is idle, and a connection lost during a query also emits 'error'
  // (the query itself fails, and the pool drops the connection when it comes back).
  pool.on('connect', (client) => client.on('error', (err) => opts.onError?.(err)));
  // the same error of an idle connection, again from the pool: heard above already
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new OwnSchemaDialect({ pool: busyAware(pool, max) }),
  });
  try {
    if (opts.schema === undefined) {
      const r = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      return { db, schema: r.rows[0]?.schema ?? 'public' };
    }
    await createSchema(db, opts.schema);
    return { db, schema: opts.schema };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/**
 * The pool as Kysely takes it, telling a wait for a free connection that timed out while all
 * of them stayed in use (StorageBusy) from a connection that could not be made. (A database
 * gone away drops the pool's connections, so the pool is no longer full when that fails.)
 */
function busyAware(pool: pg.Pool, max: number): PostgresPool {
  return {
    connect: async () => {
      const full = pool.totalCount >= max && pool.idleCount === 0;
      try {
        return await pool.connect();
      } catch (err) {
        if (full && pool.totalCount >= max) throw new StorageBusy({ cause: err });
        throw err;
      }
    },
    end: () => pool.end(),
  };
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (err) {
    // Two processes creating it at once: one of them loses on the catalog's unique index.
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

/**
 * Kysely's Migrator looks for its tables by listing the tables of every schema of the
 * database, with a privilege check that fails on a schema another client drops meanwhile (a
 * shared database, tests): this dialect lists the tables of the connection's schema alone.
 */
class OwnSchemaDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionLockAdapter();
  }
}

/**
 * Kysely takes a session-level advisory lock around migrations; behind PgBouncer in
 * transaction pooling mode the lock and the migrations may run on different server
 * connections (and the unlock on a third, leaving the lock held). The migrations take a
 * transaction-level lock instead (migrations.ts, MIGRATION_LOCK).
 */
class TransactionLockAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`
      select nspname as name from pg_catalog.pg_namespace`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(this.db);
    return rows.map((r) => ({
      name: r.name,
      schema: r.schema,
      isView: r.kind === 'v',
      columns: [],
    }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
