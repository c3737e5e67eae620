import { defineCall, event } from './call.ts';
import { ownedRoom, roomAudience } from './owners.ts';

export const changeRoomSettings = defineCall({
  name: 'change_room_settings',
  writes: true,
  doc: {
    payload: '*(ext)* `uuid`, `locked?`, `visibility?`',
    success: "the room's audience: `room_changed` (a change of visibility: all)",
    errors: ['no_specified_room', 'not_room_owner', 'not_valid_visibility'],
  },
  async handle(args, caller, { storage }) {
    const before = await ownedRoom(storage, args.uuid, caller);
    const object = await storage.rooms.update(args.uuid, {
      ...(args.locked !== undefined ? { locked: args.locked } : {}),
      ...(args.visibility !== undefined ? { visibility: args.visibility } : {}),
    });
    if (!object) return { events: [] };
    // a room that becomes unlisted is told once more to all, so that lists drop it; one
    // that becomes public is told to all, so that lists show it
    const audience =
      object.visibility !== before.visibility ? { to: 'all' as const } : roomAudience(object);
    return {
      events: [event(audience, { message: 'room_changed', object })],
      settled: [object.uuid],
    };
  },
});
