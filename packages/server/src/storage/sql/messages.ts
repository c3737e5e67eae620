import type { Message } from '@chat/protocol';
import { defaultName } from '@chat/protocol';
import { isResend } from '../rules.ts';
import type { MessageStore, NewMessage } from '../storage.ts';
import { Batcher } from './messageBatcher.ts';
import { chunks, inTransaction } from './context.ts';
import type { SqlContext } from './context.ts';
import type { MessagesTable } from './schema.ts';

/** Rows per INSERT: 8 parameters each stays far below both databases' parameter limits. */
const INSERT_ROWS = 500;
/** PostgreSQL's INTEGER; seq parameters are clamped into it. */
const MAX_SEQ = 2 ** 31 - 1;

function rowOf(m: NewMessage, seq: number): MessagesTable {
  return {
    room_uuid: m.room_uuid,
    seq,
    uuid: m.uuid,
    body: m.body,
    user_uuid: m.user.uuid,
    user_name: m.user.name,
    created: m.created,
    call_id: m.call_id ?? null,
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
          if (j !== undefined && isResend(rowOf(batch[j]!, 0), m)) {
            sameAs.set(i, j);
            continue;
          }
          firstOfCall.set(m.call_id, i);
        }
        fresh.push(i);
      }
      const raised =
        fresh.length === 0
          ? await db.selectFrom('rooms').select('sum').where('uuid', '=', room).executeTakeFirst()
          : await db
              .updateTable('rooms')
              .set((eb) => ({ sum: eb('sum', '+', fresh.length) }))
              .where('uuid', '=', room)
              .returning('sum')
              .executeTakeFirst();
      if (!raised) continue;
      let seq = raised.sum - fresh.length;
      for (const i of fresh) {
        const row = rowOf(batch[i]!, ++seq);
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
 * previous batch commits, share one transaction; each resolves after it.
 */
export class SqlMessages implements MessageStore {
  private readonly batcher: Batcher<NewMessage, Message | undefined>;
  private closed = false;

  constructor(
    private readonly ctx: SqlContext,
    maxBatch: number,
  ) {
    this.batcher = new Batcher((batch) => commitMessages(ctx, batch), maxBatch);
  }

  add(message: NewMessage): Promise<Message | undefined> {
    if (this.closed) return Promise.reject(new Error('The storage is closed.'));
    return this.batcher.add(message);
  }

  /** Commits the messages still waiting, and takes no more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batcher.flush();
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
}
