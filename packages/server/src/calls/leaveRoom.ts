import { ChatError, defineCall, reply } from './call.ts';

export const leaveRoom = defineCall({
  name: 'leave_room',
  writes: true,
  doc: {
    payload: '—',
    success: 'caller: `room_left`; all: `room_changed`',
    errors: ['no_specified_room'],
  },
  async handle(_args, caller, { storage, clock }) {
    const room = caller.room;
    if (room === null) throw new ChatError('no_specified_room', 'You are not in a room.');
    await storage.presence.set(caller.user.uuid, null, caller.holder, clock.now());
    const object = await storage.rooms.get(room);
    return {
      move: { room: null },
      replies: object ? [reply('room_left', { object })] : [],
      changed: [{ room }],
    };
  },
});
