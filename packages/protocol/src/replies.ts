import type { CallName, ResultName } from './names.ts';

/**
 * The result that completes each call for its caller on success, carrying the call's `id`;
 * null when nothing comes back on success. `enter_room` is completed by `drawing_got`, which
 * follows `room_entered` and `messages_listed` with the same id.
 */
export const CALL_REPLIES = {
  create_room: 'room_created',
  delete_room: 'room_deleted',
  list_rooms: 'rooms_listed',
  enter_room: 'drawing_got',
  leave_room: 'room_left',
  change_color: 'room_changed',
  change_name: 'room_changed',
  change_user_name: 'user_changed',
  create_message: 'message_created',
  list_messages: 'messages_listed',
  change_draw_line: 'draw_line_changed',
  get_drawing: 'drawing_got',
  reset_drawing: 'drawing_got',
  append_draw_points: null,
  delete_draw_line: 'draw_line_deleted',
  list_room_users: 'room_users_listed',
  typing: null,
  edit_message: 'message_changed',
  delete_message: 'message_deleted',
  react: 'message_changed',
  search_messages: 'messages_found',
  change_room_settings: 'room_changed',
  kick_user: 'room_changed',
  move_cursor: null,
  ping: 'pong',
} as const satisfies Record<CallName, ResultName | null>;

/** The result that completes call K (null: none). */
export type CallReply<K extends CallName> = (typeof CALL_REPLIES)[K];
/** Calls that are answered on success. */
export type AnsweredCall = { [K in CallName]: CallReply<K> extends null ? never : K }[CallName];
/** Calls that get nothing back on success (an error may still come). */
export type UnansweredCall = Exclude<CallName, AnsweredCall>;
