import type { User } from '@chat/protocol';
import type { IdentityStore } from '../storage.ts';
import type { SqlContext } from './context.ts';

/** The columns that make a User. */
export const USER_COLUMNS = ['uuid', 'name', 'room_uuid'] as const;

/** Presence columns of a user in no room. */
export const NOWHERE = { room_uuid: null, entered: null, holder_node: null, holder_session: null };

export class SqlIdentity implements IdentityStore {
  constructor(private readonly ctx: SqlContext) {}

  async create(user: User, tokenHash: string, now: string): Promise<void> {
    await this.ctx.db
      .insertInto('users')
      .values({
        uuid: user.uuid,
        name: user.name,
        token_hash: tokenHash,
        last_used: now,
        ...NOWHERE,
      })
      .execute();
  }

  get(uuid: string): Promise<User | undefined> {
    return this.ctx.db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('uuid', '=', uuid)
      .executeTakeFirst();
  }

  resume(tokenHash: string, usedSince: string, now: string): Promise<User | undefined> {
    return this.ctx.db
      .updateTable('users')
      .set({ last_used: now })
      .where('token_hash', '=', tokenHash)
      .where('last_used', '>=', usedSince)
      .returning(USER_COLUMNS)
      .executeTakeFirst();
  }

  async touch(uuid: string, now: string): Promise<void> {
    await this.ctx.db
      .updateTable('users')
      .set({ last_used: now })
      .where('uuid', '=', uuid)
      .execute();
  }

  rename(uuid: string, name: string): Promise<User | undefined> {
    return this.ctx.db
      .updateTable('users')
      .set({ name })
      .where('uuid', '=', uuid)
      .returning(USER_COLUMNS)
      .executeTakeFirst();
  }

  async purge(usedBefore: string): Promise<number> {
    const r = await this.ctx.db
      .deleteFrom('users')
      .where('last_used', '<', usedBefore)
      .where('room_uuid', 'is', null)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
