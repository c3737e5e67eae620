import { defineCall, event, requireRoom } from './call.ts';

export const moveCursor = defineCall({
  name: 'move_cursor',
  writes: true,
  doc: {
    payload: '*(ext)* `x`, `y`',
    success: 'others in room: `cursor_moved` (≤ 20 a second per user; never stored)',
    errors: ['no_selected_room'],
  },
  async handle(args, caller, { cursors }) {
    const room = requireRoom(caller);
    // more than 20 a second are dropped silently: the next one says where the cursor is
    if (!cursors.take(caller.user.uuid)) return {};
    const { uuid, name } = caller.user;
    return {
      events: [
        event(
          { to: 'room', room, except: caller.session },
          { message: 'cursor_moved', user_uuid: uuid, name, x: args.x, y: args.y },
        ),
      ],
    };
  },
});
