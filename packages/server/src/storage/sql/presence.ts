import type { User } from '@chat/protocol';
import type { Holder, PresenceStore } from '../storage.ts';
import { chunks, inTransaction, type SqlContext } from './context.ts';
import { NOWHERE, USER_COLUMNS } from './identity.ts';

/** Takes every user `node` holds out of its room, in the caller's transaction. Returns the rooms changed. */
async function releaseHeld({ db, dialect }: SqlContext, node: string): Promise<string[]> {
  const held = await dialect
    .lock(
      db
        .selectFrom('users')
        .select(['uuid', 'room_uuid'])
        .where('holder_node', '=', node)
        // One lock order for every caller.
        .orderBy('uuid'),
      'update',
    )
    .execute();
  // Exactly the rows read (and locked), so the rooms returned are the rooms changed.
  for (const part of chunks(
    held.map((u) => u.uuid),
    500,
  )) {
    await db.updateTable('users').set(NOWHERE).where('uuid', 'in', part).execute();
  }
  const rooms = new Set<string>();
  for (const u of held) if (u.room_uuid !== null) rooms.add(u.room_uuid);
  return [...rooms];
}

export class SqlPresence implements PresenceStore {
  constructor(private readonly ctx: SqlContext) {}

  set(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'> {
    return inTransaction(this.ctx, async ({ db, dialect }) => {
      if (roomUuid !== null) {
        // KEY SHARE: deleting a room (FOR UPDATE) waits for us or we for it, so a room is never
        // deleted with a user just put in it; message commits (NO KEY UPDATE) go on.
        const room = await dialect
          .lock(db.selectFrom('rooms').select('uuid').where('uuid', '=', roomUuid), 'key share')
          .executeTakeFirst();
        if (!room) return 'no_room';
      }
      const user = await dialect
        .lock(db.selectFrom('users').select('room_uuid').where('uuid', '=', userUuid), 'update')
        .executeTakeFirst();
      if (!user) return { previous: null };
      const previous = user.room_uuid;
      const place =
        roomUuid === null
          ? NOWHERE
          : previous === roomUuid
            ? { holder_node: holder.node, holder_session: holder.session } // keeps the entry time
            : {
                room_uuid: roomUuid,
                entered: now,
                holder_node: holder.node,
                holder_session: holder.session,
              };
      await db.updateTable('users').set(place).where('uuid', '=', userUuid).execute();
      return { previous };
    });
  }

  takeOver(userUuid: string, holder: Holder): Promise<User | undefined> {
    // A user in no room is held by nobody, and stays so.
    return this.ctx.db
      .updateTable('users')
      .set((eb) => ({
        holder_node: eb.case().when('room_uuid', 'is', null).then(null).else(holder.node).end(),
        holder_session: eb
          .case()
          .when('room_uuid', 'is', null)
          .then(null)
          .else(holder.session)
          .end(),
      }))
      .where('uuid', '=', userUuid)
      .returning(USER_COLUMNS)
      .executeTakeFirst();
  }

  async leave(userUuid: string, roomUuid: string): Promise<boolean> {
    const left = await this.ctx.db
      .updateTable('users')
      .set(NOWHERE)
      .where('uuid', '=', userUuid)
      .where('room_uuid', '=', roomUuid)
      .executeTakeFirst();
    return Number(left.numUpdatedRows) > 0;
  }

  release(userUuid: string, holder: Holder): Promise<string | null> {
    return inTransaction(this.ctx, async ({ db, dialect }) => {
      const user = await dialect
        .lock(
          db
            .selectFrom('users')
            .select('room_uuid')
            .where('uuid', '=', userUuid)
            .where('holder_node', '=', holder.node)
            .where('holder_session', '=', holder.session),
          'update',
        )
        .executeTakeFirst();
      if (!user || user.room_uuid === null) return null;
      await db.updateTable('users').set(NOWHERE).where('uuid', '=', userUuid).execute();
      return user.room_uuid;
    });
  }

  releaseNode(node: string): Promise<string[]> {
    return inTransaction(this.ctx, (tx) => releaseHeld(tx, node));
  }

  renewLease(node: string, now: string, until: string): Promise<boolean> {
    return inTransaction(this.ctx, async ({ db, dialect }) => {
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

  async expiredNodes(now: string): Promise<string[]> {
    const rows = await this.ctx.db
      .selectFrom('nodes')
      .select('node')
      .where('lease_until', '<', now)
      .orderBy('node')
      .execute();
    return rows.map((r) => r.node);
  }

  reapNode(node: string, now: string): Promise<string[]> {
    return inTransaction(this.ctx, async (tx) => {
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
}
