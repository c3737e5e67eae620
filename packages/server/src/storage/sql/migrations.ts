import { Migrator, sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { lineChars } from '../rules.ts';
import type { Dialect } from './dialect.ts';
import type { Db } from './schema.ts';

/**
 * The schema, as an ordered list of migrations. Applied ones are recorded in the table
 * `kysely_migration`; never edit a released migration, add the next one instead.
 * Each is written to be safe to run again (IF NOT EXISTS), because SQLite runs
 * migrations outside a transaction.
 */
function migrations(d: Dialect): Record<string, Migration> {
  return {
    '0001_initial': { up: (db) => initial(db, d) },
    '0002_nodes': { up: (db) => nodes(db, d) },
    '0003_room_search': { up: (db) => roomSearch(db, d) },
    '0004_drawing_chars': { up: (db) => drawingChars(db, d) },
    '0005_line_sizes': { up: (db) => lineSizes(db, d) },
    '0006_message_calls': { up: (db) => messageCalls(db, d) },
    '0007_conversation': { up: (db) => conversation(db, d) },
    '0008_owners': { up: (db) => owners(db, d) },
    '0009_line_width': { up: (db) => lineWidth(db, d) },
  };
}

/** A line's width (JSON number text; lines stored before have none: the original's width). */
async function lineWidth(db: Kysely<unknown>, d: Dialect): Promise<void> {
  if (!(await columnsOf(db, d, 'lines')).includes('width')) {
    await sql`alter table lines add column width ${d.text}`.execute(db);
  }
}

/**
 * Rooms with owners: every room stored before stays public and unlocked, with no owner.
 * Kicks bar users and hashed addresses (`bans`); `secrets` holds the key of those hashes.
 */
async function owners(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const columns = await columnsOf(db, d, 'rooms');
  if (!columns.includes('owner')) {
    await sql`alter table rooms add column owner ${d.text}`.execute(db);
  }
  if (!columns.includes('locked')) {
    await sql`alter table rooms add column locked integer not null default 0`.execute(db);
  }
  if (!columns.includes('visibility')) {
    await sql`alter table rooms add column visibility ${d.text} not null default 'public'`.execute(
      db,
    );
  }
  await db.schema
    .createTable('bans')
    .ifNotExists()
    .addColumn('room_uuid', d.text, (c) => c.notNull().references('rooms.uuid').onDelete('cascade'))
    .addColumn('subject', d.text, (c) => c.notNull())
    .addColumn('until', d.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('bans_key', ['room_uuid', 'subject'])
    .execute();
  await db.schema
    .createTable('secrets')
    .ifNotExists()
    .addColumn('name', d.text, (c) => c.primaryKey())
    .addColumn('value', d.text, (c) => c.notNull())
    .execute();
}

/**
 * Edits, deletions, replies, reactions and search. Every message and room gets a change
 * number (`rev`): a message's is the room's counter when it was created or last changed, so
 * a client catches up with the messages whose rev is above the newest it saw. Messages stored
 * before take their seq as rev, rooms their sum (the same numbers they would have had).
 */
async function conversation(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const columns = await columnsOf(db, d, 'messages');
  // reply_to and reactions are JSON text; no reactions is null
  for (const name of ['edited', 'deleted', 'reply_to', 'reactions']) {
    if (!columns.includes(name)) {
      await sql`alter table messages add column ${sql.ref(name)} ${d.text}`.execute(db);
    }
  }
  if (!columns.includes('rev')) {
    await sql`alter table messages add column rev integer not null default 0`.execute(db);
  }
  if (!(await columnsOf(db, d, 'rooms')).includes('rev')) {
    await sql`alter table rooms add column rev integer not null default 0`.execute(db);
  }
  // safe to run again: afterwards a message's rev is never 0, nor a room's below its sum
  await sql`update messages set rev = seq where rev = 0`.execute(db);
  await sql`update rooms set rev = sum where rev < sum`.execute(db);
  await sql`create index if not exists messages_room_rev on messages (room_uuid, rev)`.execute(db);
  await sql`create index if not exists messages_room_uuid on messages (room_uuid, uuid)`.execute(
    db,
  );

  // every reaction, one row each: the message row keeps what is shown (counts, first users)
  await db.schema
    .createTable('reactions')
    .ifNotExists()
    .addColumn('position', d.serial, (c) => d.serialKey(c))
    .addColumn('room_uuid', d.text, (c) => c.notNull().references('rooms.uuid').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('emoji', d.text, (c) => c.notNull())
    .addColumn('user_uuid', d.text, (c) => c.notNull())
    .execute();
  await sql`create unique index if not exists reactions_key
    on reactions (room_uuid, seq, emoji, user_uuid)`.execute(db);
  await sql`create index if not exists reactions_message
    on reactions (room_uuid, seq, position)`.execute(db);

  if (d.kind === 'postgres') {
    await sql`create index if not exists messages_body_search
      on messages using gin (to_tsvector('simple', body))`.execute(db);
    return;
  }
  // words as searchWords sees them (letters, digits and marks, lowercased, accents kept),
  // led by a token of the room: a search asks for the room's token and the words at once.
  // Contentless (it keeps only the index): the triggers give it what to index and unindex.
  await sql`create virtual table if not exists messages_search using fts5(
    words, content='', tokenize='unicode61 remove_diacritics 0')`.execute(db);
  const words = (row: 'new' | 'old') =>
    sql.raw(`'r' || replace(${row}.room_uuid, '-', '') || ' ' || ${row}.body`);
  await sql`create trigger if not exists messages_search_insert after insert on messages begin
    insert into messages_search(rowid, words) values (new.rowid, ${words('new')});
  end`.execute(db);
  await sql`create trigger if not exists messages_search_delete after delete on messages begin
    insert into messages_search(messages_search, rowid, words)
      values ('delete', old.rowid, ${words('old')});
  end`.execute(db);
  await sql`create trigger if not exists messages_search_update after update of body on messages
  begin
    insert into messages_search(messages_search, rowid, words)
      values ('delete', old.rowid, ${words('old')});
    insert into messages_search(rowid, words) values (new.rowid, ${words('new')});
  end`.execute(db);
  // the messages stored before: indexed once (a contentless index cannot 'rebuild')
  await sql`delete from messages_search`.execute(db);
  await sql`insert into messages_search(rowid, words)
    select rowid, 'r' || replace(room_uuid, '-', '') || ' ' || body from messages`.execute(db);
}

/** A message's call id: a message sent again (its answer lost with a connection) is stored once. */
async function messageCalls(db: Kysely<unknown>, d: Dialect): Promise<void> {
  if (!(await columnsOf(db, d, 'messages')).includes('call_id')) {
    await sql`alter table messages add column call_id ${d.text}`.execute(db);
  }
  await sql`create index if not exists messages_room_call on messages (room_uuid, call_id)
    where call_id is not null`.execute(db);
}

/** The columns of this schema's `table` (introspection would list every schema's on PostgreSQL). */
async function columnsOf(db: Kysely<unknown>, d: Dialect, table: string): Promise<string[]> {
  const rows =
    d.kind === 'postgres'
      ? await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(db)
      : await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * A drawing's limit counts whole lines, not only their points, a line's uuid must be a
 * UUID, and a drawing has a version: lines stored before with other uuids (up to 100,000 characters each, which could make
 * a room's drawing too big to send) are removed, and every drawing's size counted again.
 */
async function lineSizes(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const hex = '[0-9a-fA-F]';
  const parts = [8, 4, 4, 4, 12].map((n) => hex.repeat(n));
  const notUuid =
    d.kind === 'postgres'
      ? sql`uuid !~ ${`^${parts.join('-')}$`}`
      : sql`not (uuid glob ${parts.join('-')})`;
  await sql`delete from lines where ${notUuid}`.execute(db);
  const columns = await columnsOf(db, d, 'drawings');
  if (!columns.includes('chars')) {
    await sql`alter table drawings rename column points_chars to chars`.execute(db);
  }
  // raised by every change, so that a node can keep a drawing's JSON while it stays the same
  if (!columns.includes('version')) {
    await sql`alter table drawings add column version integer not null default 0`.execute(db);
  }
  // the JSON of a line is its fields' lengths plus its keys and punctuation (lineChars)
  const fixed = lineChars({ uuid: '', name: '', tool: '', color: '', user_uuid: '' }, 0);
  await sql`update drawings set
    line_count = (select count(*) from lines where lines.room_uuid = drawings.room_uuid),
    chars = (select coalesce(sum(length(points) + length(uuid) + length(name) + length(tool)
      + length(color) + length(user_uuid) + ${fixed}), 0)
      from lines where lines.room_uuid = drawings.room_uuid)`.execute(db);
}

/** Each drawing's size (its lines' points as JSON), kept with its line count, for its limit. */
async function drawingChars(db: Kysely<unknown>, d: Dialect): Promise<void> {
  // only this schema's table counts (introspection would list every schema's on PostgreSQL)
  if (d.kind === 'postgres') {
    await sql`alter table drawings add column if not exists
      points_chars integer not null default 0`.execute(db);
  } else {
    const columns = await sql<{
      name: string;
    }>`select name from pragma_table_info('drawings')`.execute(db);
    if (!columns.rows.some((c) => c.name === 'points_chars')) {
      await sql`alter table drawings add column points_chars integer not null default 0`.execute(
        db,
      );
    }
  }
  await sql`update drawings set points_chars = (select coalesce(sum(length(points)), 0)
    from lines where lines.room_uuid = drawings.room_uuid)`.execute(db);
}

/**
 * SQLite: a trigram index of room names, so that a search for a rare name reads the few
 * rooms that contain it instead of every room (on SQLite a query runs on the event loop).
 * It indexes rooms by rowid and is kept up to date by triggers. PostgreSQL scans: its
 * queries do not hold up the server, and pg_trgm may not be installable.
 */
async function roomSearch(db: Kysely<unknown>, d: Dialect): Promise<void> {
  if (d.kind !== 'sqlite') return;
  await sql`create virtual table if not exists rooms_search using fts5(
    name_lower, content='rooms', content_rowid='rowid', tokenize='trigram')`.execute(db);
  await sql`create trigger if not exists rooms_search_insert after insert on rooms begin
    insert into rooms_search(rowid, name_lower) values (new.rowid, new.name_lower);
  end`.execute(db);
  await sql`create trigger if not exists rooms_search_delete after delete on rooms begin
    insert into rooms_search(rooms_search, rowid, name_lower)
      values ('delete', old.rowid, old.name_lower);
  end`.execute(db);
  await sql`create trigger if not exists rooms_search_update after update of name_lower on rooms
  begin
    insert into rooms_search(rooms_search, rowid, name_lower)
      values ('delete', old.rowid, old.name_lower);
    insert into rooms_search(rowid, name_lower) values (new.rowid, new.name_lower);
  end`.execute(db);
  // the rooms that existed before this migration
  await sql`insert into rooms_search(rooms_search) values ('rebuild')`.execute(db);
}

/** Node leases: a node that stops renewing has its users taken out of their rooms. */
async function nodes(db: Kysely<unknown>, d: Dialect): Promise<void> {
  await db.schema
    .createTable('nodes')
    .ifNotExists()
    .addColumn('node', d.text, (c) => c.primaryKey())
    .addColumn('lease_until', d.text, (c) => c.notNull())
    .execute();
}

async function initial(db: Kysely<unknown>, d: Dialect): Promise<void> {
  const text = d.text;
  await db.schema
    .createTable('rooms')
    .ifNotExists()
    .addColumn('uuid', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_lower', text, (c) => c.notNull())
    .addColumn('color', text, (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .addColumn('sum', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // listRooms: newest first, keyset by (created, uuid).
  await db.schema
    .createIndex('rooms_created_uuid')
    .ifNotExists()
    .on('rooms')
    .columns(['created', 'uuid'])
    .execute();

  await db.schema
    .createTable('drawings')
    .ifNotExists()
    .addColumn('room_uuid', text, (c) =>
      c.primaryKey().references('rooms.uuid').onDelete('cascade'),
    )
    .addColumn('uuid', text, (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('uuid', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('token_hash', text, (c) => c.notNull())
    .addColumn('last_used', text, (c) => c.notNull())
    // No cascade: a room with users in it is never deleted.
    .addColumn('room_uuid', text, (c) => c.references('rooms.uuid'))
    .addColumn('entered', text)
    .addColumn('holder_node', text)
    .addColumn('holder_session', text)
    .execute();
  await db.schema
    .createIndex('users_token_hash')
    .ifNotExists()
    .unique()
    .on('users')
    .column('token_hash')
    .execute();
  // Members of a room in order of entry; also counts them.
  await db.schema
    .createIndex('users_room_entered_uuid')
    .ifNotExists()
    .on('users')
    .columns(['room_uuid', 'entered', 'uuid'])
    .execute();
  await db.schema
    .createIndex('users_holder_node')
    .ifNotExists()
    .on('users')
    .column('holder_node')
    .execute();
  // purgeUsers.
  await db.schema
    .createIndex('users_last_used')
    .ifNotExists()
    .on('users')
    .column('last_used')
    .execute();

  await db.schema
    .createTable('messages')
    .ifNotExists()
    .addColumn('room_uuid', text, (c) => c.notNull().references('rooms.uuid').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('uuid', text, (c) => c.notNull())
    .addColumn('body', text, (c) => c.notNull())
    .addColumn('user_uuid', text, (c) => c.notNull())
    .addColumn('user_name', text, (c) => c.notNull())
    .addColumn('created', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pkey', ['room_uuid', 'seq'])
    .execute();

  await db.schema
    .createTable('lines')
    .ifNotExists()
    .addColumn('position', d.serial, (c) => d.serialKey(c))
    .addColumn('room_uuid', text, (c) => c.notNull().references('rooms.uuid').onDelete('cascade'))
    .addColumn('uuid', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('points', text, (c) => c.notNull())
    .addColumn('point_count', 'integer', (c) => c.notNull())
    .addColumn('tool', text, (c) => c.notNull())
    .addColumn('color', text, (c) => c.notNull())
    .addColumn('user_uuid', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('lines_room_uuid')
    .ifNotExists()
    .unique()
    .on('lines')
    .columns(['room_uuid', 'uuid'])
    .execute();
  // getDrawing: a room's lines in drawing order.
  await db.schema
    .createIndex('lines_room_position')
    .ifNotExists()
    .on('lines')
    .columns(['room_uuid', 'position'])
    .execute();
}

/**
 * Brings the schema up to date. `schema` names where the migration records live
 * (PostgreSQL); Kysely's Migrator would otherwise find them in any schema of the database.
 */
/** The key of the transaction-level advisory lock that PostgreSQL migrations take. */
const MIGRATION_LOCK = 7_305_114;

/**
 * Each migration, on PostgreSQL, first takes a transaction-level advisory lock: a run's
 * migrations share one transaction, so the lock is held from the first until the commit, and
 * holds on one server connection even behind PgBouncer (postgres.ts, TransactionLockAdapter).
 * A node that migrates at the same moment waits, then finds the work done and its own record
 * of it a duplicate: it fails, and reads the state again (migrate).
 */
function locked(all: Record<string, Migration>, d: Dialect): Record<string, Migration> {
  if (d.kind !== 'postgres') return all;
  return Object.fromEntries(
    Object.entries(all).map(([name, m]) => [
      name,
      {
        up: async (db: Kysely<unknown>) => {
          await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(db);
          await m.up(db);
        },
      },
    ]),
  );
}

/** Tries of a migration run that another node's run made fail (see locked). */
const MIGRATION_TRIES = 3;

export async function migrate(db: Db, d: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => locked(migrations(d), d) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (d.kind === 'postgres' && attempt < MIGRATION_TRIES) continue;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new Error(`Storage migration ${failed ?? ''} failed: ${reason}`, { cause: error });
  }
}
