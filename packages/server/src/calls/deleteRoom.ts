import { ChatError, defineCall, event } from './call.ts';
import { roomAudience, roomFor } from './owners.ts';

export const deleteRoom = defineCall({
  name: 'delete_room',
  writes: true,
  doc: {
    payload: '`uuid`',
    success: 'all: `room_deleted` (unlisted: its owner)',
    errors: ['no_specified_room', 'not_empty_room', 'not_room_owner'],
    note: '(`not_room_owner`: a locked room, not its owner)',
  },
  async handle(args, caller, { storage }) {
    await roomFor(storage, args.uuid, caller, 'delete it');
    const result = await storage.rooms.delete(args.uuid);
    if (!result.ok) {
      throw new ChatError(result.error === 'not_found' ? 'no_specified_room' : 'not_empty_room');
    }
    const object = result.room;
    return { events: [event(roomAudience(object), { message: 'room_deleted', object })] };
  },
});
