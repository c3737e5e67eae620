import { defineCall, requireRoom } from './call.ts';
import { changed } from './messageRules.ts';

export const react = defineCall({
  name: 'react',
  writes: true,
  doc: {
    payload: '`uuid`, `emoji`',
    success: "toggles the caller's reaction; room: `message_changed`",
    errors: ['no_selected_room', 'no_specified_message', 'not_valid_emoji'],
  },
  async handle(args, caller, { storage }) {
    const room = requireRoom(caller);
    const result = await storage.messages.change(room, args.uuid, {
      kind: 'react',
      emoji: args.emoji,
      user: caller.user.uuid,
    });
    return changed(room, result, 'message_changed');
  },
});
