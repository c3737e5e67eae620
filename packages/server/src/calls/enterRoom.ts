import { LIMITS, PAGES } from '@chat/protocol';
import { subjectsOf } from './bans.ts';
import { ChatError, defineCall, reply, type CallDeps, type Caller, type Entry } from './call.ts';
import { fitBytes, messageBytes, wholeHistory } from './pages.ts';

/** What entering `room` sends: the room, its newest history page, its drawing. */
async function entry(deps: CallDeps, caller: Caller, room: string): Promise<Entry> {
  const { storage } = deps;
  const object = await storage.rooms.get(room);
  if (!object) throw new ChatError('no_specified_room');
  // an original client never pages: it is given the history whole (PROTOCOL.md, "Versions")
  let page;
  if (caller.version === 1) page = await wholeHistory(deps, room);
  else {
    const newest = await storage.messages.list(room, { limit: PAGES.messages.default });
    const fit = fitBytes(newest.list, messageBytes, LIMITS.pageBytes, true);
    page = { list: fit.list, has_more: newest.has_more || fit.cut };
  }
  const drawing = await storage.drawings.getJson(room);
  if (drawing === undefined) throw new ChatError('no_specified_room');
  return {
    replies: [
      reply('room_entered', { object }),
      reply('messages_listed', { list: page.list, has_more: page.has_more, room_uuid: room }),
      { message: 'drawing_got', objectJson: drawing },
    ],
    seen: page.list.at(-1)?.seq ?? 0,
  };
}

export const enterRoom = defineCall({
  name: 'enter_room',
  writes: true,
  cost: 10,
  doc: {
    payload: '`uuid`',
    success:
      'caller: `room_entered`, `messages_listed`, `drawing_got`; all: `room_changed` (new room), `room_changed` (room left)',
    errors: ['no_specified_room', 'user_banned'],
  },
  async handle(args, caller, deps) {
    const room = args.uuid;
    const { storage, clock } = deps;
    const subjects = await subjectsOf(storage, caller.user.uuid, caller.address);
    const until = await storage.bans.until(room, subjects, clock.now());
    // a room's owner is never barred from it (its address may be a kicked user's too)
    if (until !== null && (await storage.rooms.get(room))?.owner !== caller.user.uuid) {
      const at = until.slice(11, 16);
      throw new ChatError('user_banned', `You were removed from this room until ${at} UTC.`, {
        until,
      });
    }
    // strictly increasing entry times keep members in the order they came
    const moved = await deps.storage.presence.set(
      caller.user.uuid,
      room,
      caller.holder,
      deps.clock.roomClock(),
    );
    if (moved === 'no_room') throw new ChatError('no_specified_room');
    const previous = moved.previous;
    return {
      move: { room, entry: () => entry(deps, caller, room) },
      // entering the room one is in again sends the three replies again, without broadcasts
      changed:
        previous === room ? [] : [{ room }, ...(previous !== null ? [{ room: previous }] : [])],
    };
  },
});
