import { defaultName, type Message } from '@chat/protocol';
import { isResend } from '../rules.ts';
import type { MessageStore, NewMessage } from '../storage.ts';
import type { MemoryState } from './state.ts';

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
    };
    room.messages.push(message);
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
}
