import type { ResultPayload } from '@chat/protocol';
import type { Audience } from '../bus/bus.ts';
import type { CallContext, Services } from './context.ts';
import { sendRooms } from './rooms.ts';

/** Writes a result to this node's connections of `audience` only (nothing is published). */
function toLocal(services: Services, audience: Audience): CallContext['reply'] {
  return (message, data) =>
    services.hub.deliver({
      kind: 'deliver',
      audience,
      payload: { message, ...data } as ResultPayload,
    });
}

/**
 * The bus is back after an outage of this node alone: other nodes went on meanwhile,
 * and their room and drawing events never reached this node's clients (missed messages
 * are filled by seq in the hub). Sends everyone here the state as stored now: a fresh
 * first page of rooms to all, and to each occupied room its room and its drawing.
 */
export async function resync(services: Services): Promise<void> {
  const { hub, storage, log } = services;
  await sendRooms(services, toLocal(services, { to: 'all' }), {});
  const rooms = hub.occupiedRooms();
  for (const uuid of rooms) {
    const room = { to: 'room', room: uuid } as const;
    const object = await storage.rooms.get(uuid);
    if (object) toLocal(services, room)('room_changed', { object });
    const drawing = await storage.drawings.get(uuid);
    if (drawing) toLocal(services, room)('drawing_got', { object: drawing });
  }
  log.info({ rooms: rooms.length }, 'sent the stored state to this node after a bus outage');
}
