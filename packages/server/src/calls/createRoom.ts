import { defaultName, ROOM_COLORS } from '@chat/protocol';
import { newId } from '../ids.ts';
import { defineCall, event, quotaError } from './call.ts';

export const createRoom = defineCall({
  name: 'create_room',
  writes: true,
  doc: {
    payload: '*(ext)* `name?`, `color?`',
    success: 'all: `room_created`',
    errors: ['not_valid_name', 'not_valid_color', 'rate_limited'],
  },
  async handle(args, caller, { storage, quotas, clock }) {
    const wait = quotas.take(caller.address, 'rooms');
    if (wait > 0) throw quotaError(wait, 'Too many rooms created from your network address');
    const uuid = newId();
    const object = await storage.rooms.create({
      uuid,
      name: args.name ?? defaultName('room', uuid),
      color: args.color ?? ROOM_COLORS[Math.floor(Math.random() * ROOM_COLORS.length)]!,
      created: clock.roomClock(),
      drawing_uuid: newId(),
    });
    return { events: [event({ to: 'all' }, { message: 'room_created', object })] };
  },
});
