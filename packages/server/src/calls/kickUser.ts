import { LIMITS } from '@chat/protocol';
import { userSubject } from './bans.ts';
import { ChatError, defineCall, event } from './call.ts';
import { ownedRoom, roomAudience } from './owners.ts';

export const kickUser = defineCall({
  name: 'kick_user',
  writes: true,
  doc: {
    payload: '*(ext)* `uuid` (room), `user`, `minutes?`',
    success: "the user: `user_kicked`, `room_left`; the room's audience: `room_changed`",
    errors: ['no_specified_room', 'not_room_owner', 'no_specified_user'],
  },
  async handle(args, caller, { storage, clock, kickMinuteMs }) {
    const room = await ownedRoom(storage, args.uuid, caller);
    const target = await storage.identity.get(args.user);
    if (!target || target.room_uuid !== room.uuid || args.user === room.owner) {
      throw new ChatError('no_specified_user');
    }
    const minutes = args.minutes ?? LIMITS.kickMinutes.default;
    const until = new Date(Date.parse(clock.now()) + minutes * kickMinuteMs).toISOString();
    // barred before it is taken out, so that it cannot come straight back in; its address
    // is barred by the node that holds its connection (Sessions.kicked)
    await storage.bans.add(room.uuid, [userSubject(args.user)], until);
    if (!(await storage.presence.leave(args.user, room.uuid))) {
      throw new ChatError('no_specified_user');
    }
    const object = (await storage.rooms.get(room.uuid)) ?? room;
    return {
      events: [event(roomAudience(object), { message: 'room_changed', object })],
      kicks: [{ user: args.user, room: room.uuid, until }],
      settled: [room.uuid],
    };
  },
});
