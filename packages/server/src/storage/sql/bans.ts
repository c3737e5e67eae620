import type { BanStore } from '../storage.ts';
import { inTransaction, type SqlContext } from './context.ts';
import type { Db } from './schema.ts';

export class SqlBans implements BanStore {
  constructor(private readonly ctx: SqlContext) {}

  async add(roomUuid: string, subjects: string[], until: string): Promise<void> {
    if (subjects.length === 0) return;
    await inTransaction(this.ctx, async ({ db, dialect }) => {
      // a room deleted meanwhile takes no bar (and deleting waits for this one)
      const room = await dialect
        .lock(db.selectFrom('rooms').select('uuid').where('uuid', '=', roomUuid), 'key share')
        .executeTakeFirst();
      if (room) await this.insert(db, roomUuid, subjects, until);
    });
  }

  private async insert(db: Db, roomUuid: string, subjects: string[], until: string) {
    await db
      .insertInto('bans')
      .values(subjects.map((subject) => ({ room_uuid: roomUuid, subject, until })))
      .onConflict((oc) =>
        oc
          .columns(['room_uuid', 'subject'])
          .doUpdateSet({ until })
          // a longer bar already there is kept
          .where('bans.until', '<', until),
      )
      .execute();
  }

  async until(roomUuid: string, subjects: string[], now: string): Promise<string | null> {
    if (subjects.length === 0) return null;
    const row = await this.ctx.db
      .selectFrom('bans')
      .select((eb) => eb.fn.max('until').as('until'))
      .where('room_uuid', '=', roomUuid)
      .where('subject', 'in', subjects)
      .where('until', '>', now)
      .executeTakeFirst();
    return row?.until ?? null;
  }
}
