import { ChatError, defineCall, event } from './call.ts';

export const deleteRoom = defineCall({
  name: 'delete_room',
  writes: true,
  doc: {
    payload: '`uuid`',
    success: 'all: `room_deleted`',
    errors: ['no_specified_room', 'not_empty_room'],
  },
  async handle(args, _caller, { storage }) {
    const result = await storage.rooms.delete(args.uuid);
    if (!result.ok) {
      throw new ChatError(result.error === 'not_found' ? 'no_specified_room' : 'not_empty_room');
    }
    return { events: [event({ to: 'all' }, { message: 'room_deleted', object: result.room })] };
  },
});
