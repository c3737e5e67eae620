import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../api/context.tsx';
import { APP_NAME, useIsPhone, useTicker } from '../hooks.ts';
import { useAppDispatch, useAppSelector } from '../store/index.ts';
import { uiActions, type Connection } from '../store/ui.ts';
import { THEMES, themeCookie } from '../themes.ts';
import { writeMuted } from '../sound.ts';
import { NOTIFY_LEVELS, notificationPermission, writeNotify, type NotifyLevel } from '../notify.ts';
import { Button } from './Buttons.tsx';
import { InlineEdit } from './Input.tsx';
import { PopoverButton } from './Popover.tsx';

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  offline: 'Offline, reconnecting…',
  taken_over: 'Open in another tab',
};

/** "12 s", "3 min": a wait, as the server words its own (seconds up, minutes to the nearest). */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.max(1, Math.round(s / 60))} min`;
}

export function ConnectionStatus() {
  const api = useApi();
  const connection = useAppSelector((s) => s.ui.connection);
  const retryAt = useAppSelector((s) => s.ui.retryAt);
  const waiting = connection === 'offline' && retryAt !== null;
  const now = useTicker(1000, waiting);
  // the server asked this address to come back later: no reconnecting until then
  const text = waiting
    ? `Offline: the server asked to wait, reconnecting in ${waitText(retryAt - now)}`
    : CONNECTION_TEXT[connection];
  return (
    <span
      className={`connection connection-${connection}${waiting ? ' connection-waiting' : ''}`}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
      {connection === 'offline' && !waiting && (
        <Button className="reconnect" onClick={() => api.retryNow()}>
          Reconnect now
        </Button>
      )}
    </span>
  );
}

function UserName() {
  const api = useApi();
  const me = useAppSelector((s) => s.user.me);
  const [editing, setEditing] = useState(false);
  if (!me) return <span className="user-name muted">…</span>;
  if (editing) {
    return (
      <InlineEdit
        value={me.name}
        label="Your name"
        onSave={(name) => {
          api.changeUserName(name);
          setEditing(false);
        }}
        onCancel={() => setEditing(false)}
      />
    );
  }
  return (
    <Button
      className="user-name"
      title="Change your name"
      aria-label={`Your name: ${me.name}. Change your name`}
      onClick={() => setEditing(true)}
    >
      <span className="user-name-text" data-testid="my-name">
        {me.name}
      </span>
      <span aria-hidden="true"> ✎</span>
    </Button>
  );
}

function ThemeSlider() {
  const dispatch = useAppDispatch();
  const theme = useAppSelector((s) => s.ui.theme);
  return (
    <label className="theme-slider">
      <span className="sr-only">Theme</span>
      <input
        type="range"
        min={0}
        max={THEMES.length - 1}
        step={1}
        value={theme}
        aria-label="Theme selector"
        aria-valuetext={`${THEMES[theme]?.name ?? ''} (${theme + 1} of ${THEMES.length})`}
        onChange={(e) => {
          const n = Number(e.target.value);
          document.cookie = themeCookie(n);
          dispatch(uiActions.themeChosen(n));
        }}
      />
    </label>
  );
}

const NOTIFY_TEXT: Record<NotifyLevel, string> = {
  all: 'every message',
  mentions: 'mentions',
  off: 'off',
};

/** The same, as choices of the phone's menu ("Notify me of ..."). */
const NOTIFY_CHOICE: Record<NotifyLevel, string> = {
  all: 'Every message',
  mentions: 'Mentions of me',
  off: 'Nothing',
};

/** Which messages a hidden page tells about, kept in this browser. */
function useNotifyLevel(): [NotifyLevel, (level: NotifyLevel) => void] {
  const dispatch = useAppDispatch();
  const level = useAppSelector((s) => s.ui.notify);
  const set = (next: NotifyLevel) => {
    writeNotify(typeof localStorage === 'undefined' ? null : localStorage, next);
    dispatch(uiActions.notifySet(next));
  };
  return [level, set];
}

/** The browser's permission, asked from here only (never at load), while notifying is on. */
function AllowNotifications({ level }: { level: NotifyLevel }) {
  const [permission, setPermission] = useState(notificationPermission);
  if (permission !== 'default' || level === 'off') return null;
  return (
    <Button onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}>
      Allow notifications
    </Button>
  );
}

/** Which messages a hidden page tells about (the desktop's header has room for a select). */
function NotifyChoice() {
  const [level, setLevel] = useNotifyLevel();
  return (
    <span className="notify">
      <select
        aria-label="Desktop notifications"
        value={level}
        onChange={(e) => setLevel(e.target.value as NotifyLevel)}
      >
        {NOTIFY_LEVELS.map((l) => (
          <option key={l} value={l}>
            Notify: {NOTIFY_TEXT[l]}
          </option>
        ))}
      </select>
      <AllowNotifications level={level} />
    </span>
  );
}

/** The same choice on a phone: a bell beside Info, its choices in a popover. */
function NotifyMenu() {
  const [level, setLevel] = useNotifyLevel();
  return (
    <PopoverButton
      className="icon notify-menu-button"
      label={`Notifications: ${NOTIFY_TEXT[level]}`}
      dialogLabel="Notifications"
      content={() => (
        <fieldset className="notify-menu">
          <legend>Notify me of</legend>
          {NOTIFY_LEVELS.map((l) => (
            <label key={l}>
              <input
                type="radio"
                name="notify"
                value={l}
                checked={level === l}
                // the choice in hand: the popover opens on it
                autoFocus={level === l}
                onChange={() => setLevel(l)}
              />
              {NOTIFY_CHOICE[l]}
            </label>
          ))}
          <AllowNotifications level={level} />
        </fieldset>
      )}
    >
      <BellIcon off={level === 'off'} />
    </PopoverButton>
  );
}

function BellIcon({ off }: { off: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" className="bell">
      <path
        d="M6 17h12l-1.5-2V10a4.5 4.5 0 0 0-9 0v5L6 17Zm4 2a2 2 0 0 0 4 0"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
      {off && <path d="M4 4l16 16" stroke="currentColor" strokeWidth="1.8" />}
    </svg>
  );
}

function MuteSwitch() {
  const dispatch = useAppDispatch();
  const muted = useAppSelector((s) => s.ui.muted);
  return (
    <label className="mute">
      <input
        type="checkbox"
        role="switch"
        checked={!muted}
        aria-label="Sounds"
        onChange={(e) => {
          const m = !e.target.checked;
          writeMuted(typeof localStorage === 'undefined' ? null : localStorage, m);
          dispatch(uiActions.mutedSet(m));
        }}
      />
      <span aria-hidden="true">Sound</span>
    </label>
  );
}

export function Header() {
  const phone = useIsPhone();
  return (
    <header className="header">
      <Link to="/" className="app-name">
        {APP_NAME}
      </Link>
      <UserName />
      <ConnectionStatus />
      <div className="header-tools">
        <ThemeSlider />
        <MuteSwitch />
        {/* the phone header has room for two rows only (e2e/phone.test.ts): a bell there */}
        {phone ? <NotifyMenu /> : <NotifyChoice />}
        <Link to="/info" className="info-link">
          Info
        </Link>
      </div>
    </header>
  );
}
