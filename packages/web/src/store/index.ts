import { combineReducers, configureStore, createSelector } from '@reduxjs/toolkit';
import { useDispatch, useSelector } from 'react-redux';
import type { Room, User } from '@chat/protocol';
import { userReducer } from './user.ts';
import { roomsReducer, compareRooms } from './rooms.ts';
import { messagesReducer } from './messages.ts';
import { drawingReducer } from './drawing.ts';
import { logReducer } from './log.ts';
import { uiReducer, type UiState } from './ui.ts';
import { readReducer, type ReadState } from './read.ts';

export const rootReducer = combineReducers({
  user: userReducer,
  rooms: roomsReducer,
  messages: messagesReducer,
  drawing: drawingReducer,
  log: logReducer,
  ui: uiReducer,
  read: readReducer,
});

export type RootState = ReturnType<typeof rootReducer>;

export function createStore(ui?: Partial<UiState>, read?: ReadState) {
  const initial = rootReducer(undefined, { type: '@@init' });
  return configureStore({
    reducer: rootReducer,
    preloadedState: { ...initial, ui: { ...initial.ui, ...ui }, read: read ?? initial.read },
    // Lists here can be long (100,000 messages): skip the dev-only deep checks.
    middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }),
  });
}

export type AppStore = ReturnType<typeof createStore>;
export type AppDispatch = AppStore['dispatch'];

export const useAppDispatch = useDispatch.withTypes<AppDispatch>();
export const useAppSelector = useSelector.withTypes<RootState>();

const selectRoomsById = (s: RootState) => s.rooms.byId;
const selectMainIds = (s: RootState) => s.rooms.main;
const selectSearch = (s: RootState) => s.rooms.search;

/** The rooms to list: the search results while searching, else the main list; newest first. */
export const selectVisibleRooms = createSelector(
  [selectRoomsById, selectMainIds, selectSearch],
  (byId, main, search): Room[] => {
    const ids = search ? search.ids : main;
    const rooms: Room[] = [];
    for (const id of ids) {
      const r = byId[id];
      if (r) rooms.push(r);
    }
    return rooms.sort(compareRooms);
  },
);

export const selectCurrentRoom = (s: RootState): Room | undefined =>
  s.rooms.current === null ? undefined : s.rooms.byId[s.rooms.current];

const NO_USERS: readonly User[] = [];

/** The current room's users as far as known: the paged member list once read, else the room's own. */
export const selectRoomUsers = (s: RootState): readonly User[] => {
  const room = selectCurrentRoom(s);
  if (!room) return NO_USERS;
  const members = s.rooms.members;
  return members !== null && members.roomUuid === room.uuid && members.list.length > 0
    ? members.list
    : room.users;
};
