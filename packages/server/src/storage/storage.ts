import {
  LIMITS,
  type Drawing,
  type Line,
  type Message,
  type ReplyTo,
  type Room,
  type Tool,
  type User,
  type Visibility,
} from '@chat/protocol';

/**
 * Every database connection of this node stayed in use for as long as a call may wait for
 * one: the node is overloaded, the database may well be fine (told apart from a database
 * that cannot be reached, for the error statement and the log).
 */
export class StorageBusy extends Error {
  constructor(options?: ErrorOptions) {
    super('every database connection of this node stayed in use', options);
    this.name = 'StorageBusy';
  }
}

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
  /** Its creator (none: a room made before owners, or by storage tests). */
  owner?: string | null;
  /** Default `public`. */
  visibility?: Visibility;
}

/** What `rooms.update` may change. */
export interface RoomFields {
  name?: string;
  color?: string;
  locked?: boolean;
  visibility?: Visibility;
}

export interface NewMessage {
  uuid: string;
  room_uuid: string;
  body: string;
  /** The author as they are when sending (room_uuid is the message's room). */
  user: User;
  created: string;
  /**
   * The id of the call that sends it: the same call sent again (a client that lost its
   * answer when its connection dropped) is the same message (see RESEND_WINDOW_MS).
   */
  call_id?: string;
  /** The message it answers, as that message is now (see `replyOf`). */
  reply_to?: ReplyTo;
}

/** A change to a stored message; each gives the message the room's next `rev`. */
export type MessageChange =
  | { kind: 'edit'; body: string; at: string }
  /** The body, reply and reactions go; the message keeps its place and author. */
  | { kind: 'delete'; at: string }
  /** Adds the user's reaction with `emoji`, or takes it back when it is there. */
  | { kind: 'react'; emoji: string; user: string };

export type MessageChangeResult =
  | { ok: true; message: Message }
  /** `not_found`: no such message in the room, or it is deleted. */
  | { ok: false; error: 'not_found' | 'too_many_emoji' };

export interface PointsAppend {
  uuid: string;
  points: number[];
  color?: string;
  tool?: Tool;
  /** Taken only when the append creates the line, like color and tool. */
  width?: number;
  user_uuid: string;
}

export type DeleteRoomResult =
  { ok: true; room: Room } | { ok: false; error: 'not_found' | 'not_empty' };
export type LineResult =
  { ok: true; line: Line } | { ok: false; error: 'no_room' | 'drawing_full' };

/** What a points append reports: the line's style (points are the caller's own). */
export type AppendResult =
  | { ok: true; color: string; tool: Tool; user_uuid: string; width?: number }
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

/** The limits of PROTOCOL.md (and ours), as storage takes them. */
export const STORAGE_LIMITS: StorageLimits = {
  lineNumbers: LIMITS.lineNumbers,
  drawingLines: LIMITS.drawingLines,
  drawingChars: LIMITS.drawingChars,
  roomUsersInline: LIMITS.roomUsersInline,
  searchScanRows: 5_000,
};

/** Users and their identity tokens. */
export interface IdentityStore {
  /** Stores a new user with the hash of its resume token. */
  create(user: User, tokenHash: string, now: string): Promise<void>;
  get(uuid: string): Promise<User | undefined>;
  /** The user whose token hash this is, if it was used at or after `usedSince`; marks it used `now`. */
  resume(tokenHash: string, usedSince: string, now: string): Promise<User | undefined>;
  /** Marks the identity used now (keeps its token alive). */
  touch(uuid: string, now: string): Promise<void>;
  rename(uuid: string, name: string): Promise<User | undefined>;
  /** Forgets users whose token was last used before `usedBefore` and who are in no room. Returns how many. */
  purge(usedBefore: string): Promise<number>;
}

