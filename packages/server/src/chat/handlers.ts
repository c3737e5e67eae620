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
