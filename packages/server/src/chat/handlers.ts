import type { CallName } from '@chat/protocol';
import type { HandlerTable } from './context.ts';
import {
  appendDrawPoints,
  changeDrawLine,
  deleteDrawLine,
  getDrawing,
  resetDrawing,
} from './drawing.ts';
import { createMessage, listMessages } from './messages.ts';
import {
  changeColor,
  changeName,
  createRoom,
  deleteRoom,
  enterRoom,
  leaveRoom,
  listRooms,
  listRoomUsers,
} from './rooms.ts';
import { changeUserName, typing } from './users.ts';

/** Each call name and its handler, as the original Server class's call_methods. */
export const handlers: HandlerTable = {
  create_room: createRoom,
  delete_room: deleteRoom,
  list_rooms: listRooms,
  enter_room: enterRoom,
  leave_room: leaveRoom,
  change_color: changeColor,
  change_name: changeName,
  change_user_name: changeUserName,
  create_message: createMessage,
  list_messages: listMessages,
  change_draw_line: changeDrawLine,
  get_drawing: getDrawing,
  reset_drawing: resetDrawing,
  append_draw_points: appendDrawPoints,
  delete_draw_line: deleteDrawLine,
  list_room_users: listRoomUsers,
  typing,
};

/** Calls answered to the caller alone: they work while the bus is away. */
export const CALLER_ONLY: ReadonlySet<CallName> = new Set([
  'list_rooms',
  'list_messages',
  'get_drawing',
  'list_room_users',
]);

/**
 * What a call costs against the budgets of its connection and address, where it is more
 * than 1: the reads that send pages (a drawing can be 2 MB, a search examines thousands of
 * rooms), so that a client is limited by the work it causes, not only by its count of calls.
 */
export const CALL_COSTS: Partial<Record<CallName, number>> = {
  // about 2 ms of the server's time for a search over thousands of rooms, or a page of 200
  list_rooms: 10,
  enter_room: 10,
  get_drawing: 10,
  list_messages: 3,
  list_room_users: 3,
};
