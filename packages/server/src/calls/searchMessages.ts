import { clampLimit, LIMITS, PAGES } from '@chat/protocol';
import { defineCall, reply, requireRoom } from './call.ts';
import { fitBytes, messageBytes } from './pages.ts';

export const searchMessages = defineCall({
  name: 'search_messages',
  writes: false,
  // an index lookup and a page of messages
  cost: 5,
  doc: {
    payload: '`query`, `before?` (seq), `limit?` (1..50, default 20)',
    success: 'caller: `messages_found` (newest first)',
    errors: ['no_selected_room', 'not_valid_query'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const page = await storage.messages.search(room, {
      query: args.query,
      ...(args.before !== undefined ? { before: args.before } : {}),
      limit: clampLimit(args.limit, PAGES.search),
    });
    // newest first: the page keeps its start (fitBytes keeps the start of a list read forwards)
    const fit = fitBytes(page.list, messageBytes, LIMITS.pageBytes, false);
    return {
      replies: [
        reply('messages_found', {
          list: fit.list,
          query: args.query,
          has_more: page.has_more || fit.cut,
          room_uuid: room,
        }),
      ],
    };
  },
});
