import { clampLimit, LIMITS, PAGES } from '@chat/protocol';
import { defineCall, reply, requireRoom } from './call.ts';
import { fitBytes, messageBytes } from './pages.ts';

export const listMessages = defineCall({
  name: 'list_messages',
  writes: false,
  cost: 3,
  doc: {
    payload: '*(ext)* `before?`, `after?`, `changed_after?`, `limit?`',
    success: 'caller: `messages_listed`',
    errors: ['no_selected_room'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const limit = clampLimit(args.limit, PAGES.messages);
    if (args.changed_after !== undefined) {
      // what a client that saw the room up to this change number missed, oldest change first
      const changes = await storage.messages.changes(room, { after: args.changed_after, limit });
      const fit = fitBytes(changes.list, messageBytes, LIMITS.pageBytes, false);
      const has_more = changes.has_more || fit.cut;
      return {
        replies: [
          reply('messages_listed', {
            list: fit.list,
            has_more,
            room_uuid: room,
            changed_after: args.changed_after,
          }),
        ],
      };
    }
    const page = await storage.messages.list(room, {
      ...(args.before !== undefined ? { before: args.before } : {}),
      ...(args.after !== undefined ? { after: args.after } : {}),
      limit,
    });
    // within LIMITS.pageBytes: the newest of a page read backwards, the oldest of one read forwards
    const fit = fitBytes(page.list, messageBytes, LIMITS.pageBytes, args.after === undefined);
    const has_more = page.has_more || fit.cut;
    return { replies: [reply('messages_listed', { list: fit.list, has_more, room_uuid: room })] };
  },
});
