import { newTimeId } from '../ids.ts';
import { replyOf } from '@chat/protocol';
import { ChatError, defineCall, event, quotaError, reply, requireRoom } from './call.ts';
import { liveMessage, MESSAGE_OVERHEAD } from './messageRules.ts';

export const createMessage = defineCall({
  name: 'create_message',
  writes: true,
  doc: {
    payload: '`body`, `reply_to?` (a message of the room)',
    success: 'room: `message_created`; all: `room_changed` (coalesced)',
    errors: ['no_selected_room', 'not_valid_body', 'no_specified_message', 'rate_limited'],
  },
  async handle(args, caller, { storage, quotas, clock }) {
    const room = requireRoom(caller);
    // bytes stored and sent to everyone in the room; a message's own fields count too
    const cost = Buffer.byteLength(args.body) + MESSAGE_OVERHEAD;
    const wait = quotas.take(caller.address, 'bytes', cost);
    if (wait > 0) throw quotaError(wait, 'Too many messages from your network address');
    const answered =
      args.reply_to === undefined ? undefined : await liveMessage(storage, room, args.reply_to);
    const uuid = newTimeId();
    // resolves only after the row is committed: what the sender sees confirmed survives a crash
    const object = await storage.messages.add({
      uuid,
      room_uuid: room,
      body: args.body,
      user: caller.user,
      created: clock.now(),
      ...(caller.callId !== undefined ? { call_id: caller.callId } : {}),
      ...(answered ? { reply_to: replyOf(answered) } : {}),
    });
    if (!object) throw new ChatError('no_selected_room', 'The room no longer exists.');
    // the same call sent again (its answer was lost with a connection): the caller alone hears
    if (object.uuid !== uuid) return { replies: [reply('message_created', { object })] };
    return {
      events: [event({ to: 'room', room }, { message: 'message_created', object })],
      changed: [{ room, sum: true }],
    };
  },
});
