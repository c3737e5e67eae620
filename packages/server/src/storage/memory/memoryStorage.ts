import type { Drawing, Line, Message, Room, User } from '@chat/protocol';
import { defaultName } from '@chat/protocol';
import type {
  AppendResult,
  DeleteRoomResult,
  Holder,
  LineResult,
  MemberPosition,
  NewMessage,
  NewRoom,
  Page,
  PointsAppend,
  RoomPosition,
  Storage,
  StorageLimits,
} from '../storage.ts';
import { appendedChars, assertPlainLine, lineChars } from '../storage.ts';

interface UserRecord {
  uuid: string;
  name: string;
  tokenHash: string;
  lastUsed: string;
  room: string | null;
  entered: string | null;
  holder: Holder | null;
}

interface Member {
  entered: string;
  uuid: string;
}

interface RoomRecord {
  uuid: string;
  name: string;
  lowerName: string;
  color: string;
  created: string;
  drawingUuid: string;
  /** Sorted by (entered, uuid). */
  members: Member[];
  messages: Message[];
  lines: Map<string, Line>;
  /** Characters of all of `lines`, as JSON (what `drawingChars` limits). */
  chars: number;
}

/** (a, b) order of two positions by time, then uuid. */
function compare(aTime: string, aUuid: string, bTime: string, bUuid: string): number {
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  return aUuid < bUuid ? -1 : aUuid > bUuid ? 1 : 0;
}

