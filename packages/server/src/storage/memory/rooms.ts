import type { Room, User } from '@chat/protocol';
import { searchKey } from '../rules.ts';
import type {
  DeleteRoomResult,
  MemberPosition,
  NewRoom,
  Page,
  RoomFields,
  RoomPosition,
  RoomStore,
} from '../storage.ts';
import { lowerBound, memberKey, roomKey, type MemoryState, type RoomRecord } from './state.ts';

export class MemoryRooms implements RoomStore {
  constructor(private readonly s: MemoryState) {}

  async create(room: NewRoom): Promise<Room> {
    const record: RoomRecord = {
      uuid: room.uuid,
      name: room.name,
      lowerName: searchKey(room.name),
      color: room.color,
      created: room.created,
      drawingUuid: room.drawing_uuid,
      owner: room.owner ?? null,
      locked: false,
      visibility: room.visibility ?? 'public',
      bans: new Map(),
      members: [],
      messages: [],
      calls: new Map(),
      rev: 0,
      reactors: new Map(),
      seqOf: new Map(),
      lines: new Map(),
      chars: 0,
    };
    this.s.rooms.set(room.uuid, record);
    const order = this.s.roomOrder;
    order.splice(lowerBound(order, roomKey, room.created, room.uuid), 0, record);
    return this.s.roomOf(record);
  }

  async get(uuid: string): Promise<Room | undefined> {
    const r = this.s.rooms.get(uuid);
    return r && this.s.roomOf(r);
  }

  async update(uuid: string, change: RoomFields): Promise<Room | undefined> {
    const r = this.s.rooms.get(uuid);
    if (!r) return undefined;
    if (change.name !== undefined) {
      r.name = change.name;
      r.lowerName = searchKey(change.name);
    }
    if (change.color !== undefined) r.color = change.color;
    if (change.locked !== undefined) r.locked = change.locked;
    if (change.visibility !== undefined) r.visibility = change.visibility;
    return this.s.roomOf(r);
  }

  async delete(uuid: string): Promise<DeleteRoomResult> {
    const r = this.s.rooms.get(uuid);
    if (!r) return { ok: false, error: 'not_found' };
    if (r.members.length > 0) return { ok: false, error: 'not_empty' };
    const room = this.s.roomOf(r);
    this.s.rooms.delete(uuid);
    const order = this.s.roomOrder;
    const i = lowerBound(order, roomKey, r.created, r.uuid);
    if (order[i] === r) order.splice(i, 1);
    return { ok: true, room };
  }

  async list(opts: {
    query?: string;
    viewer?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>> {
    const { viewer } = opts;
    const order = this.s.roomOrder;
    const needle = opts.query === undefined ? undefined : searchKey(opts.query);
    let i = opts.before
      ? lowerBound(order, roomKey, opts.before.created, opts.before.uuid) - 1
      : order.length - 1;
    const picked: RoomRecord[] = [];
    // a search examines at most searchScanRows rooms, as SQL storage does without an index
    const stop = needle ? Math.max(-1, i - this.s.limits.searchScanRows) : -1;
    let next: RoomPosition | null = null;
    for (; i > stop; i--) {
      const r = order[i]!;
      if (needle && !r.lowerName.includes(needle)) continue;
      if (r.visibility !== 'public' && (viewer === undefined || r.owner !== viewer)) continue;
      if (picked.length === opts.limit) {
        const first = picked[picked.length - 1]!;
        next = { created: first.created, uuid: first.uuid };
        break;
      }
      picked.push(r);
    }
    if (i === stop && stop >= 0) {
      const last = order[stop + 1]!;
      next = { created: last.created, uuid: last.uuid };
    }
    picked.reverse();
    return { list: picked.map((r) => this.s.roomOf(r)), next };
  }

  async listUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>> {
    const room = this.s.rooms.get(roomUuid);
    if (!room) return { list: [], next: null };
    let start = 0;
    if (opts.after) {
      start = lowerBound(room.members, memberKey, opts.after.entered, opts.after.uuid);
      const at = room.members[start];
      if (at && at.entered === opts.after.entered && at.uuid === opts.after.uuid) start++;
    }
    const slice = room.members.slice(start, start + opts.limit);
    const last = slice[slice.length - 1];
    const more = start + opts.limit < room.members.length;
    return {
      list: slice.flatMap((m) => {
        const u = this.s.users.get(m.uuid);
        return u ? [this.s.userOf(u)] : [];
      }),
      next: more && last ? { entered: last.entered, uuid: last.uuid } : null,
    };
  }
}
