import { defineCall } from './call.ts';
import { changeRoom } from './changeRoom.ts';

export const changeName = defineCall({
  name: 'change_name',
  writes: true,
  doc: {
    payload: '`uuid`, `name`',
    success: 'all: `room_changed` (unlisted: members and owner)',
    errors: ['no_specified_room', 'not_valid_name', 'not_room_owner'],
    note: '(`not_room_owner`: a locked room, not its owner)',
  },
  handle: (args, caller, deps) => changeRoom(deps, caller, args.uuid, { name: args.name }),
});
