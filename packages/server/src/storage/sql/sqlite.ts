import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database } from './schema.ts';

/** Prepared statements kept per SQL text; Kysely would prepare each query anew. */
const STATEMENT_CACHE_SIZE = 256;

/** How often the checkpointer folds the write-ahead log into the database file. */
const CHECKPOINT_EVERY_MS = 1000;

/**
 * The checkpointer: a thread with a connection of its own that copies the write-ahead log
 * into the database file. SQLite would do it inside a commit, on the event loop, with an
 * fsync of the database file that was seen to stop the server for 20 ms under load.
 * A passive checkpoint waits for nobody, and writers go on meanwhile. (Plain JavaScript run
 * by the worker, so that it needs no TypeScript loader.)
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String(err));
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts the checkpointer; the function returned stops it. */
function startCheckpointer(path: string): () => Promise<void> {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      path,
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  worker.unref();
  const exited = once(worker, 'exit');
  return async () => {
    // held while it stops: a process with nothing else to do (a command) waits for it
    worker.ref();
    worker.postMessage('stop');
    await exited;
  };
}

/**
 * Opens (creating it and its directory if missing) an SQLite database file, or
 * `:memory:`, set up for one writing server process: WAL, so readers never block the
 * writer; synchronous=NORMAL, so a commit costs no fsync (a commit survives a crash of
 * the process, not of the machine); checkpoints in a thread of their own (see
 * CHECKPOINTER); a busy timeout; foreign keys on.
 */
export function openSqlite(path: string): {
  db: Kysely<Database>;
  /** Stops what runs beside the connection (before the database is closed). */
  stop: () => Promise<void>;
} {
  const file = path !== ':memory:';
  if (file) mkdirSync(dirname(resolve(path)), { recursive: true });
  const raw = new BetterSqlite3(path);
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 5000');
    raw.pragma('foreign_keys = ON');
    if (file) raw.pragma('wal_autocheckpoint = 0');
  } catch (err) {
    raw.close();
    throw err;
  }
  const stop = file ? startCheckpointer(path) : async () => {};
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: adapt(raw) }) }),
    stop,
  };
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
