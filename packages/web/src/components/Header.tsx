import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../api/context.tsx';
import { APP_NAME, useIsPhone, useTicker } from '../hooks.ts';
import { useAppDispatch, useAppSelector } from '../store/index.ts';
import { uiActions, type Connection } from '../store/ui.ts';
import { THEMES, themeCookie } from '../themes.ts';
import { writeMuted } from '../sound.ts';
import { notificationPermission, writeNotify, type NotifyLevel } from '../notify.ts';
import { Button } from './Buttons.tsx';
import { InlineEdit } from './Input.tsx';

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

/** Which messages a hidden page tells about; the browser's permission asked from here only. */
function NotifyChoice() {
  const dispatch = useAppDispatch();
  const level = useAppSelector((s) => s.ui.notify);
  const [permission, setPermission] = useState(notificationPermission);
  return (
    <span className="notify">
      <select
        aria-label="Desktop notifications"
        value={level}
        onChange={(e) => {
          const next = e.target.value as NotifyLevel;
          writeNotify(typeof localStorage === 'undefined' ? null : localStorage, next);
          dispatch(uiActions.notifySet(next));
        }}
      >
        <option value="all">Notify: every message</option>
        <option value="mentions">Notify: mentions</option>
        <option value="off">Notify: off</option>
      </select>
      {permission === 'default' && level !== 'off' && (
        <Button onClick={() => void Notification.requestPermission().then((p) => setPermission(p))}>
          Allow notifications
        </Button>
      )}
    </span>
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
        {/* the phone header has room for two rows only (e2e/phone.test.ts) */}
        {!phone && <NotifyChoice />}
        <Link to="/info" className="info-link">
          Info
        </Link>
      </div>
    </header>
  );
}
