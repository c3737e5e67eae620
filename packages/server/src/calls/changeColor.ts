import { defineCall } from './call.ts';
import { changeRoom } from './changeRoom.ts';

export const changeColor = defineCall({
  name: 'change_color',
  writes: true,
  doc: {
    payload: '`uuid`, `color`',
    success: 'all: `room_changed` (unlisted: members and owner)',
    errors: ['no_specified_room', 'not_valid_color', 'not_room_owner'],
    note: '(`not_room_owner`: a locked room, not its owner)',
  },
  handle: (args, caller, deps) => changeRoom(deps, caller, args.uuid, { color: args.color }),
});
