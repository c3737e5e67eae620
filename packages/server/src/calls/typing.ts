import { defineCall, event, requireRoom } from './call.ts';

export const typing = defineCall({
  name: 'typing',
  writes: true,
  doc: {
    payload: '—',
    success: 'others in room: `user_typing` (≤ 1 per 2 s)',
    errors: ['no_selected_room'],
  },
  async handle(_args, caller, { typing: throttle }) {
    const room = requireRoom(caller);
    if (!throttle.take(caller.user.uuid)) return {};
    return {
      events: [
        event(
          { to: 'room', room, except: caller.session },
          { message: 'user_typing', object: caller.user },
        ),
      ],
    };
  },
});
