import { clampLimit, LIMITS, PAGES } from '@chat/protocol';
import { defineCall, reply, requireRoom } from './call.ts';
import { fitBytes, messageBytes } from './pages.ts';

export const listMessages = defineCall({
  name: 'list_messages',
  writes: false,
  cost: 3,
  doc: {
    payload: '*(ext)* `before?`, `after?`, `limit?`',
    success: 'caller: `messages_listed`',
    errors: ['no_selected_room'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const page = await storage.messages.list(room, {
      ...(args.before !== undefined ? { before: args.before } : {}),
      ...(args.after !== undefined ? { after: args.after } : {}),
      limit: clampLimit(args.limit, PAGES.messages),
    });
    // within LIMITS.pageBytes: the newest of a page read backwards, the oldest of one read forwards
    const fit = fitBytes(page.list, messageBytes, LIMITS.pageBytes, args.after === undefined);
    const has_more = page.has_more || fit.cut;
    return { replies: [reply('messages_listed', { list: fit.list, has_more, room_uuid: room })] };
  },
});
