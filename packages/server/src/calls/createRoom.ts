import { defaultName, ROOM_COLORS } from '@chat/protocol';
import { newId } from '../ids.ts';
import { defineCall, event, quotaError } from './call.ts';
import { roomAudience } from './owners.ts';

export const createRoom = defineCall({
  name: 'create_room',
  writes: true,
  doc: {
    payload: '*(ext)* `name?`, `color?`, `visibility?`',
    success: 'all: `room_created` (unlisted: the caller only)',
    errors: ['not_valid_name', 'not_valid_color', 'not_valid_visibility', 'rate_limited'],
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
      owner: caller.user.uuid,
      visibility: args.visibility ?? 'public',
    });
    return { events: [event(roomAudience(object), { message: 'room_created', object })] };
  },
});
