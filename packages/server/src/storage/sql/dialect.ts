import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Database, Db, MessagesTable } from './schema.ts';

export type SqlKind = 'sqlite' | 'postgres';

/** Row locks a transaction can take before it changes what it read. */
export type LockMode = 'update' | 'key share';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place; every other
 * query is the same text on both.
 */
export interface Dialect {
  readonly kind: SqlKind;
  /** Column type for text; on PostgreSQL with the "C" collation, so text orders by code point as on SQLite. */
  readonly text: RawBuilder<unknown>;
  /** Column type and modifiers of an increasing integer key. */
  readonly serial: RawBuilder<unknown>;
  serialKey(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** `haystack` contains `needle` as a literal, case-sensitive substring. */
  contains(haystack: string, needle: string): RawBuilder<SqlBool>;
  /** The index of room names for `needle`; undefined where there is none or it cannot help. */
  roomNameIndex(needle: string): RoomNameIndex | undefined;
  /** `expr` of each of a room's lines, joined with commas in drawing order. */
  joinLines(expr: RawBuilder<string>, roomUuid: string): RawBuilder<{ json: string | null }>;
  /**
   * Messages of `room` with seq below `before` (when given) whose body has, for each of
   * `words` (see searchWords), a word starting with it; newest first, at most `limit`.
   */
  searchMessages(
    db: Db,
    q: { room: string; words: readonly string[]; before?: number; limit: number },
  ): Promise<MessagesTable[]>;
  /**
   * Locks the selected rows until the transaction ends. On SQLite a no-op: its
   * transactions start with BEGIN IMMEDIATE and so already hold the only write lock.
   */
  lock<TB extends keyof Database, O>(
    query: SelectQueryBuilder<Database, TB, O>,
    mode: LockMode,
  ): SelectQueryBuilder<Database, TB, O>;
}

export interface RoomNameIndex {
  /** Rooms whose `name_lower` may contain the needle (a superset: check with `contains`). */
  candidates: RawBuilder<SqlBool>;
  /** How many rooms may contain it, counting no further than `cap`. */
  count(cap: number): RawBuilder<{ n: number }>;
}

/** FTS5 phrase syntax: a literal string as one phrase. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** The most trigrams a search asks the index for: enough to be selective, few enough to be cheap. */
const MAX_TRIGRAMS = 6;

/**
 * The index query for a needle: rows holding some of its distinct trigrams, all of them
 * (a superset of the rows that contain it; every candidate is checked after). Not the
 * needle as one phrase: matching a phrase of n trigrams costs n times the positions of
 * each row, and a long needle made of a few trigrams (`abab...`) then took seconds.
 */
function trigramQuery(needle: string): string {
  const chars = [...needle];
  const distinct = [...new Set(chars.slice(2).map((_, i) => chars.slice(i, i + 3).join('')))];
  const step = distinct.length / Math.min(MAX_TRIGRAMS, distinct.length);
  const picked = Array.from({ length: Math.min(MAX_TRIGRAMS, distinct.length) }, (_, i) =>
    phrase(distinct[Math.floor(i * step)]!),
  );
  return picked.join(' AND ');
}

export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  text: sql`text`,
  serial: sql`integer`,
  // An INTEGER PRIMARY KEY is the rowid: a new row gets max(rowid) + 1.
  serialKey: (col) => col.primaryKey(),
  contains: (haystack, needle) => sql<SqlBool>`instr(${sql.ref(haystack)}, ${needle}) > 0`,
  // a trigram index (migration 0003) needs three characters to look anything up
  roomNameIndex: (needle) =>
    [...needle].length < 3
      ? undefined
      : {
          candidates: sql<SqlBool>`rooms.rowid in
            (select rowid from rooms_search where rooms_search match ${trigramQuery(needle)})`,
          count: (cap) => sql<{ n: number }>`select count(*) as n from
            (select rowid from rooms_search where rooms_search match ${trigramQuery(needle)}
              limit ${cap})`,
        },
  // an ORDER BY inside group_concat sorts in a temporary b-tree (twice as slow as reading the
  // index in order); a subquery in order is not flattened into an aggregate, so keeps it
  joinLines: (expr, roomUuid) => sql<{ json: string | null }>`select group_concat(j, ',') as json
    from (select ${expr} as j from lines where room_uuid = ${roomUuid} order by position)`,
  // the FTS index (migration 0007) in rowid order, which is seq order within a room
  async searchMessages(db, { room, words, before, limit }) {
    let upTo: number | undefined;
    if (before !== undefined) {
      const last = await sql<{ rowid: number }>`select rowid from messages
        where room_uuid = ${room} and seq < ${before} order by seq desc limit 1`.execute(db);
      if (last.rows.length === 0) return [];
      upTo = last.rows[0]!.rowid;
    }
    // the room's token and every word, whole: terms, whose lookups cost little however common
    // (a prefix merges every matching term's whole list: 25 ms for one in every message)
    const match = [phrase(`r${room.replaceAll('-', '')}`), ...words.map(phrase)].join(' AND ');
    const found = await sql<{ rowid: number }>`select rowid from messages_search
      where messages_search match ${match} ${upTo === undefined ? sql`` : sql`and rowid <= ${upTo}`}
      order by rowid desc limit ${limit}`.execute(db);
    if (found.rows.length === 0) return [];
    // by rowid alone: with the room in the WHERE, SQLite would walk the room's whole history
    // in seq order to find these few rows
    const rows = await db
      .selectFrom('messages')
      .selectAll()
      .where(
        sql<number>`rowid`,
        'in',
        found.rows.map((r) => r.rowid),
      )
      .execute();
    // the room's token is in the index; a body that spells another room's token is not it
    return rows.filter((r) => r.room_uuid === room).sort((a, b) => b.seq - a.seq);
  },
  lock: (query) => query,
};

export const postgresDialect: Dialect = {
  kind: 'postgres',
  text: sql`text collate "C"`,
  serial: sql`bigint`,
  serialKey: (col) => col.generatedAlwaysAsIdentity().primaryKey(),
  contains: (haystack, needle) => sql<SqlBool>`strpos(${sql.ref(haystack)}, ${needle}) > 0`,
  roomNameIndex: () => undefined,
  joinLines: (expr, roomUuid) => sql<{ json: string | null }>`select
    string_agg(${expr}, ',' order by position) as json from lines where room_uuid = ${roomUuid}`,
  // the GIN index of to_tsvector('simple', body) (migration 0007)
  searchMessages: (db, { room, words, before, limit }) => {
    let q = db
      .selectFrom('messages')
      .selectAll()
      .where('room_uuid', '=', room)
      .where(
        sql<boolean>`to_tsvector('simple', body) @@ to_tsquery('simple', ${words.join(' & ')})`,
      );
    if (before !== undefined) q = q.where('seq', '<', before);
    return q.orderBy('seq', 'desc').limit(limit).execute();
  },
  lock: (query, mode) => (mode === 'update' ? query.forUpdate() : query.forKeyShare()),
};

export function dialectOf(kind: SqlKind): Dialect {
  return kind === 'sqlite' ? sqliteDialect : postgresDialect;
}
