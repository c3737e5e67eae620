import {
  LIMITS,
  type Drawing,
  type Line,
  type Message,
  type Room,
  type Tool,
  type User,
} from '@chat/protocol';

/** Who holds a user's presence: the node and the connection (session) on it. */
export interface Holder {
  node: string;
  session: string;
}

/** A position in the list of rooms: by creation time, ties by uuid. */
export interface RoomPosition {
  created: string;
  uuid: string;
}

/** A position in a room's member list: by time of entry, ties by user uuid. */
export interface MemberPosition {
  entered: string;
  uuid: string;
}

export interface NewRoom {
  uuid: string;
  name: string;
  color: string;
  created: string;
  drawing_uuid: string;
}

export interface NewMessage {
  uuid: string;
  room_uuid: string;
  body: string;
  /** The author as they are when sending (room_uuid is the message's room). */
  user: User;
  created: string;
}

export interface PointsAppend {
  uuid: string;
  points: number[];
  color?: string;
  tool?: Tool;
  user_uuid: string;
}

export type DeleteRoomResult =
  { ok: true; room: Room } | { ok: false; error: 'not_found' | 'not_empty' };
export type LineResult =
  { ok: true; line: Line } | { ok: false; error: 'no_room' | 'drawing_full' };

/** What a points append reports: the line's style (points are the caller's own). */
export type AppendResult =
  | { ok: true; color: string; tool: Tool; user_uuid: string }
  | { ok: false; error: 'no_room' | 'drawing_full' | 'line_too_long' | 'needs_style' };

export interface Page<T, P> {
  /** In ascending order. */
  list: T[];
  /** Position to continue from (exclusive), or null when nothing remains. */
  next: P | null;
}

export interface StorageLimits {
  /** Numbers in one line. */
  lineNumbers: number;
  /** Lines in one drawing. */
  drawingLines: number;
  /** Characters of all of one drawing's lines, as JSON (see lineChars). */
  drawingChars: number;
  /** Users inlined in a room object. */
  roomUsersInline: number;
  /**
   * Rooms a search examines at most for one page when no index narrows it down: the bound
   * on its cost (a page may then hold fewer matches than asked, with a cursor to go on).
   */
  searchScanRows: number;
}

/** A line without its points (as stored: `tool` is any text there). */
export type LineMeta = Record<'uuid' | 'name' | 'tool' | 'color' | 'user_uuid', string>;

/**
 * Characters a line takes in a drawing written as JSON, its points taking `pointsChars`:
 * what a drawing's `drawingChars` counts, every field of every line, so that nothing a
 * client sends escapes the limit.
 */
export function lineChars(line: LineMeta, pointsChars: number): number {
  const { uuid, name, tool, color, user_uuid } = line;
  return JSON.stringify({ uuid, name, points: 0, tool, color, user_uuid }).length - 1 + pointsChars;
}

/**
 * Every field of a stored line but its points is plain text that needs no escaping in JSON
 * (a UUID, `line-` and that UUID, a tool name, a #hex color, a server-made user uuid), so
 * that a drawing can be written as JSON by joining them. The protocol checks all of them;
 * this is the storage's own guard, and a failure is a bug.
 */
