import type { Tool } from './limits.ts';

/** The `object` shapes of PROTOCOL.md. Times are `toISOString()` strings. */
export interface User {
  uuid: string;
  name: string;
  room_uuid: string | null;
}

export interface Room {
  uuid: string;
  name: string;
  color: string;
  /** At most LIMITS.roomUsersInline users, by time of entry. */
  users: User[];
  /** Message count. */
  sum: number;
  created: string;
  /** Exact number of users in the room. */
  user_count: number;
}

export interface Message {
  uuid: string;
  body: string;
  name: string;
  /** The author as they were when sending. */
  user: User;
  room_uuid: string;
  created: string;
  /** 1, 2, 3 ... per room, without gaps. */
  seq: number;
}

export interface Line {
  uuid: string;
  name: string;
  points: number[];
  tool: Tool;
  color: string;
  user_uuid: string;
}

export interface Drawing {
  uuid: string;
  name: string;
  lines: Line[];
  room_uuid: string;
}
