import type { StorageLimits } from '../storage.ts';
import type { Dialect } from './dialect.ts';
import type { Db } from './schema.ts';

/** What every query function needs: where to run (the database or a transaction), how, and the limits. */
export interface SqlContext {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly limits: StorageLimits;
}

/** Runs `fn` in one transaction, with a context bound to it. */
export function inTransaction<T>(ctx: SqlContext, fn: (tx: SqlContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
}

/** `items` in slices of at most `size` (statements have a bounded number of parameters). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