export function assertPlainLine(line: LineMeta): void {
  for (const value of [line.uuid, line.name, line.tool, line.color, line.user_uuid]) {
    if (!/^[\w#-]*$/.test(value))
      throw new Error(`a line field that JSON would escape: ${value.slice(0, 80)}`);
  }
}

/**
 * How much longer a line's points get, as JSON, when `added` is appended to its `count`
 * numbers (its other fields do not change).
 */
export function appendedChars(count: number, added: readonly number[]): number {
  if (added.length === 0) return 0;
  // "[a]" becomes "[a,b]": the new numbers and a comma, unless the line was empty ("[]")
  return JSON.stringify(added).length - 2 + (count > 0 ? 1 : 0);
}

/** The limits of PROTOCOL.md (and ours), as storage takes them. */
export const STORAGE_LIMITS: StorageLimits = {
  lineNumbers: LIMITS.lineNumbers,
  drawingLines: LIMITS.drawingLines,
  drawingChars: LIMITS.drawingChars,
  roomUsersInline: LIMITS.roomUsersInline,
  searchScanRows: 5_000,
};

/**
 * The repository of the original design, in async TypeScript. Every implementation
 * passes the conformance suite in test/storage.test.ts. Methods never throw for
 * "not found": they return undefined or a result object; a throw means the store failed.
 */
export interface Storage {
  readonly kind: 'memory' | 'sqlite' | 'postgres';

  // --- users and identities ---
  /** Stores a new user with the hash of its resume token. */
  createUser(user: User, tokenHash: string, now: string): Promise<void>;
  getUser(uuid: string): Promise<User | undefined>;
  /** The user whose token hash this is, if it was used at or after `usedSince`; marks it used `now`. */
  resumeUser(tokenHash: string, usedSince: string, now: string): Promise<User | undefined>;
  /** Marks the identity used now (keeps its token alive). */
  touchUser(uuid: string, now: string): Promise<void>;
  renameUser(uuid: string, name: string): Promise<User | undefined>;
  /** Forgets users whose token was last used before `usedBefore` and who are in no room. Returns how many. */
  purgeUsers(usedBefore: string): Promise<number>;

  // --- presence ---
  /**
   * Puts the user in `room_uuid` (or in none), held by `holder`, entered at `now`.
   * Entering the room the user is already in keeps the old entry time.
   * Returns the room the user was in before, or 'no_room' when the room does not exist.
   */
  setPresence(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'>;
  /** Takes the user's presence over for a new holder, keeping the room and entry time. */
  takeOver(userUuid: string, holder: Holder): Promise<User | undefined>;
  /** Removes the user from its room if `holder` still holds it. Returns the room left. */
  releasePresence(userUuid: string, holder: Holder): Promise<string | null>;
  /** Removes from their rooms all users held by `node`. Returns the rooms that changed. */
  releaseNode(node: string): Promise<string[]>;

  // --- node leases (times are ISO strings, compared as text) ---
  /**
   * Extends `node`'s lease to `until`. Returns whether it still held a lease at `now`; false
   * when new, ended or reaped, in which case the node's users may have been taken out of
   * their rooms.
   */
  renewLease(node: string, now: string, until: string): Promise<boolean>;
  /** Nodes whose lease ended before `now`. */
  expiredNodes(now: string): Promise<string[]>;
  /**
   * If `node`'s lease ended before `now` (checked in the same transaction, so a node that
   * renews meanwhile is left alone): removes its users from their rooms and forgets the
   * node. Returns the rooms that changed.
   */
  reapNode(node: string, now: string): Promise<string[]>;

  // --- rooms ---
  createRoom(room: NewRoom): Promise<Room>;
  getRoom(uuid: string): Promise<Room | undefined>;
  updateRoom(uuid: string, change: { name?: string; color?: string }): Promise<Room | undefined>;
  /** Deletes the room, its messages and drawing, only if no user is in it. */
  deleteRoom(uuid: string): Promise<DeleteRoomResult>;
  /**
   * The newest `limit` rooms older than `before` (all when absent) whose name, lowercased,
   * contains `query` lowercased as a literal substring. A search may examine no more than
   * `searchScanRows` rooms for a page: then the page may be short, with `next` after the
   * last room examined.
   */
  listRooms(opts: {
    query?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>>;
  /** Members of a room in order of entry, after `after`. */
  listRoomUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>>;

  // --- messages ---
  /** Commits the message with the room's next seq. Undefined when the room does not exist. */
  addMessage(message: NewMessage): Promise<Message | undefined>;
  /** Newest `limit` (no bound), older than `before`, or oldest `limit` newer than `after`; ascending seq. */
  listMessages(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }>;

  // --- drawing ---
  getDrawing(roomUuid: string): Promise<Drawing | undefined>;
  /**
   * The same drawing as JSON text: what is sent, without reading it into objects and
   * serializing it again (a drawing may be 2 MB).
   */
  getDrawingJson(roomUuid: string): Promise<string | undefined>;
  /** Inserts or replaces a line (keyed by uuid within the room). */
  putLine(roomUuid: string, line: Line): Promise<LineResult>;
  /** Appends points to a line, creating it when new (then color and tool are required). */
  appendPoints(roomUuid: string, append: PointsAppend): Promise<AppendResult>;
  /** True when a line was deleted. */
  deleteLine(roomUuid: string, lineUuid: string): Promise<boolean>;
  /** Empties the drawing; undefined when the room does not exist. */
  resetDrawing(roomUuid: string): Promise<Drawing | undefined>;

  /** Cheap round trip, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
