import { clampLimit, PAGES } from '@chat/protocol';
import { ChatError, defineCall, reply } from './call.ts';
import { memberCursor, readMemberCursor } from './cursors.ts';

export const listRoomUsers = defineCall({
  name: 'list_room_users',
  writes: false,
  cost: 3,
  doc: {
    payload: '`uuid`, `cursor?`, `limit?`',
    success: 'caller: `room_users_listed`',
    errors: ['no_specified_room'],
    note: '(`not_sufficient_data` for a bad cursor)',
  },
  async handle(args, _caller, { storage }) {
    if (!(await storage.rooms.get(args.uuid))) throw new ChatError('no_specified_room');
    const after = args.cursor === undefined ? undefined : readMemberCursor(args.cursor, args.uuid);
    const page = await storage.rooms.listUsers(args.uuid, {
      ...(after ? { after } : {}),
      limit: clampLimit(args.limit, PAGES.roomUsers),
    });
    return {
      replies: [
        reply('room_users_listed', {
          uuid: args.uuid,
          list: page.list,
          cursor: memberCursor(args.uuid, page.next),
        }),
      ],
    };
  },
});
