import { ChatError, defineCall, reply } from './call.ts';

export const changeUserName = defineCall({
  name: 'change_user_name',
  writes: true,
  doc: {
    payload: '`name`',
    success: 'caller: `user_changed`; all: `room_changed` (if in a room)',
    errors: ['not_valid_name'],
  },
  async handle(args, caller, { storage }) {
    const stored = await storage.identity.rename(caller.user.uuid, args.name);
    if (!stored)
      throw new ChatError('unavailable', 'Your identity is no longer stored; reconnect.');
    const user = { ...caller.user, name: stored.name };
    return {
      user,
      replies: [reply('user_changed', { object: user })],
      changed: caller.room === null ? [] : [{ room: caller.room }],
    };
  },
});