/** Index of the first element not less than (time, uuid). */
function lowerBound<T>(
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

const memberKey = (m: Member): [string, string] => [m.entered, m.uuid];
const roomKey = (r: RoomRecord): [string, string] => [r.created, r.uuid];
const copyLine = (l: Line): Line => ({ ...l, points: l.points.slice() });
/** A line's size in a drawing, as drawingChars counts it. */
const charsOf = (l: Line): number => lineChars(l, JSON.stringify(l.points).length);

/** Keeps everything in this process: for tests and throwaway demos. */
export class MemoryStorage implements Storage {
  readonly kind = 'memory';
  private readonly users = new Map<string, UserRecord>();
  private readonly tokens = new Map<string, string>();
  private readonly rooms = new Map<string, RoomRecord>();
  /** All rooms sorted by (created, uuid). */
  private readonly roomOrder: RoomRecord[] = [];
  /** Lease end of each node. */
  private readonly leases = new Map<string, string>();

  constructor(private readonly limits: StorageLimits) {}

  private userOf(r: UserRecord): User {
    return { uuid: r.uuid, name: r.name, room_uuid: r.room };
  }

  private roomOf(r: RoomRecord): Room {
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
    };
  }

  async createUser(user: User, tokenHash: string, now: string): Promise<void> {
    this.users.set(user.uuid, {
      uuid: user.uuid,
      name: user.name,
      tokenHash,
      lastUsed: now,
      room: null,
      entered: null,
      holder: null,
    });
    this.tokens.set(tokenHash, user.uuid);
  }

  async getUser(uuid: string): Promise<User | undefined> {
    const r = this.users.get(uuid);
    return r && this.userOf(r);
  }

  async resumeUser(tokenHash: string, usedSince: string, now: string): Promise<User | undefined> {
    const uuid = this.tokens.get(tokenHash);
    const r = uuid === undefined ? undefined : this.users.get(uuid);
    if (!r || r.lastUsed < usedSince) return undefined;
    r.lastUsed = now;
    return this.userOf(r);
  }

  async touchUser(uuid: string, now: string): Promise<void> {
    const r = this.users.get(uuid);
    if (r) r.lastUsed = now;
  }

  async renameUser(uuid: string, name: string): Promise<User | undefined> {
    const r = this.users.get(uuid);
    if (!r) return undefined;
    r.name = name;
    return this.userOf(r);
  }

  async purgeUsers(usedBefore: string): Promise<number> {
    let n = 0;
    for (const r of this.users.values()) {
      if (r.lastUsed < usedBefore && r.room === null) {
        this.users.delete(r.uuid);
        this.tokens.delete(r.tokenHash);
        n++;
      }
    }
    return n;
  }

  private removeMember(r: UserRecord): string | null {
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

  async setPresence(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'> {
    const r = this.users.get(userUuid);
    const room = roomUuid === null ? undefined : this.rooms.get(roomUuid);
    if (roomUuid !== null && !room) return 'no_room';
    if (!r) return { previous: null };
    if (r.room === roomUuid && roomUuid !== null) {
      r.holder = holder;
      return { previous: roomUuid };
    }
    const previous = this.removeMember(r);
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
    const r = this.users.get(userUuid);
    if (!r) return undefined;
    if (r.room !== null) r.holder = holder;
    return this.userOf(r);
  }

  async releasePresence(userUuid: string, holder: Holder): Promise<string | null> {
    const r = this.users.get(userUuid);
    if (!r || r.room === null || !r.holder) return null;
    if (r.holder.node !== holder.node || r.holder.session !== holder.session) return null;
    return this.removeMember(r);
  }

  async releaseNode(node: string): Promise<string[]> {
    const changed = new Set<string>();
    for (const r of this.users.values()) {
      if (r.holder?.node === node) {
        const room = this.removeMember(r);
        if (room !== null) changed.add(room);
      }
    }
    return [...changed];
  }

  async renewLease(node: string, now: string, until: string): Promise<boolean> {
    const previous = this.leases.get(node);
    this.leases.set(node, until);
    return previous !== undefined && previous >= now;
  }

  async expiredNodes(now: string): Promise<string[]> {
    return [...this.leases]
      .filter(([, until]) => until < now)
      .map(([node]) => node)
      .sort();
  }

  async reapNode(node: string, now: string): Promise<string[]> {
    const until = this.leases.get(node);
    if (until === undefined || until >= now) return [];
    this.leases.delete(node);
    return this.releaseNode(node);
  }

  async createRoom(room: NewRoom): Promise<Room> {
    const record: RoomRecord = {
      uuid: room.uuid,
      name: room.name,
      lowerName: room.name.toLowerCase(),
      color: room.color,
      created: room.created,
      drawingUuid: room.drawing_uuid,
      members: [],
      messages: [],
      lines: new Map(),
      chars: 0,
    };
    this.rooms.set(room.uuid, record);
    this.roomOrder.splice(lowerBound(this.roomOrder, roomKey, room.created, room.uuid), 0, record);
    return this.roomOf(record);
  }

  async getRoom(uuid: string): Promise<Room | undefined> {
    const r = this.rooms.get(uuid);
    return r && this.roomOf(r);
  }

  async updateRoom(
    uuid: string,
    change: { name?: string; color?: string },
  ): Promise<Room | undefined> {
    const r = this.rooms.get(uuid);
    if (!r) return undefined;
    if (change.name !== undefined) {
      r.name = change.name;
      r.lowerName = change.name.toLowerCase();
    }
    if (change.color !== undefined) r.color = change.color;
    return this.roomOf(r);
  }

  async deleteRoom(uuid: string): Promise<DeleteRoomResult> {
    const r = this.rooms.get(uuid);
    if (!r) return { ok: false, error: 'not_found' };
    if (r.members.length > 0) return { ok: false, error: 'not_empty' };
    const room = this.roomOf(r);
    this.rooms.delete(uuid);
    const i = lowerBound(this.roomOrder, roomKey, r.created, r.uuid);
    if (this.roomOrder[i] === r) this.roomOrder.splice(i, 1);
    return { ok: true, room };
  }

  async listRooms(opts: {
    query?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>> {
    const needle = opts.query?.toLowerCase();
    let i = opts.before
      ? lowerBound(this.roomOrder, roomKey, opts.before.created, opts.before.uuid) - 1
      : this.roomOrder.length - 1;
    const picked: RoomRecord[] = [];
    // a search examines at most searchScanRows rooms, as SQL storage does without an index
    const stop = needle ? Math.max(-1, i - this.limits.searchScanRows) : -1;
    let next: RoomPosition | null = null;
    for (; i > stop; i--) {
      const r = this.roomOrder[i]!;
      if (needle && !r.lowerName.includes(needle)) continue;
      if (picked.length === opts.limit) {
        const first = picked[picked.length - 1]!;
        next = { created: first.created, uuid: first.uuid };
        break;
      }
      picked.push(r);
    }
    if (i === stop && stop >= 0) {
      const last = this.roomOrder[stop + 1]!;
      next = { created: last.created, uuid: last.uuid };
    }
    picked.reverse();
    return { list: picked.map((r) => this.roomOf(r)), next };
  }

  async listRoomUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>> {
    const room = this.rooms.get(roomUuid);
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
        const u = this.users.get(m.uuid);
        return u ? [this.userOf(u)] : [];
      }),
      next: more && last ? { entered: last.entered, uuid: last.uuid } : null,
    };
  }

  async addMessage(m: NewMessage): Promise<Message | undefined> {
    const room = this.rooms.get(m.room_uuid);
    if (!room) return undefined;
    const message: Message = {
      uuid: m.uuid,
      body: m.body,
      name: defaultName('message', m.uuid),
      user: { uuid: m.user.uuid, name: m.user.name, room_uuid: m.room_uuid },
      room_uuid: m.room_uuid,
      created: m.created,
      seq: room.messages.length + 1,
    };
    room.messages.push(message);
    return message;
  }

  async listMessages(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }> {
    const all = this.rooms.get(roomUuid)?.messages ?? [];
    // messages[i].seq === i + 1
    if (opts.after !== undefined) {
      const start = Math.max(0, Math.floor(opts.after));
      const list = all.slice(start, start + opts.limit);
      return { list, has_more: start + opts.limit < all.length };
    }
    const end =
      opts.before === undefined ? all.length : Math.min(all.length, Math.ceil(opts.before) - 1);
    const start = Math.max(0, end - opts.limit);
    return { list: end <= 0 ? [] : all.slice(start, end), has_more: start > 0 };
  }

  async getDrawing(roomUuid: string): Promise<Drawing | undefined> {
    const room = this.rooms.get(roomUuid);
    if (!room) return undefined;
    return {
      uuid: room.drawingUuid,
      name: defaultName('drawing', room.drawingUuid),
      lines: [...room.lines.values()].map(copyLine),
      room_uuid: room.uuid,
    };
  }

  async getDrawingJson(roomUuid: string): Promise<string | undefined> {
    const drawing = await this.getDrawing(roomUuid);
    return drawing && JSON.stringify(drawing);
  }

  async putLine(roomUuid: string, line: Line): Promise<LineResult> {
    assertPlainLine(line);
    const room = this.rooms.get(roomUuid);
    if (!room) return { ok: false, error: 'no_room' };
    const old = room.lines.get(line.uuid);
    if (!old && room.lines.size >= this.limits.drawingLines) {
      return { ok: false, error: 'drawing_full' };
    }
    const chars = room.chars - (old ? charsOf(old) : 0) + charsOf(line);
    if (chars > room.chars && chars > this.limits.drawingChars) {
      return { ok: false, error: 'drawing_full' };
    }
    room.chars = chars;
    room.lines.set(line.uuid, copyLine(line));
    return { ok: true, line: copyLine(line) };
  }

  async appendPoints(roomUuid: string, a: PointsAppend): Promise<AppendResult> {
    const room = this.rooms.get(roomUuid);
    if (!room) return { ok: false, error: 'no_room' };
    const line = room.lines.get(a.uuid);
    if (!line) {
      if (a.color === undefined || a.tool === undefined) return { ok: false, error: 'needs_style' };
      assertPlainLine({ ...a, name: defaultName('line', a.uuid), color: a.color, tool: a.tool });
      if (a.points.length > this.limits.lineNumbers) return { ok: false, error: 'line_too_long' };
      if (room.lines.size >= this.limits.drawingLines) return { ok: false, error: 'drawing_full' };
      const created: Line = {
        uuid: a.uuid,
        name: defaultName('line', a.uuid),
        points: a.points.slice(),
        tool: a.tool,
        color: a.color,
        user_uuid: a.user_uuid,
      };
      const chars = charsOf(created);
      if (room.chars + chars > this.limits.drawingChars) {
        return { ok: false, error: 'drawing_full' };
      }
      room.chars += chars;
      room.lines.set(a.uuid, created);
      return { ok: true, color: created.color, tool: created.tool, user_uuid: created.user_uuid };
    }
    if (line.points.length + a.points.length > this.limits.lineNumbers) {
      return { ok: false, error: 'line_too_long' };
    }
    const more = appendedChars(line.points.length, a.points);
    if (room.chars + more > this.limits.drawingChars) return { ok: false, error: 'drawing_full' };
    room.chars += more;
    for (const p of a.points) line.points.push(p);
    return { ok: true, color: line.color, tool: line.tool, user_uuid: line.user_uuid };
  }

  async deleteLine(roomUuid: string, lineUuid: string): Promise<boolean> {
    const room = this.rooms.get(roomUuid);
    const line = room?.lines.get(lineUuid);
    if (!room || !line) return false;
    room.chars -= charsOf(line);
    return room.lines.delete(lineUuid);
  }

  async resetDrawing(roomUuid: string): Promise<Drawing | undefined> {
    const room = this.rooms.get(roomUuid);
    if (room) {
      room.lines.clear();
      room.chars = 0;
    }
    return this.getDrawing(roomUuid);
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
