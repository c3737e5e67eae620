import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { LIMITS, type Visibility } from '@chat/protocol';
import { useApi } from '../api/context.tsx';
import { codePointLength } from '../format.ts';
import { UNLISTED_TEXT } from '../owners.ts';
import { Button } from './Buttons.tsx';
import { useCloseBack } from './Confirm.tsx';
import { PopoverButton } from './Popover.tsx';

const VISIBILITIES: readonly { value: Visibility; name: string; text: string }[] = [
  { value: 'public', name: 'Public', text: 'listed for everyone' },
  { value: 'unlisted', name: 'Unlisted', text: UNLISTED_TEXT.toLowerCase() },
];

/** The new room's name (empty: the server names it) and who can find it; Create opens it. */
function CreateRoomForm({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const cancel = useCloseBack(onDone);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [busy, setBusy] = useState(false);
  const trimmed = name.trim();
  const tooLong = codePointLength(trimmed) > LIMITS.nameChars;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || tooLong) return;
    setBusy(true);
    const fields = trimmed === '' ? { visibility } : { name: trimmed, visibility };
    void api.createRoom(fields).then((room) => {
      // refused (a notice says why): the dialog stays, to try again
      setBusy(false);
      if (room === null) return;
      onDone();
      void navigate(`/room/${room.uuid}`);
    });
  };
  return (
    <form className="dialog create-room" onSubmit={submit}>
      <h2 className="dialog-title">New room</h2>
      <label className="field">
        <span>Name</span>
        <input
          type="text"
          value={name}
          placeholder="Optional"
          autoFocus
          aria-invalid={tooLong}
          aria-describedby={tooLong ? 'room-name-too-long' : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {tooLong && (
        <p id="room-name-too-long" className="input-error" role="alert">
          A room's name holds at most {LIMITS.nameChars} characters.
        </p>
      )}
      <fieldset className="choices">
        <legend>Who can find it</legend>
        {VISIBILITIES.map((v) => (
          <label key={v.value}>
            <input
              type="radio"
              name="visibility"
              checked={visibility === v.value}
              onChange={() => setVisibility(v.value)}
            />
            <span>
              {v.name} <span className="muted small">{v.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="dialog-actions">
        <Button onClick={cancel}>Cancel</Button>
        <Button type="submit" variant="primary" disabled={busy || tooLong}>
          Create
        </Button>
      </div>
    </form>
  );
}

/** "Add room": asks for the new room's name and who can find it, then opens it. */
export function CreateRoomButton() {
  return (
    <PopoverButton
      className="btn-primary"
      label="Add room"
      dialogLabel="New room"
      content={(close) => <CreateRoomForm onDone={close} />}
    >
      Add room
    </PopoverButton>
  );
}
