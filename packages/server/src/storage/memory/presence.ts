import type { User } from '@chat/protocol';
import type { Holder, PresenceStore } from '../storage.ts';
import { lowerBound, memberKey, type MemoryState } from './state.ts';

export class MemoryPresence implements PresenceStore {
  constructor(private readonly s: MemoryState) {}

  async set(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'> {
    const r = this.s.users.get(userUuid);
    const room = roomUuid === null ? undefined : this.s.rooms.get(roomUuid);
    if (roomUuid !== null && !room) return 'no_room';
    if (!r) return { previous: null };
    if (r.room === roomUuid && roomUuid !== null) {
      r.holder = holder;
      return { previous: roomUuid };
    }
    const previous = this.s.removeMember(r);
    if (room) {
      r.room = room.uuid;
      r.entered = now;
      r.holder = holder;
      const member = { entered: now, uuid: r.uuid };
      room.members.splice(lowerBound(room.members, memberKey, now, r.uuid), 0, member);
    }
    return { previous };
  }

  async takeOver(userUuid: string, holder: Holder): Promise<User | undefined> {
    const r = this.s.users.get(userUuid);
    if (!r) return undefined;
    if (r.room !== null) r.holder = holder;
    return this.s.userOf(r);
  }

  async leave(userUuid: string, roomUuid: string): Promise<boolean> {
    const r = this.s.users.get(userUuid);
    if (!r || r.room !== roomUuid) return false;
    this.s.removeMember(r);
    return true;
  }

  async release(userUuid: string, holder: Holder): Promise<string | null> {
    const r = this.s.users.get(userUuid);
    if (!r || r.room === null || !r.holder) return null;
    if (r.holder.node !== holder.node || r.holder.session !== holder.session) return null;
    return this.s.removeMember(r);
  }

  async releaseNode(node: string): Promise<string[]> {
    const changed = new Set<string>();
    for (const r of this.s.users.values()) {
      if (r.holder?.node === node) {
        const room = this.s.removeMember(r);
        if (room !== null) changed.add(room);
      }
    }
    return [...changed];
  }

  async renewLease(node: string, now: string, until: string): Promise<boolean> {
    const previous = this.s.leases.get(node);
    this.s.leases.set(node, until);
    return previous !== undefined && previous >= now;
  }

  async expiredNodes(now: string): Promise<string[]> {
    return [...this.s.leases]
      .filter(([, until]) => until < now)
      .map(([node]) => node)
      .sort();
  }

  async reapNode(node: string, now: string): Promise<string[]> {
    const until = this.s.leases.get(node);
    if (until === undefined || until >= now) return [];
    this.s.leases.delete(node);
    return this.releaseNode(node);
  }
}
