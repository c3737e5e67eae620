import { newId } from '../ids.ts';
import { ChatError, defineCall, event, quotaError, reply, requireRoom } from './call.ts';

/** Bytes a message costs an address besides its body: its other fields, stored and sent. */
const MESSAGE_OVERHEAD = 200;

export const createMessage = defineCall({
  name: 'create_message',
  writes: true,
  doc: {
    payload: '`body`',
    success: 'room: `message_created`; all: `room_changed` (coalesced)',
    errors: ['no_selected_room', 'not_valid_body', 'rate_limited'],
  },
  async handle(args, caller, { storage, quotas, clock }) {
    const room = requireRoom(caller);
    // bytes stored and sent to everyone in the room; a message's own fields count too
    const cost = Buffer.byteLength(args.body) + MESSAGE_OVERHEAD;
    const wait = quotas.take(caller.address, 'bytes', cost);
    if (wait > 0) throw quotaError(wait, 'Too many messages from your network address');
    const uuid = newId();
    // resolves only after the row is committed: what the sender sees confirmed survives a crash
    const object = await storage.messages.add({
      uuid,
      room_uuid: room,
      body: args.body,
      user: caller.user,
      created: clock.now(),
      ...(caller.callId !== undefined ? { call_id: caller.callId } : {}),
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
