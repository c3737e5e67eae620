import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from './schema.ts';

/** Prepared statements kept per SQL text; Kysely would prepare each query anew. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens (creating it and its directory if missing) an SQLite database file, or
 * `:memory:`, set up for one writing server process: WAL, so readers never block the
 * writer; synchronous=NORMAL, so a commit costs no fsync (a commit survives a crash of
 * the process, not of the machine); a busy timeout; foreign keys on.
 */
export function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const raw = new BetterSqlite3(path);
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 5000');
    raw.pragma('foreign_keys = ON');
  } catch (err) {
    raw.close();
    throw err;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: adapt(raw) }) });
}

/** The database as Kysely's driver uses it, with a statement cache and immediate transactions. */
function adapt(raw: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(text: string): SqliteStatement {
      // Take the write lock when the transaction starts, not at its first write: a
      // transaction that reads, then writes, then never fails with SQLITE_BUSY because
      // another process wrote in between (busy_timeout cannot help that case).
      const query = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(query);
      if (statement) {
        cache.delete(query);
      } else {
        statement = raw.prepare(query);
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
      }
      cache.set(query, statement);
      return statement;
    },
    close(): void {
      cache.clear();
      try {
        // Fold the WAL back into the main file, so the database is one file at rest.
        raw.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        raw.close();
      }
    },
  };
}
