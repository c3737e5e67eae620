import type { CallName } from '@chat/protocol';
import { appendDrawPoints } from './appendDrawPoints.ts';
import type { CallModule } from './call.ts';
import { changeColor } from './changeColor.ts';
import { changeDrawLine } from './changeDrawLine.ts';
import { changeName } from './changeName.ts';
import { changeRoomSettings } from './changeRoomSettings.ts';
import { changeUserName } from './changeUserName.ts';
import { createMessage } from './createMessage.ts';
import { createRoom } from './createRoom.ts';
import { deleteDrawLine } from './deleteDrawLine.ts';
import { deleteMessage } from './deleteMessage.ts';
import { editMessage } from './editMessage.ts';
import { deleteRoom } from './deleteRoom.ts';
import { enterRoom } from './enterRoom.ts';
import { getDrawing } from './getDrawing.ts';
import { kickUser } from './kickUser.ts';
import { leaveRoom } from './leaveRoom.ts';
import { listMessages } from './listMessages.ts';
import { listRooms } from './listRooms.ts';
import { listRoomUsers } from './listRoomUsers.ts';
import { moveCursor } from './moveCursor.ts';
import { ping } from './ping.ts';
import { react } from './react.ts';
import { resetDrawing } from './resetDrawing.ts';
import { searchMessages } from './searchMessages.ts';
import { typing } from './typing.ts';

/**
 * Every call's module, by name: the one table the dispatcher, the budgets and the index of
 * docs/protocol.md read. A call without a module does not compile.
 */
export const CALL_MODULES: { readonly [K in CallName]: CallModule<K> } = {
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
  edit_message: editMessage,
  delete_message: deleteMessage,
  react,
  search_messages: searchMessages,
  change_room_settings: changeRoomSettings,
  kick_user: kickUser,
  move_cursor: moveCursor,
  ping,
};

/** A call's module, for a name read off the wire. */
export function callModule(name: CallName): CallModule {
  return CALL_MODULES[name];
}

export type { Caller, CallDeps, CallModule, Outcome } from './call.ts';
export { ChatError, quotaError } from './call.ts';
