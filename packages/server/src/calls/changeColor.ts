import { defineCall } from './call.ts';
import { changeRoom } from './changeRoom.ts';

export const changeColor = defineCall({
  name: 'change_color',
  writes: true,
  doc: {
    payload: '`uuid`, `color`',
    success: 'all: `room_changed`',
    errors: ['no_specified_room', 'not_valid_color'],
  },
  handle: (args, _caller, deps) => changeRoom(deps, args.uuid, { color: args.color }),
});
