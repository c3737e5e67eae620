import { defineCall, requireRoom } from './call.ts';
import { changed, liveMessage, requireDeleter } from './messageRules.ts';

export const deleteMessage = defineCall({
  name: 'delete_message',
  writes: true,
  doc: {
    payload: '`uuid`',
    success: 'room: `message_deleted`',
    errors: ['no_selected_room', 'no_specified_message', 'not_message_author'],
  },
  async handle(args, caller, { storage, clock }) {
    const room = requireRoom(caller);
    await requireDeleter(storage, await liveMessage(storage, room, args.uuid), caller);
    const result = await storage.messages.change(room, args.uuid, {
      kind: 'delete',
      at: clock.now(),
    });
    return changed(room, result, 'message_deleted');
  },
});
