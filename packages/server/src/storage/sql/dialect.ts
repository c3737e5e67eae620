import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, RawBuilder, SelectQueryBuilder, SqlBool } from 'kysely';
import type { Database } from './schema.ts';

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
  /**
   * Locks the selected rows until the transaction ends. On SQLite a no-op: its
   * transactions start with BEGIN IMMEDIATE and so already hold the only write lock.
   */
  lock<TB extends keyof Database, O>(
    query: SelectQueryBuilder<Database, TB, O>,
    mode: LockMode,
  ): SelectQueryBuilder<Database, TB, O>;
}

export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  text: sql`text`,
  serial: sql`integer`,
  // An INTEGER PRIMARY KEY is the rowid: a new row gets max(rowid) + 1.
  serialKey: (col) => col.primaryKey(),
  contains: (haystack, needle) => sql<SqlBool>`instr(${sql.ref(haystack)}, ${needle}) > 0`,
  lock: (query) => query,
};

export const postgresDialect: Dialect = {
  kind: 'postgres',
  text: sql`text collate "C"`,
  serial: sql`bigint`,
  serialKey: (col) => col.generatedAlwaysAsIdentity().primaryKey(),
  contains: (haystack, needle) => sql<SqlBool>`strpos(${sql.ref(haystack)}, ${needle}) > 0`,
  lock: (query, mode) => (mode === 'update' ? query.forUpdate() : query.forKeyShare()),
};

export function dialectOf(kind: SqlKind): Dialect {
  return kind === 'sqlite' ? sqliteDialect : postgresDialect;
}
