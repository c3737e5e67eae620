import { defineCall } from './call.ts';
import { changeRoom } from './changeRoom.ts';

export const changeName = defineCall({
  name: 'change_name',
  writes: true,
  doc: {
    payload: '`uuid`, `name`',
    success: 'all: `room_changed`',
    errors: ['no_specified_room', 'not_valid_name'],
  },
  handle: (args, _caller, deps) => changeRoom(deps, args.uuid, { name: args.name }),
});
