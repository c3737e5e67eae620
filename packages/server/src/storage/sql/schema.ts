import type { Generated, Kysely } from 'kysely';

/** The tables, as Kysely sees them. Times are the ISO strings given, stored as TEXT. */
export interface Database {
  rooms: RoomsTable;
  drawings: DrawingsTable;
  users: UsersTable;
  messages: MessagesTable;
  lines: LinesTable;
  nodes: NodesTable;
  reactions: ReactionsTable;
  bans: BansTable;
  secrets: SecretsTable;
}

export interface RoomsTable {
  uuid: string;
  name: string;
  /** `name.toLowerCase()` (JavaScript's), searched as a literal substring. */
  name_lower: string;
  color: string;
  created: string;
  /** Message count: the last seq given out. */
  sum: number;
  /** Change number: the last rev given to one of its messages (created or changed). */
  rev: Generated<number>;
  /** The user who created it; null for rooms made before owners. */
  owner: string | null;
  /** 1 when locked. */
  locked: Generated<number>;
  /** `public` or `unlisted`. */
  visibility: Generated<string>;
}

/** A kicked subject (`user:<uuid>` or `address:<keyed hash>`) kept out of a room until `until`. */
export interface BansTable {
  room_uuid: string;
  subject: string;
  until: string;
}

/** Random secrets of the deployment, made once (see Storage.secret). */
export interface SecretsTable {
  name: string;
  value: string;
}

/** One per room. Its row is the lock that serializes changes to the room's set of lines. */
export interface DrawingsTable {
  room_uuid: string;
  uuid: string;
  line_count: number;
  /** Characters of all of the room's lines as JSON (their lineChars summed). */
  chars: Generated<number>;
  /** Raised by every change of the drawing (see DrawingJsonCache). */
  version: Generated<number>;
}

export interface UsersTable {
  uuid: string;
  name: string;
  token_hash: string;
  last_used: string;
  room_uuid: string | null;
  entered: string | null;
  holder_node: string | null;
  holder_session: string | null;
}

export interface MessagesTable {
  room_uuid: string;
  seq: number;
  uuid: string;
  body: string;
  user_uuid: string;
  user_name: string;
  created: string;
  /** The id of the call that sent it, to know it again when it is sent again. */
  call_id: string | null;
  edited: string | null;
  deleted: string | null;
  /** JSON of its ReplyTo. */
  reply_to: string | null;
  /** JSON of what it shows of its reactions (Reaction[]); null for none. */
  reactions: string | null;
  /** The room's change number when it was created or last changed. */
  rev: number;
}

/** One user's reaction to one message. */
export interface ReactionsTable {
  /** Order of reacting. BIGINT on PostgreSQL (read back as a string). */
  position: Generated<number | string>;
  room_uuid: string;
  seq: number;
  emoji: string;
  user_uuid: string;
}

export interface LinesTable {
  /** Drawing order; an upsert keeps it. BIGINT on PostgreSQL (read back as a string). */
  position: Generated<number | string>;
  room_uuid: string;
  uuid: string;
  name: string;
  /** The flat point list as JSON text. */
  points: string;
  /** Numbers in `points`, to check the limit without reading them. */
  point_count: number;
  tool: string;
  color: string;
  user_uuid: string;
  /** Its width as JSON number text; null: the original's width. */
  width: string | null;
}

/** One per live (or dead but not yet reaped) node: who holds presence, and until when. */
export interface NodesTable {
  node: string;
  lease_until: string;
}

/** The database or a transaction on it. */
export type Db = Kysely<Database>;
