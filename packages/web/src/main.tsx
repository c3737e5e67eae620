import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ChatApi } from './api/chatApi.ts';
import { createStore, selectCurrentRoom } from './store/index.ts';
import { uiActions } from './store/ui.ts';
import { loadRead, saveRead } from './store/read.ts';
import { mentionsMe } from './mentions.ts';
import { notify, readNotify, shouldNotify } from './notify.ts';
import { readThemeCookie } from './themes.ts';
import { playMentionSound, playMessageSound, readMuted } from './sound.ts';
import { App } from './App.tsx';
import './styles/app.css';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const store = createStore(
  {
    theme: readThemeCookie(document.cookie),
    muted: readMuted(storage()),
    notify: readNotify(storage()),
  },
  loadRead(storage()),
);
// how far each room was read, kept for the next visit (written when it changes)
let read = store.getState().read;
store.subscribe(() => {
  const now = store.getState().read;
  if (now === read) return;
  read = now;
  saveRead(storage(), now);
});
/**
 * What came meanwhile is stored at the next animation frame, or after BATCH_MS when frames do
 * not come (a hidden page has none).
 */
const BATCH_MS = 100;
function nextFrame(run: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, BATCH_MS);
}
// the server is the page's own origin; the token stays in localStorage under 'token'
const api = new ChatApi(store, {
  storage: storage(),
  batch: nextFrame,
  onNewMessage: (own, message) => {
    const s = store.getState();
    // naming the reader has a sound of its own: heard from a hidden page, as the notification
    const mentioned = !own && mentionsMe(message.body, s.user.me?.name ?? '');
    if (!s.ui.muted) {
      if (mentioned) playMentionSound();
      else playMessageSound(own);
    }
    if (own || !document.hidden) return;
    store.dispatch(uiActions.unreadAdded());
    if (shouldNotify(s.ui.notify, mentioned)) {
      const room = selectCurrentRoom(s)?.name ?? 'a room';
      const title = `${message.user.name}${mentioned ? ' named you' : ''} in ${room}`;
      notify(title, message.body, message.room_uuid);
    }
  },
});
document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  store.dispatch(uiActions.unreadCleared());
  // a tab coming back after a long sleep tries at once, not after its backoff
  api.retryNow();
});
window.addEventListener('online', () => api.retryNow());
api.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} api={api} />
  </StrictMode>,
);
