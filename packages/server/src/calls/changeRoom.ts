import type { Caller, Outcome } from './call.ts';
import { ChatError, event, type CallDeps } from './call.ts';
import { roomAudience, roomFor } from './owners.ts';

/** A room renamed or recolored: its audience hears of it at once (it is the caller's answer too). */
export async function changeRoom(
  { storage }: CallDeps,
  caller: Caller,
  uuid: string,
  change: { name?: string; color?: string },
): Promise<Outcome> {
  await roomFor(storage, uuid, caller, change.name === undefined ? 'recolor it' : 'rename it');
  const object = await storage.rooms.update(uuid, change);
  if (!object) throw new ChatError('no_specified_room');
  return {
    events: [event(roomAudience(object), { message: 'room_changed', object })],
    settled: [uuid],
  };
}
