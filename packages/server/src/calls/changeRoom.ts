import type { Outcome } from './call.ts';
import { ChatError, event, type CallDeps } from './call.ts';

/** A room renamed or recolored: everyone hears of it at once (it is the caller's answer too). */
export async function changeRoom(
  { storage }: CallDeps,
  uuid: string,
  change: { name?: string; color?: string },
): Promise<Outcome> {
  const object = await storage.rooms.update(uuid, change);
  if (!object) throw new ChatError('no_specified_room');
  return {
    events: [event({ to: 'all' }, { message: 'room_changed', object })],
    settled: [uuid],
  };
}
