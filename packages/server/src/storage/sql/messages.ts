import type { Message, Reaction } from '@chat/protocol';
import { defaultName, LIMITS } from '@chat/protocol';
import { sql } from 'kysely';
import { isResend, reactionsOf, searchWords } from '../rules.ts';
import type { MessageChange, MessageChangeResult, MessageStore, NewMessage } from '../storage.ts';
import { Batcher } from './messageBatcher.ts';
import { chunks, inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';
import type { MessagesTable } from './schema.ts';

/** Rows per INSERT: 13 parameters each stays far below both databases' parameter limits. */
const INSERT_ROWS = 500;
/** PostgreSQL's INTEGER; seq parameters are clamped into it. */
const MAX_SEQ = 2 ** 31 - 1;

function rowOf(m: NewMessage, seq: number, rev: number): MessagesTable {
  return {
    room_uuid: m.room_uuid,
    seq,
    uuid: m.uuid,
    body: m.body,
    user_uuid: m.user.uuid,
    user_name: m.user.name,
    created: m.created,
    call_id: m.call_id ?? null,
    edited: null,
    deleted: null,
    reply_to: m.reply_to ? JSON.stringify(m.reply_to) : null,
    reactions: null,
    rev,
  };
}

function messageOf(r: MessagesTable): Message {
  return {
    uuid: r.uuid,
    body: r.body,
    name: defaultName('message', r.uuid),
    user: { uuid: r.user_uuid, name: r.user_name, room_uuid: r.room_uuid },
    room_uuid: r.room_uuid,
    created: r.created,
    seq: r.seq,
    edited: r.edited,
    deleted: r.deleted,
    reply_to: r.reply_to === null ? null : (JSON.parse(r.reply_to) as Message['reply_to']),
    reactions: r.reactions === null ? [] : (JSON.parse(r.reactions) as Reaction[]),
    rev: r.rev,
  };
}

/**
 * Commits a batch of messages in one transaction, each with its room's next seq.
 * A room's counter is raised once for all its messages in the batch (the UPDATE holds
 * the room row until commit, so concurrent writers, in this process or another, queue
 * behind it and seqs stay gap-free). Rooms are locked in sorted order so that two
 * batches never deadlock. Undefined for a message whose room does not exist.
 */
async function commitMessages(
  ctx: SqlContext,
  batch: readonly NewMessage[],
): Promise<(Message | undefined)[]> {
  const byRoom = new Map<string, number[]>();
  batch.forEach((m, i) => {
    const list = byRoom.get(m.room_uuid);
    if (list) list.push(i);
    else byRoom.set(m.room_uuid, [i]);
  });
  const out: (Message | undefined)[] = batch.map(() => undefined);
  await inTransaction(ctx, async ({ db }) => {
    const rows: MessagesTable[] = [];
    for (const room of [...byRoom.keys()].sort()) {
      const indexes = byRoom.get(room)!;
      // messages sent again (the same call): answered with what was stored the first time
      const callIds = indexes.flatMap((i) => batch[i]!.call_id ?? []);
      const earlier: MessagesTable[] =
        callIds.length === 0
          ? []
          : await db
              .selectFrom('messages')
              .selectAll()
              .where('room_uuid', '=', room)
              .where('call_id', 'in', callIds)
              .execute();
      // each message is new, or the same call as one stored before or earlier in this batch
      const fresh: number[] = [];
      const sameAs = new Map<number, MessagesTable | number>();
      const firstOfCall = new Map<string, number>();
      for (const i of indexes) {
        const m = batch[i]!;
        if (m.call_id !== undefined) {
          const stored = earlier.find((r) => isResend(r, m));
          const j = firstOfCall.get(m.call_id);
          if (stored) {
            sameAs.set(i, stored);
            continue;
          }
          if (j !== undefined && isResend(rowOf(batch[j]!, 0, 0), m)) {
            sameAs.set(i, j);
            continue;
          }
          firstOfCall.set(m.call_id, i);
        }
        fresh.push(i);
      }
      const raised =
        fresh.length === 0
          ? await db
              .selectFrom('rooms')
              .select(['sum', 'rev'])
              .where('uuid', '=', room)
              .executeTakeFirst()
          : await db
              .updateTable('rooms')
              .set((eb) => ({
                sum: eb('sum', '+', fresh.length),
                rev: eb('rev', '+', fresh.length),
              }))
              .where('uuid', '=', room)
              .returning(['sum', 'rev'])
              .executeTakeFirst();
      if (!raised) continue;
      let seq = raised.sum - fresh.length;
      let rev = raised.rev - fresh.length;
      for (const i of fresh) {
        const row = rowOf(batch[i]!, ++seq, ++rev);
        rows.push(row);
        out[i] = messageOf(row);
      }
      for (const [i, first] of sameAs)
        out[i] = typeof first === 'number' ? out[first] : messageOf(first);
    }
    for (const part of chunks(rows, INSERT_ROWS)) {
      await db.insertInto('messages').values(part).execute();
    }
  });
  return out;
}

/**
 * Messages, group-committed: the adds of one event-loop turn, and those made while the
 * previous batch commits, share one transaction; each resolves after it. On PostgreSQL each
 * room has its own batches: a room's counter row is locked only by its own messages'
 * transaction, so a hot room written from many nodes queues on its own row without holding
 * other rooms' messages behind it. SQLite has one writer whatever the rooms: there one batch
 * takes every room (one commit for all).
 */
export class SqlMessages implements MessageStore {
  private readonly batchers = new Map<string, Batcher<NewMessage, Message | undefined>>();
  private closed = false;

  constructor(
    private readonly ctx: SqlContext,
    private readonly maxBatch: number,
  ) {}

  add(message: NewMessage): Promise<Message | undefined> {
    if (this.closed) return Promise.reject(new Error('The storage is closed.'));
    const key = this.ctx.dialect.kind === 'postgres' ? message.room_uuid : '';
    let batcher = this.batchers.get(key);
    if (!batcher) {
      batcher = new Batcher(
        (batch) => commitMessages(this.ctx, batch),
        this.maxBatch,
        () => this.batchers.delete(key),
      );
      this.batchers.set(key, batcher);
    }
    return batcher.add(message);
  }

  /** Commits the messages still waiting, and takes no more. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.batchers.values()].map((b) => b.flush()));
  }

  async list(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const clamp = (seq: number) => Math.max(-1, Math.min(MAX_SEQ, seq));
    const limit = Math.max(0, opts.limit);
    let q = this.ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('room_uuid', '=', roomUuid)
      .limit(limit + 1);
    if (opts.after !== undefined) {
      // The oldest `limit` newer than `after`.
      q = q.where('seq', '>', clamp(Math.floor(opts.after))).orderBy('seq', 'asc');
    } else {
      // The newest `limit`, older than `before` when given.
      if (opts.before !== undefined) q = q.where('seq', '<', clamp(Math.ceil(opts.before)));
      q = q.orderBy('seq', 'desc');
    }
    const rows = await q.execute();
    const list = rows.slice(0, limit).map(messageOf);
    if (opts.after === undefined) list.reverse();
    return { list, has_more: rows.length > limit };
  }

  async get(roomUuid: string, uuid: string): Promise<Message | undefined> {
    const row = await this.ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('room_uuid', '=', roomUuid)
      .where('uuid', '=', uuid)
      .executeTakeFirst();
    return row && messageOf(row);
  }

  async change(
    roomUuid: string,
    uuid: string,
    change: MessageChange,
  ): Promise<MessageChangeResult> {
    try {
      return await inTransaction(this.ctx, async ({ db }) => {
        // the room's row first, as a new message takes it: its changes commit in rev order
        const room = await db
          .updateTable('rooms')
          .set((eb) => ({ rev: eb('rev', '+', 1) }))
          .where('uuid', '=', roomUuid)
          .returning('rev')
          .executeTakeFirst();
        const row =
          room &&
          (await db
            .selectFrom('messages')
            .selectAll()
            .where('room_uuid', '=', roomUuid)
            .where('uuid', '=', uuid)
            .executeTakeFirst());
        // refused: rolled back, so that the rev taken above is not spent
        if (!room || !row || row.deleted !== null) throw new Refused('not_found');
        const at = { room_uuid: roomUuid, seq: row.seq };
        let set: Partial<MessagesTable>;
        if (change.kind === 'edit') set = { body: change.body, edited: change.at };
        else if (change.kind === 'delete') {
          await db
            .deleteFrom('reactions')
            .where('room_uuid', '=', roomUuid)
            .where('seq', '=', row.seq)
            .execute();
          set = { body: '', deleted: change.at, reply_to: null, reactions: null };
        } else {
          const reactions = await react(db, at, change.emoji, change.user);
          if (!reactions) throw new Refused('too_many_emoji');
          set = { reactions: reactions.length === 0 ? null : JSON.stringify(reactions) };
        }
        await db
          .updateTable('messages')
          .set({ ...set, rev: room.rev })
          .where('room_uuid', '=', roomUuid)
          .where('seq', '=', row.seq)
          .execute();
        return { ok: true, message: messageOf({ ...row, ...set, rev: room.rev }) } as const;
      });
    } catch (err) {
      if (err instanceof Refused) return { ok: false, error: err.error };
      throw err;
    }
  }

  async changes(
    roomUuid: string,
    opts: { after: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const limit = Math.max(0, opts.limit);
    const rows = await this.ctx.db
      .selectFrom('messages')
      .selectAll()
      .where('room_uuid', '=', roomUuid)
      .where('rev', '>', Math.max(-1, Math.min(MAX_SEQ, Math.floor(opts.after))))
      .orderBy('rev', 'asc')
      .limit(limit + 1)
      .execute();
    return { list: rows.slice(0, limit).map(messageOf), has_more: rows.length > limit };
  }

  async search(
    roomUuid: string,
    opts: { query: string; before?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const words = searchWords(opts.query);
    const limit = Math.max(0, opts.limit);
    if (words.length === 0 || limit === 0) return { list: [], has_more: false };
    const before =
      opts.before === undefined
        ? undefined
        : Math.max(0, Math.min(MAX_SEQ, Math.ceil(opts.before)));
    const rows = await this.ctx.dialect.searchMessages(this.ctx.db, {
      room: roomUuid,
      words,
      before,
      limit: limit + 1,
    });
    return { list: rows.slice(0, limit).map(messageOf), has_more: rows.length > limit };
  }
}

/** A change storage refuses: thrown to roll its transaction back. */
class Refused extends Error {
  constructor(readonly error: 'not_found' | 'too_many_emoji') {
    super(error);
  }
}

/**
 * Toggles a user's reaction; returns what the message shows of its reactions afterwards, or
 * undefined when it would be the message's 21st emoji.
 */
async function react(
  db: SqlContext['db'],
  at: { room_uuid: string; seq: number },
  emoji: string,
  user: string,
): Promise<Reaction[] | undefined> {
  const ofMessage = db
    .selectFrom('reactions')
    .where('room_uuid', '=', at.room_uuid)
    .where('seq', '=', at.seq);
  const removed = await db
    .deleteFrom('reactions')
    .where('room_uuid', '=', at.room_uuid)
    .where('seq', '=', at.seq)
    .where('emoji', '=', emoji)
    .where('user_uuid', '=', user)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) {
    const emojis = await ofMessage.select('emoji').distinct().execute();
    if (!emojis.some((e) => e.emoji === emoji) && emojis.length >= LIMITS.messageEmoji) {
      return undefined;
    }
    await db
      .insertInto('reactions')
      .values({ ...at, emoji, user_uuid: user })
      .execute();
  }
  // each emoji in order of first use, its count, and its first users
  const counts = await ofMessage
    .select(['emoji', sql<number>`count(*)`.as('n'), sql<string>`min(position)`.as('first')])
    .groupBy('emoji')
    .execute();
  const firstUsers = await sql<{ emoji: string; user_uuid: string }>`select emoji, user_uuid
    from (select emoji, user_uuid, position,
      row_number() over (partition by emoji order by position) as k
      from reactions where room_uuid = ${at.room_uuid} and seq = ${at.seq}) ranked
    where k <= ${LIMITS.reactionUsers} order by position`.execute(db);
  const users = new Map<string, string[]>();
  for (const r of firstUsers.rows) {
    const list = users.get(r.emoji);
    if (list) list.push(r.user_uuid);
    else users.set(r.emoji, [r.user_uuid]);
  }
  counts.sort((a, b) => Number(a.first) - Number(b.first));
  return reactionsOf(
    counts.map((c) => [c.emoji, { count: Number(c.n), users: users.get(c.emoji) ?? [] }]),
  );
}
