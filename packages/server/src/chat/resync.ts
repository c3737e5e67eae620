import type { ResultPayload } from '@chat/protocol';
import type { Audience } from '../bus/bus.ts';
import type { Hub } from '../hub/hub.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { Sessions } from './sessions.ts';

export interface ResyncDeps {
  storage: Storage;
  hub: Hub;
  sessions: Sessions;
  log: Logger;
}

/**
 * The bus is back after an outage of this node alone: other nodes went on meanwhile,
 * and their room and drawing events never reached this node's clients (missed messages
 * are filled by seq in the hub). Sends everyone here the state as stored now: a fresh
 * first page of rooms to all, and to each occupied room its room and its drawing.
 * Nothing is published: each node does this for its own connections.
 */
export async function resync({ storage, hub, sessions, log }: ResyncDeps): Promise<void> {
  const local = (audience: Audience, payload: ResultPayload) =>
    hub.fanOut({ kind: 'deliver', audience, payload });
  for (const version of [1, 2] as const) {
    local({ to: 'all', version }, { message: 'rooms_listed', ...(await sessions.rooms(version)) });
  }
  const rooms = hub.occupiedRooms();
  for (const uuid of rooms) {
    const room = { to: 'room', room: uuid } as const;
    const object = await storage.rooms.get(uuid);
    if (object) local(room, { message: 'room_changed', object });
    const drawing = await storage.drawings.get(uuid);
    if (drawing) local(room, { message: 'drawing_got', object: drawing });
  }
  log.info({ rooms: rooms.length }, 'sent the stored state to this node after a bus outage');
}
