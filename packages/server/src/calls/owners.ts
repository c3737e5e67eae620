import type { Room } from '@chat/protocol';
import type { Audience } from '../bus/bus.ts';
import type { Storage } from '../storage/storage.ts';
import { ChatError, type Caller } from './call.ts';

/**
 * The rules of rooms with owners, in one place (PROTOCOL.md, "Rooms with owners"): who
 * hears of a room, who may change it.
 */

/**
 * Who hears of a room's state (`room_created`, `room_changed`, `room_deleted`): everyone for
 * a public room (a change of its message count only those who show it: its members and the
 * room list); for an unlisted room its members and its owner alone, on every node.
 */
export function roomAudience(room: Room, only: 'sum' | 'all' = 'all'): Audience {
  if (room.visibility === 'unlisted') {
    return room.owner === null
      ? { to: 'room', room: room.uuid }
      : { to: 'room', room: room.uuid, owner: room.owner };
  }
  return only === 'all' ? { to: 'all' } : { to: 'watchers', room: room.uuid };
}

export function isOwner(room: Room, caller: Caller): boolean {
  return room.owner !== null && room.owner === caller.user.uuid;
}

/** The room, for a call only its owner may make: no_specified_room, not_room_owner. */
export async function ownedRoom(storage: Storage, uuid: string, caller: Caller): Promise<Room> {
  const room = await storage.rooms.get(uuid);
  if (!room) throw new ChatError('no_specified_room');
  if (!isOwner(room, caller)) throw new ChatError('not_room_owner');
  return room;
}

/** In a locked room only the owner may `what`; anyone may in an unlocked one (the original's rule). */
export function requireOwnerIfLocked(room: Room, caller: Caller, what: string): void {
  if (room.locked && !isOwner(room, caller)) {
    throw new ChatError('not_room_owner', `This room is locked: only its owner may ${what}.`);
  }
}

/** The room `uuid` if the caller may `what` there: no_specified_room, not_room_owner. */
export async function roomFor(
  storage: Storage,
  uuid: string,
  caller: Caller,
  what: string,
): Promise<Room> {
  const room = await storage.rooms.get(uuid);
  if (!room) throw new ChatError('no_specified_room');
  requireOwnerIfLocked(room, caller, what);
  return room;
}
