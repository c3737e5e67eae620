import type { Holder, StorageLimits } from '../storage.ts';
import type { Line, Message, Room, User, Visibility } from '@chat/protocol';

/** Everything memory storage holds, shared by its parts. */
export interface UserRecord {
  uuid: string;
  name: string;
  tokenHash: string;
  lastUsed: string;
  room: string | null;
  entered: string | null;
  holder: Holder | null;
}

export interface Member {
  entered: string;
  uuid: string;
}

export interface RoomRecord {
  uuid: string;
  name: string;
  lowerName: string;
  color: string;
  created: string;
  drawingUuid: string;
  owner: string | null;
  locked: boolean;
  visibility: Visibility;
  /** Bars of kicked subjects: their end, by subject. */
  bans: Map<string, string>;
  /** Sorted by (entered, uuid). */
  members: Member[];
  messages: Message[];
  /** The newest message of each call id (see RESEND_WINDOW_MS). */
  calls: Map<string, Message>;
  /** The room's change number: the `rev` of its newest created or changed message. */
  rev: number;
  /** Each message's reactions in full, by seq: each emoji's users, emoji in order of first use. */
  reactors: Map<number, Map<string, string[]>>;
  /** Each message's seq by uuid. */
  seqOf: Map<string, number>;
  lines: Map<string, Line>;
  /** Characters of all of `lines`, as JSON (what `drawingChars` limits). */
  chars: number;
}

export class MemoryState {
  readonly users = new Map<string, UserRecord>();
  readonly tokens = new Map<string, string>();
  readonly rooms = new Map<string, RoomRecord>();
  /** All rooms sorted by (created, uuid). */
  readonly roomOrder: RoomRecord[] = [];
  /** Lease end of each node. */
  readonly leases = new Map<string, string>();
  readonly secrets = new Map<string, string>();

  constructor(readonly limits: StorageLimits) {}

  userOf(r: UserRecord): User {
    return { uuid: r.uuid, name: r.name, room_uuid: r.room };
  }

  roomOf(r: RoomRecord): Room {
    const users: User[] = [];
    for (const m of r.members.slice(0, this.limits.roomUsersInline)) {
      const u = this.users.get(m.uuid);
      if (u) users.push(this.userOf(u));
    }
    return {
      uuid: r.uuid,
      name: r.name,
      color: r.color,
      users,
      sum: r.messages.length,
      created: r.created,
      user_count: r.members.length,
      owner: r.owner,
      locked: r.locked,
      visibility: r.visibility,
    };
  }

  /** Takes a user out of its room (not from storage); returns the room it was in. */
  removeMember(r: UserRecord): string | null {
    const previous = r.room;
    if (previous !== null && r.entered !== null) {
      const room = this.rooms.get(previous);
      if (room) {
        const i = lowerBound(room.members, memberKey, r.entered, r.uuid);
        if (room.members[i]?.uuid === r.uuid) room.members.splice(i, 1);
      }
    }
    r.room = null;
    r.entered = null;
    r.holder = null;
    return previous;
  }
}

/** (a, b) order of two positions by time, then uuid. */
function compare(aTime: string, aUuid: string, bTime: string, bUuid: string): number {
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  return aUuid < bUuid ? -1 : aUuid > bUuid ? 1 : 0;
}

/** Index of the first element not less than (time, uuid). */
export function lowerBound<T>(
  items: T[],
  key: (t: T) => [string, string],
  time: string,
  uuid: string,
): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const [t, u] = key(items[mid]!);
    if (compare(t, u, time, uuid) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const memberKey = (m: Member): [string, string] => [m.entered, m.uuid];
export const roomKey = (r: RoomRecord): [string, string] => [r.created, r.uuid];
