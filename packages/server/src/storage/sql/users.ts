import type { User } from '@chat/protocol';
import type { Holder } from '../storage.ts';
import { chunks, inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';

/** The columns that make a User. */
export const USER_COLUMNS = ['uuid', 'name', 'room_uuid'] as const;

/** Presence columns of a user in no room. */
const NOWHERE = { room_uuid: null, entered: null, holder_node: null, holder_session: null };

export async function createUser(
  ctx: SqlContext,
  user: User,
  tokenHash: string,
  now: string,
): Promise<void> {
  await ctx.db
    .insertInto('users')
    .values({ uuid: user.uuid, name: user.name, token_hash: tokenHash, last_used: now, ...NOWHERE })
    .execute();
}

export async function getUser(ctx: SqlContext, uuid: string): Promise<User | undefined> {
  return ctx.db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('uuid', '=', uuid)
    .executeTakeFirst();
}

export async function resumeUser(
  ctx: SqlContext,
  tokenHash: string,
  usedSince: string,
  now: string,
): Promise<User | undefined> {
  return ctx.db
    .updateTable('users')
    .set({ last_used: now })
    .where('token_hash', '=', tokenHash)
    .where('last_used', '>=', usedSince)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export async function touchUser(ctx: SqlContext, uuid: string, now: string): Promise<void> {
  await ctx.db.updateTable('users').set({ last_used: now }).where('uuid', '=', uuid).execute();
}

export async function renameUser(
  ctx: SqlContext,
  uuid: string,
  name: string,
): Promise<User | undefined> {
  return ctx.db
    .updateTable('users')
    .set({ name })
    .where('uuid', '=', uuid)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export async function purgeUsers(ctx: SqlContext, usedBefore: string): Promise<number> {
  const r = await ctx.db
    .deleteFrom('users')
    .where('last_used', '<', usedBefore)
    .where('room_uuid', 'is', null)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function setPresence(
  ctx: SqlContext,
  userUuid: string,
  roomUuid: string | null,
  holder: Holder,
  now: string,
): Promise<{ previous: string | null } | 'no_room'> {
  return inTransaction(ctx, async ({ db, dialect }) => {
    if (roomUuid !== null) {
      // KEY SHARE: deleteRoom (FOR UPDATE) waits for us or we for it, so a room is never
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

export async function takeOver(
  ctx: SqlContext,
  userUuid: string,
  holder: Holder,
): Promise<User | undefined> {
  // A user in no room is held by nobody, and stays so.
  return ctx.db
    .updateTable('users')
    .set((eb) => ({
      holder_node: eb.case().when('room_uuid', 'is', null).then(null).else(holder.node).end(),
      holder_session: eb.case().when('room_uuid', 'is', null).then(null).else(holder.session).end(),
    }))
    .where('uuid', '=', userUuid)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export async function releasePresence(
  ctx: SqlContext,
  userUuid: string,
  holder: Holder,
): Promise<string | null> {
  return inTransaction(ctx, async ({ db, dialect }) => {
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

export async function releaseNode(ctx: SqlContext, node: string): Promise<string[]> {
  return inTransaction(ctx, (tx) => releaseHeld(tx, node));
}

/** Takes every user `node` holds out of its room, in the caller's transaction. Returns the rooms changed. */
export async function releaseHeld({ db, dialect }: SqlContext, node: string): Promise<string[]> {
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
