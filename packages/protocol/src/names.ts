/** Every statement name of PROTOCOL.md, spelled once. */

/** Calls of the original protocol. */
export const ORIGINAL_CALLS = [
  'create_room',
  'delete_room',
  'list_rooms',
  'enter_room',
  'leave_room',
  'change_color',
  'change_name',
  'change_user_name',
  'create_message',
  'list_messages',
  'change_draw_line',
  'get_drawing',
  'reset_drawing',
] as const;

/** Calls: client to server. */
export const CALLS = [
  ...ORIGINAL_CALLS,
  // extensions
  'append_draw_points',
  'delete_draw_line',
  'list_room_users',
  'typing',
  // wave 2: the conversation
  'edit_message',
  'delete_message',
  'react',
  'search_messages',
  // wave 2: rooms with owners
  'change_room_settings',
  'kick_user',
  // wave 2: the board
  'move_cursor',
  // a client's heartbeat: answered at once, touching nothing
  'ping',
] as const;
export type CallName = (typeof CALLS)[number];

/** Results the original server sent: all an original client (no `?v=2`) is ever pushed. */
export const ORIGINAL_RESULTS = [
  'user_created',
  'rooms_listed',
  'room_created',
  'room_deleted',
  'room_entered',
  'room_left',
  'room_changed',
  'user_changed',
  'messages_listed',
  'message_created',
  'drawing_got',
  'draw_line_changed',
] as const;

/** Results: server to client. */
export const RESULTS = [
  ...ORIGINAL_RESULTS,
  // extensions
  'draw_points_appended',
  'draw_line_deleted',
  'room_users_listed',
  'user_typing',
  'message_changed',
  'message_deleted',
  'messages_found',
  'user_kicked',
  'cursor_moved',
  'pong',
] as const;
export type ResultName = (typeof RESULTS)[number];

/** Error messages (always `type: "error"`). */
export const ERRORS = [
  'bad_data',
  'data_too_long',
  'not_sufficient_data',
  'unknown_statement',
  'no_specified_room',
  'no_selected_room',
  'not_valid_color',
  'not_empty_room',
  'not_valid_name',
  'not_valid_body',
  'not_valid_query',
  'not_valid_line',
  'drawing_full',
  'rate_limited',
  'session_taken_over',
  'no_specified_message',
  'not_message_author',
  'not_valid_emoji',
  'not_room_owner',
  'not_valid_visibility',
  'no_specified_user',
  'user_banned',
  // not in the original table: a storage or bus outage (clear error, nothing half-done)
  'unavailable',
] as const;
export type ErrorName = (typeof ERRORS)[number];

const callSet: ReadonlySet<string> = new Set(CALLS);
const originalResults: ReadonlySet<string> = new Set(ORIGINAL_RESULTS);

/** Whether the original server ever sent this result (an original client can show it). */
export function isOriginalResult(name: ResultName): boolean {
  return originalResults.has(name);
}
export function isCallName(name: string): name is CallName {
  return callSet.has(name);
}

/** One human sentence per error, sent as `detail` unless a handler says more. */
export const ERROR_DETAILS: Record<ErrorName, string> = {
  bad_data: 'The frame is not a JSON object with type "call".',
  data_too_long: 'The frame is longer than the allowed number of characters.',
  not_sufficient_data: 'A required field is missing or has the wrong type.',
  unknown_statement: 'No call has this name.',
  no_specified_room: 'The room does not exist.',
  no_selected_room: 'This call needs you to be in a room.',
  not_valid_color: 'The color must look like #rgb, #rrggbb or #rrggbbaa.',
  not_empty_room: 'The room still has users in it.',
  not_valid_name:
    'A name must be 1 to 64 characters with at least one visible character, and no control characters or direction overrides.',
  not_valid_body: 'A message must be 1 to 10,000 characters.',
  not_valid_query: 'A search must be 1 to 200 characters (a room search may be empty).',
  not_valid_line:
    'A line needs a UUID, an even number of finite numbers (at most 20,000) and the tool pen or eraser.',
  drawing_full:
    'The drawing is full: it holds as many lines or points as it may. Delete some, or reset it.',
  rate_limited: 'Too many calls: slow down.',
  session_taken_over: 'This identity was resumed on another connection.',
  no_specified_message: 'No such message in this room, or it was deleted.',
  not_message_author: 'Only its author may change this message.',
  not_valid_emoji:
    'A reaction must be exactly one emoji, and a message holds at most 20 different ones.',
  not_room_owner: "Only the room's owner may do this here.",
  not_valid_visibility: 'A room\'s visibility is "public" or "unlisted".',
  no_specified_user: 'That user is not in the room, or is its owner.',
  user_banned: 'You were removed from this room for a while.',
  unavailable: 'The service is temporarily unavailable; try again shortly.',
};

/** WebSocket close codes the server uses. */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  internalError: 1011,
  /** A quota of the client's network address is spent: retry_after_ms says when to come back. */
  tryAgainLater: 1013,
  sessionTakenOver: 4000,
} as const;
