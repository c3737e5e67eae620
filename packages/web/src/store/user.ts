import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { User } from '@chat/protocol';

export interface UserState {
  me: User | null;
  resumed: boolean;
}

export const initialUserState: UserState = { me: null, resumed: false };

const userSlice = createSlice({
  name: 'user',
  initialState: initialUserState,
  reducers: {
    created(state, action: PayloadAction<{ user: User; resumed: boolean }>) {
      state.me = action.payload.user;
      state.resumed = action.payload.resumed;
    },
    changed(state, action: PayloadAction<User>) {
      if (state.me === null || state.me.uuid === action.payload.uuid) state.me = action.payload;
    },
  },
});

export const userActions = userSlice.actions;
export const userReducer = userSlice.reducer;
