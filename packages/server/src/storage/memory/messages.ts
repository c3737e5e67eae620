import { defaultName, type Message } from '@chat/protocol';
import { bodyMatches, isResend, reactionsOf, searchWords, toggleReaction } from '../rules.ts';
import type { MessageChange, MessageChangeResult, MessageStore, NewMessage } from '../storage.ts';
import type { MemoryState, RoomRecord } from './state.ts';

/** Messages are replaced, never changed in place: a caller may still hold the old object. */
export class MemoryMessages implements MessageStore {
  constructor(private readonly s: MemoryState) {}

  async add(m: NewMessage): Promise<Message | undefined> {
    const room = this.s.rooms.get(m.room_uuid);
    if (!room) return undefined;
    const first = m.call_id === undefined ? undefined : room.calls.get(m.call_id);
    if (first && isResend({ ...first, user_uuid: first.user.uuid, call_id: m.call_id! }, m)) {
      return first;
    }
    const message: Message = {
      uuid: m.uuid,
      body: m.body,
      name: defaultName('message', m.uuid),
      user: { uuid: m.user.uuid, name: m.user.name, room_uuid: m.room_uuid },
      room_uuid: m.room_uuid,
      created: m.created,
      seq: room.messages.length + 1,
      edited: null,
      deleted: null,
      reply_to: m.reply_to ?? null,
      reactions: [],
      rev: ++room.rev,
    };
    room.messages.push(message);
    room.seqOf.set(message.uuid, message.seq);
    if (m.call_id !== undefined) room.calls.set(m.call_id, message);
    return message;
  }

  async list(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const all = this.s.rooms.get(roomUuid)?.messages ?? [];
    // messages[i].seq === i + 1
    if (opts.after !== undefined) {
      const start = Math.max(0, Math.floor(opts.after));
      const list = all.slice(start, start + opts.limit);
      return { list, has_more: start + opts.limit < all.length };
    }
    const end =
      opts.before === undefined ? all.length : Math.min(all.length, Math.ceil(opts.before) - 1);
    const start = Math.max(0, end - opts.limit);
    return { list: end <= 0 ? [] : all.slice(start, end), has_more: start > 0 };
  }

  async get(roomUuid: string, uuid: string): Promise<Message | undefined> {
    const room = this.s.rooms.get(roomUuid);
    const seq = room?.seqOf.get(uuid);
    return seq === undefined ? undefined : room!.messages[seq - 1];
  }

  async change(
    roomUuid: string,
    uuid: string,
    change: MessageChange,
  ): Promise<MessageChangeResult> {
    const room = this.s.rooms.get(roomUuid);
    const seq = room?.seqOf.get(uuid);
    const old = seq === undefined ? undefined : room!.messages[seq - 1];
    if (!room || !old || old.deleted !== null) return { ok: false, error: 'not_found' };
    let next: Message;
    if (change.kind === 'edit') {
      next = { ...old, body: change.body, edited: change.at };
    } else if (change.kind === 'delete') {
      room.reactors.delete(old.seq);
      next = { ...old, body: '', deleted: change.at, reply_to: null, reactions: [] };
    } else {
      const reactors = room.reactors.get(old.seq) ?? new Map<string, string[]>();
      if (!toggleReaction(reactors, change.emoji, change.user)) {
        return { ok: false, error: 'too_many_emoji' };
      }
      room.reactors.set(old.seq, reactors);
      const summary = [...reactors].map(
        ([e, users]) => [e, { count: users.length, users }] as const,
      );
      next = { ...old, reactions: reactionsOf(summary) };
    }
    return { ok: true, message: this.replace(room, { ...next, rev: ++room.rev }) };
  }

  private replace(room: RoomRecord, m: Message): Message {
    room.messages[m.seq - 1] = m;
    return m;
  }

  async changes(
    roomUuid: string,
    opts: { after: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const all = this.s.rooms.get(roomUuid)?.messages ?? [];
    const changed = all.filter((m) => m.rev > opts.after).sort((a, b) => a.rev - b.rev);
    return { list: changed.slice(0, opts.limit), has_more: changed.length > opts.limit };
  }

  async search(
    roomUuid: string,
    opts: { query: string; before?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const all = this.s.rooms.get(roomUuid)?.messages ?? [];
    const words = searchWords(opts.query);
    const list: Message[] = [];
    const end = opts.before === undefined ? all.length : Math.min(all.length, opts.before - 1);
    for (let i = end - 1; i >= 0; i--) {
      if (!bodyMatches(all[i]!.body, words)) continue;
      if (list.length === opts.limit) return { list, has_more: true };
      list.push(all[i]!);
    }
    return { list, has_more: false };
  }
}
