import type { NotifyLevel } from '../notify.ts';
import { createSlice, type PayloadAction } from '@reduxjs/toolkit';

export type Connection = 'connecting' | 'online' | 'offline' | 'taken_over';
export type LeftTab = 'log' | 'rooms';
export type RightTab = 'messages' | 'users' | 'drawing';
/** On a phone only one panel shows: the chosen tab of either side. */
export type PhonePanel = 'left' | 'right';

export interface Notice {
  id: number;
  text: string;
}

export interface UiState {
  connection: Connection;
  /**
   * Offline because the server said to try again later (a spent quota of this network
   * address): when the client connects again (milliseconds since the epoch).
   */
  retryAt: number | null;
  /** How many times the connection was (re)established. */
  connects: number;
  leftTab: LeftTab;
  rightTab: RightTab;
  phonePanel: PhonePanel;
  theme: number;
  muted: boolean;
  /** Which messages a hidden page notifies about (see notify.ts). */
  notify: NotifyLevel;
  notices: Notice[];
  nextNotice: number;
  /** Others' messages that arrived while the page was hidden (shown in the title). */
  unread: number;
}

export const initialUiState: UiState = {
  connection: 'connecting',
  retryAt: null,
  connects: 0,
  leftTab: 'log',
  rightTab: 'messages',
  phonePanel: 'right',
  theme: 0,
  muted: false,
  notify: 'mentions',
  notices: [],
  nextNotice: 1,
  unread: 0,
};

const uiSlice = createSlice({
  name: 'ui',
  initialState: initialUiState,
  reducers: {
    connectionChanged(state, action: PayloadAction<Connection>) {
      if (action.payload === 'online' && state.connection !== 'online') state.connects++;
      state.connection = action.payload;
      state.retryAt = null;
    },
    reconnectWaiting(state, action: PayloadAction<number>) {
      state.retryAt = action.payload;
    },
    leftTabChosen(state, action: PayloadAction<LeftTab>) {
      state.leftTab = action.payload;
      state.phonePanel = 'left';
    },
    rightTabChosen(state, action: PayloadAction<RightTab>) {
      state.rightTab = action.payload;
      state.phonePanel = 'right';
    },
    themeChosen(state, action: PayloadAction<number>) {
      state.theme = action.payload;
    },
    notifySet(state, action: PayloadAction<NotifyLevel>) {
      state.notify = action.payload;
    },
    mutedSet(state, action: PayloadAction<boolean>) {
      state.muted = action.payload;
    },
    noticeAdded(state, action: PayloadAction<string>) {
      state.notices.push({ id: state.nextNotice, text: action.payload });
      state.nextNotice++;
      if (state.notices.length > 3) state.notices.shift();
    },
    unreadAdded(state) {
      state.unread++;
    },
    unreadCleared(state) {
      state.unread = 0;
    },
    noticeDismissed(state, action: PayloadAction<number>) {
      state.notices = state.notices.filter((n) => n.id !== action.payload);
    },
  },
});

export const uiActions = uiSlice.actions;
export const uiReducer = uiSlice.reducer;
