import type { Drawing, Line, Message, Room, User } from './entities.ts';
import type { CallName, ErrorName, ResultName } from './names.ts';
import type { Tool } from './limits.ts';

/** The data each result carries beside `message` (and `id` for the caller's copy). */
export interface ResultPayloads {
  user_created: { object: User; token: string; resumed: boolean };
  rooms_listed: { list: Room[]; cursor: string | null; query?: string };
  room_created: { object: Room };
  room_deleted: { object: Room };
  room_entered: { object: Room };
  room_left: { object: Room };
  room_changed: { object: Room };
  user_changed: { object: User };
  messages_listed: { list: Message[]; has_more: boolean; room_uuid: string };
  message_created: { object: Message };
  drawing_got: { object: Drawing };
  draw_line_changed: { object: Line };
  draw_points_appended: {
    uuid: string;
    points: number[];
    color: string;
    tool: Tool;
    user_uuid: string;
  };
  draw_line_deleted: { uuid: string };
  room_users_listed: { uuid: string; list: User[]; cursor: string | null };
  user_typing: { object: User };
}

export type ResultPayload<K extends ResultName = ResultName> = {
  [N in K]: { message: N; id?: string } & ResultPayloads[N];
}[K];

export interface ErrorPayload {
  message: ErrorName;
  detail: string;
  call?: string;
  id?: string;
  retry_after_ms?: number;
}

export interface ResultStatement<K extends ResultName = ResultName> {
  type: 'result';
  payload: ResultPayload<K>;
}
export interface ErrorStatement {
  type: 'error';
  payload: ErrorPayload;
}
export type ServerStatement = ResultStatement | ErrorStatement;

export interface CallStatement {
  type: 'call';
  payload: { message: CallName; id?: string; [field: string]: unknown };
}
