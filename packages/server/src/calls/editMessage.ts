import { defineCall, quotaError, requireRoom } from './call.ts';
import { changed, liveMessage, MESSAGE_OVERHEAD, requireAuthor } from './messageRules.ts';

export const editMessage = defineCall({
  name: 'edit_message',
  writes: true,
  doc: {
    payload: '`uuid`, `body`',
    success: 'room: `message_changed`',
    errors: ['no_selected_room', 'no_specified_message', 'not_message_author', 'not_valid_body'],
  },
  async handle(args, caller, { storage, quotas, clock }) {
    const room = requireRoom(caller);
    requireAuthor(await liveMessage(storage, room, args.uuid), caller);
    // the new body is stored and sent to everyone in the room, as a new message's is
    const wait = quotas.take(
      caller.address,
      'bytes',
      Buffer.byteLength(args.body) + MESSAGE_OVERHEAD,
    );
    if (wait > 0) throw quotaError(wait, 'Too many messages from your network address');
    const result = await storage.messages.change(room, args.uuid, {
      kind: 'edit',
      body: args.body,
      at: clock.now(),
    });
    return changed(room, result, 'message_changed');
  },
});