/** Who is in which room, held by which node and connection; and the nodes' leases. */
export interface PresenceStore {
  /**
   * Puts the user in `roomUuid` (or in none), held by `holder`, entered at `now`.
   * Entering the room the user is already in keeps the old entry time.
   * Returns the room the user was in before, or 'no_room' when the room does not exist.
   */
  set(
    userUuid: string,
    roomUuid: string | null,
    holder: Holder,
    now: string,
  ): Promise<{ previous: string | null } | 'no_room'>;
  /** Takes the user's presence over for a new holder, keeping the room and entry time. */
  takeOver(userUuid: string, holder: Holder): Promise<User | undefined>;
  /** Takes the user out of `roomUuid` if it is in it (a kick). True when it was. */
  leave(userUuid: string, roomUuid: string): Promise<boolean>;
  /** Removes the user from its room if `holder` still holds it. Returns the room left. */
  release(userUuid: string, holder: Holder): Promise<string | null>;
  /** Removes from their rooms all users held by `node`. Returns the rooms that changed. */
  releaseNode(node: string): Promise<string[]>;
  /**
   * Extends `node`'s lease to `until` (times are ISO strings, compared as text). Returns
   * whether it still held a lease at `now`; false when new, ended or reaped, in which case
   * the node's users may have been taken out of their rooms.
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
}

export interface RoomStore {
  create(room: NewRoom): Promise<Room>;
  get(uuid: string): Promise<Room | undefined>;
  update(uuid: string, change: RoomFields): Promise<Room | undefined>;
  /** Deletes the room, its messages and drawing, only if no user is in it. */
  delete(uuid: string): Promise<DeleteRoomResult>;
  /**
   * The newest `limit` rooms older than `before` (all when absent) whose name, lowercased,
   * contains `query` lowercased as a literal substring. A search may examine no more than
   * `searchScanRows` rooms for a page: then the page may be short, with `next` after the
   * last room examined. Only public rooms are listed, and `viewer`'s own unlisted ones.
   */
  list(opts: {
    query?: string;
    viewer?: string;
    before?: RoomPosition;
    limit: number;
  }): Promise<Page<Room, RoomPosition>>;
  /** Members of a room in order of entry, after `after`. */
  listUsers(
    roomUuid: string,
    opts: { after?: MemberPosition; limit: number },
  ): Promise<Page<User, MemberPosition>>;
}

export interface MessageStore {
  /**
   * Commits the message with the room's next seq. Undefined when the room does not exist.
   * A message with the `call_id`, author, room and body of one stored within
   * RESEND_WINDOW_MS before it is not stored again: that stored message is returned (its
   * uuid, not the one given, which is how a caller tells).
   */
  add(message: NewMessage): Promise<Message | undefined>;
  /** Newest `limit` (no bound), older than `before`, or oldest `limit` newer than `after`; ascending seq. */
  list(
    roomUuid: string,
    opts: { before?: number; after?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }>;
  /** The message with this uuid in the room, deleted or not. */
  get(roomUuid: string, uuid: string): Promise<Message | undefined>;
  change(roomUuid: string, uuid: string, change: MessageChange): Promise<MessageChangeResult>;
  /**
   * The oldest `limit` messages created or changed after the room's change number `after`,
   * each as it is now, in ascending `rev`: what a client that saw up to `after` missed.
   */
  changes(
    roomUuid: string,
    opts: { after: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }>;
  /**
   * The newest `limit` messages older than `before` whose body holds every word of `query`
   * (see searchWords: as whole words), newest first.
   */
  search(
    roomUuid: string,
    opts: { query: string; before?: number; limit: number },
  ): Promise<{ list: Message[]; has_more: boolean }>;
}

/**
 * Who is barred from which room until when (a kick). A subject is a user (`user:<uuid>`)
 * or a network address (`address:<keyed hash>`, never the address itself).
 */
export interface BanStore {
  /**
   * Bars the subjects from the room until `until` (a later bar already there is kept); no
   * room, no bar. The bars go with their room.
   */
  add(roomUuid: string, subjects: string[], until: string): Promise<void>;
  /** The latest end of a bar of any of the subjects still running at `now`; null when none. */
  until(roomUuid: string, subjects: string[], now: string): Promise<string | null>;
}

export interface DrawingStore {
  get(roomUuid: string): Promise<Drawing | undefined>;
  /**
   * The same drawing as JSON text: what is sent, without reading it into objects and
   * serializing it again (a drawing may be 2 MB).
   */
  getJson(roomUuid: string): Promise<string | undefined>;
  /** Inserts or replaces a line (keyed by uuid within the room). */
  putLine(roomUuid: string, line: Line): Promise<LineResult>;
  /** Appends points to a line, creating it when new (then color and tool are required). */
  appendPoints(roomUuid: string, append: PointsAppend): Promise<AppendResult>;
  /**
   * True when a line was deleted, false when there is no such line. With `author`, only a
   * line drawn by that user is deleted: someone else's is kept, answered `not_author`.
   */
  deleteLine(roomUuid: string, lineUuid: string, author?: string): Promise<boolean | 'not_author'>;
  /** Empties the drawing; undefined when the room does not exist. */
  reset(roomUuid: string): Promise<Drawing | undefined>;
}

/**
 * The repository of the original design, in async TypeScript, in parts. Every
 * implementation passes the conformance suite in test/storage.test.ts, a section a part.
 * Methods never throw for "not found": they return undefined or a result object; a throw
 * means the store failed.
 */
export interface Storage {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly identity: IdentityStore;
  readonly presence: PresenceStore;
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  readonly drawings: DrawingStore;
  readonly bans: BanStore;
  /**
   * A random secret of this deployment, made on first use and shared by every node on the
   * same storage (the key that hashes network addresses).
   */
  secret(name: string): Promise<string>;
  /** Cheap round trip, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
