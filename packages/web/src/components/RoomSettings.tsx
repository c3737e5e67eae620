import { useEffect, useState, type ReactNode } from 'react';
import type { Room, User } from '@chat/protocol';
import { RESET_UNDO_MS } from '../api/chatApi.ts';
import { useApi } from '../api/context.tsx';
import { useTicker } from '../hooks.ts';
import { KICK_CHOICES, LOCKED_TEXT, UNLISTED_TEXT } from '../owners.ts';
import { useAppSelector } from '../store/index.ts';
import { Button } from './Buttons.tsx';
import { useCloseBack } from './Confirm.tsx';
import { PopoverButton } from './Popover.tsx';

/** A small icon of the text's color (its meaning is said beside it, in words or to readers). */
function Icon({ size = 14, children }: { size?: number; children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" className="icon-svg">
      {children}
    </svg>
  );
}

const LOCK = (
  <Icon>
    <rect x="5" y="10.5" width="14" height="10" rx="2" fill="currentColor" />
    <path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" fill="none" stroke="currentColor" strokeWidth="2.2" />
  </Icon>
);

const LINK = (
  <Icon>
    <path
      d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"
      fill="none"
      stroke="currentColor"
      strokeWidth="2.2"
      strokeLinecap="round"
    />
  </Icon>
);

/** The room owner's mark, beside their name. */
export function Crown() {
  return (
    <span className="crown" title="Room owner">
      <Icon size={16}>
        <path
          d="M3 8l4.5 4L12 5l4.5 7L21 8l-2 11H5L3 8z"
          fill="#f5b301"
          stroke="#7a5600"
          strokeWidth="1.4"
          strokeLinejoin="round"
        />
      </Icon>
      <span className="sr-only"> (room owner)</span>
    </span>
  );
}

/**
 * Whether the room is locked (a lock) and unlisted (a link): icons with their meaning on
 * hover in a list, with words too where there is room (`words`: the room's header).
 */
export function RoomFlags({ room, words }: { room: Room; words?: boolean }) {
  if (!room.locked && room.visibility === 'public') return null;
  const text = words ? undefined : 'sr-only';
  return (
    <span className="room-flags">
      {room.locked && (
        <span className="room-flag" title={LOCKED_TEXT}>
          {LOCK}
          <span className={text}>Locked</span>
        </span>
      )}
      {room.visibility === 'unlisted' && (
        <span className="room-flag" title={`Unlisted: ${UNLISTED_TEXT.toLowerCase()} can enter`}>
          {LINK}
          <span className={text}>{UNLISTED_TEXT}</span>
        </span>
      )}
    </span>
  );
}

/** The owner's settings of the room: locked, unlisted (shown as asked until the room says). */
function Settings({ room }: { room: Room }) {
  const api = useApi();
  const [locked, setLocked] = useState(room.locked);
  const [unlisted, setUnlisted] = useState(room.visibility === 'unlisted');
  useEffect(() => setLocked(room.locked), [room]);
  useEffect(() => setUnlisted(room.visibility === 'unlisted'), [room]);
  return (
    <div className="dialog">
      <fieldset className="choices">
        <legend className="dialog-title">Room settings</legend>
        <label>
          <input
            type="checkbox"
            checked={locked}
            autoFocus
            onChange={(e) => {
              setLocked(e.target.checked);
              api.changeRoomSettings(room.uuid, { locked: e.target.checked });
            }}
          />
          <span>
            Locked{' '}
            <span className="muted small">
              only you may rename, recolor or delete it, or reset its board
            </span>
          </span>
        </label>
        <label>
          <input
            type="checkbox"
            checked={unlisted}
            onChange={(e) => {
              setUnlisted(e.target.checked);
              api.changeRoomSettings(room.uuid, {
                visibility: e.target.checked ? 'unlisted' : 'public',
              });
            }}
          />
          <span>
            Unlisted{' '}
            <span className="muted small">{UNLISTED_TEXT.toLowerCase()} can find it and enter</span>
          </span>
        </label>
      </fieldset>
    </div>
  );
}

export function RoomSettingsButton({ room }: { room: Room }) {
  return (
    <PopoverButton
      label="Room settings"
      dialogLabel="Room settings"
      content={() => <Settings room={room} />}
    >
      Settings
    </PopoverButton>
  );
}

function Kick({ room, user, close }: { room: string; user: User; close: () => void }) {
  const api = useApi();
  const back = useCloseBack(close);
  return (
    <div className="dialog">
      <p className="dialog-text">Remove {user.name} from this room, and keep them out for:</p>
      <div className="dialog-actions">
        {KICK_CHOICES.map((c, i) => (
          <Button
            key={c.minutes}
            variant="danger"
            autoFocus={i === 0}
            onClick={() => {
              back();
              api.kickUser(room, user.uuid, c.minutes);
            }}
          >
            {c.text}
          </Button>
        ))}
        <Button onClick={back}>Cancel</Button>
      </div>
    </div>
  );
}

/** The owner's "Kick" beside a user of the room: for how long, then out. */
export function KickButton({ room, user }: { room: string; user: User }) {
  return (
    <PopoverButton
      className="kick-button"
      label={`Kick ${user.name}`}
      dialogLabel={`Kick ${user.name}`}
      content={(close) => <Kick room={room} user={user} close={close} />}
    >
      Kick
    </PopoverButton>
  );
}

/**
 * While a reset of the board waits to be committed (see ChatApi.resetDrawingLater): its
 * countdown and Undo, whichever tab shows. The page going away commits it at once.
 */
export function ResetUndoBar() {
  const api = useApi();
  const until = useAppSelector((s) => s.drawing.reset?.until ?? null);
  const now = useTicker(250, until !== null);
  useEffect(() => {
    if (until === null) return;
    const commit = () => api.commitReset();
    window.addEventListener('pagehide', commit);
    return () => window.removeEventListener('pagehide', commit);
  }, [api, until]);
  if (until === null) return null;
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <div className="banner undo-bar">
      <span role="status" className="sr-only">
        You cleared the board: it clears for everyone in {RESET_UNDO_MS / 1000} seconds, unless you
        undo it.
      </span>
      <span aria-hidden="true" className="undo-text">
        Board cleared. Undo within <span className="undo-count">{seconds} s</span>
      </span>
      {/* shown by the user's own reset: the focus goes to its undo */}
      <Button
        variant="primary"
        aria-label="Undo the reset"
        autoFocus
        onClick={() => api.undoReset()}
      >
        Undo
      </Button>
    </div>
  );
}
