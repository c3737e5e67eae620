import { defineCall, event, requireRoom } from './call.ts';

export const typing = defineCall({
  name: 'typing',
  writes: true,
  doc: {
    payload: '',
    success:
      'the others in the room: `user_typing` {object: user}; more than one in 2 s per user is dropped silently',
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
