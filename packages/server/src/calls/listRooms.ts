import { defineCall, reply } from './call.ts';
import { everyRoom, roomsPage } from './pages.ts';

export const listRooms = defineCall({
  name: 'list_rooms',
  writes: false,
  // about 2 ms of the server's time for a search over thousands of rooms, or a page of 200
  cost: 10,
  doc: {
    payload: '*(ext)* `query?`, `cursor?`, `limit?`',
    success: 'caller: `rooms_listed` (an original client: every room)',
    errors: ['not_valid_query'],
    note: '(`not_sufficient_data` for a bad cursor)',
  },
  async handle(args, caller, deps) {
    // an original client never pages: it is given every room (PROTOCOL.md, "Versions")
    const page =
      caller.version === 1 && args.cursor === undefined
        ? await everyRoom(deps, caller.user.uuid, args.query)
        : await roomsPage(deps, caller.user.uuid, args);
    return { replies: [reply('rooms_listed', page)] };
  },
});
