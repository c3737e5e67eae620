import { inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';
import { releaseHeld } from './users.ts';

export async function renewLease(
  ctx: SqlContext,
  node: string,
  now: string,
  until: string,
): Promise<boolean> {
  return inTransaction(ctx, async ({ db, dialect }) => {
    // The row lock orders this after a reapNode of the same node: a reaped node learns it here.
    const row = await dialect
      .lock(db.selectFrom('nodes').select('lease_until').where('node', '=', node), 'update')
      .executeTakeFirst();
    await db
      .insertInto('nodes')
      .values({ node, lease_until: until })
      .onConflict((oc) => oc.column('node').doUpdateSet({ lease_until: until }))
      .execute();
    return row !== undefined && row.lease_until >= now;
  });
}

export async function expiredNodes(ctx: SqlContext, now: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('nodes')
    .select('node')
    .where('lease_until', '<', now)
    .orderBy('node')
    .execute();
  return rows.map((r) => r.node);
}

export async function reapNode(ctx: SqlContext, node: string, now: string): Promise<string[]> {
  return inTransaction(ctx, async (tx) => {
    // Locked and checked again: a renewal that committed meanwhile makes this a no-op.
    const expired = await tx.dialect
      .lock(
        tx.db
          .selectFrom('nodes')
          .select('node')
          .where('node', '=', node)
          .where('lease_until', '<', now),
        'update',
      )
      .executeTakeFirst();
    if (!expired) return [];
    const rooms = await releaseHeld(tx, node);
    await tx.db.deleteFrom('nodes').where('node', '=', node).execute();
    return rooms;
  });
}
