import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, screen, within } from '@testing-library/react';
import type { Room } from '@chat/protocol';
import { RESET_UNDO_MS } from '../src/api/chatApi.ts';
import { formatTime } from '../src/format.ts';
import { LOCKED_TITLE, formatUntil, removalText } from '../src/owners.ts';
import { answerEnter, renderApp as renderAppAt, type RenderedApp } from './app.tsx';
import { drawing, msg, room, settle, user } from './fakes.ts';

const ME = user(1);
const OTHER = user(2);

// Date.now when called: the fake clock once a test fakes it, as the page's countdowns use
const renderApp = (path: string, list: Room[]) =>
  renderAppAt(path, list, { now: () => Date.now() });

/** Answers the room page's enter_room with `r` and the board's `lines`. */
const entered = (t: RenderedApp, r: Room, lines: unknown[] = []) => answerEnter(t, r, [], lines);

const item = (uuid: string) => document.querySelector<HTMLElement>(`[data-room-uuid="${uuid}"]`)!;
const people = [
  { ...ME, room_uuid: 'r1' },
  { ...OTHER, room_uuid: 'r1' },
];

function line(n: number, by = ME.uuid) {
  return {
    uuid: `00000000-0000-4000-8000-00000000000${n}`,
    name: `line-${n}`,
    points: [0, 0, 10, 10],
    color: '#000000',
    tool: 'pen',
    user_uuid: by,
  };
}

afterEach(() => vi.useRealTimers());

describe('creating a room', () => {
  it('asks for its name and whether it is listed, then opens it', async () => {
    const t = renderApp('/', [room(1)]);
    fireEvent.click(screen.getByRole('button', { name: 'Add room' }));
    const dialog = screen.getByRole('dialog', { name: 'New room' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    expect(document.activeElement).toBe(name);
    expect(within(dialog).getByRole<HTMLInputElement>('radio', { name: /^Public/ }).checked).toBe(
      true,
    );
    expect(t.s.lastCall('create_room')).toBeUndefined();
    fireEvent.change(name, { target: { value: '  Secret  ' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: /only people with the link/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    const call = t.s.lastCall('create_room')!;
    expect(call).toMatchObject({ name: 'Secret', visibility: 'unlisted' });
    // refused: told why, and the dialog stays to try again
    act(() =>
      t.s.error('rate_limited', { id: call.id, call: 'create_room', detail: 'Too many rooms.' }),
    );
    await act(settle);
    expect(screen.getByText('Too many rooms.')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    const again = t.s.lastCall('create_room')!;
    const made = room(9, { name: 'Secret', owner: ME.uuid, visibility: 'unlisted' });
    await act(async () => {
      t.s.result('room_created', { object: made }, again.id);
      await settle();
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    // opened: the room page enters it
    expect(t.s.lastCall('enter_room')).toMatchObject({ uuid: 'r9' });
  });

  it('a name too long is said before sending, Escape closes without creating', () => {
    const t = renderApp('/', []);
    const add = screen.getByRole('button', { name: 'Add room' });
    fireEvent.click(add);
    const dialog = screen.getByRole('dialog', { name: 'New room' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Name' }), {
      target: { value: 'x'.repeat(65) },
    });
    expect(within(dialog).getByRole('alert').textContent).toMatch(/at most 64 characters/);
    expect(within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Create' }).disabled).toBe(
      true,
    );
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(add);
    expect(t.s.lastCall('create_room')).toBeUndefined();
  });
});

describe('the room list', () => {
  it("shows locked and unlisted rooms; a locked room's controls are its owner's only", () => {
    const t = renderApp('/', [
      room(1, { name: 'Theirs', owner: OTHER.uuid, locked: true }),
      room(2, { name: 'Mine', owner: ME.uuid, locked: true, visibility: 'unlisted' }),
      room(3, { name: 'Open' }),
    ]);
    const theirs = within(item('r1'));
    expect(item('r1').querySelector('.room-flags')!.textContent).toBe('Locked');
    for (const name of [
      'Rename room Theirs',
      'Change color of room Theirs',
      'Delete room Theirs',
    ]) {
      const b = theirs.getByRole<HTMLButtonElement>('button', { name });
      expect(b.disabled).toBe(true);
      expect(b.title).toBe(LOCKED_TITLE);
    }
    const mine = within(item('r2'));
    expect(item('r2').querySelector('.room-flags')!.textContent).toBe(
      'LockedOnly people with the link',
    );
    expect(mine.getByRole<HTMLButtonElement>('button', { name: 'Rename room Mine' }).disabled).toBe(
      false,
    );
    expect(item('r3').querySelector('.room-flags')).toBeNull();
    // unlocked by its owner: anyone may again
    act(() => t.s.result('room_changed', { object: room(1, { name: 'Theirs', owner: 'u2' }) }));
    expect(
      theirs.getByRole<HTMLButtonElement>('button', { name: 'Rename room Theirs' }).disabled,
    ).toBe(false);
  });

  it('a room made unlisted leaves the lists of those who neither own it nor are in it; made public, it appears', () => {
    const t = renderApp('/', [
      room(1, { name: 'Theirs', owner: OTHER.uuid }),
      room(2, { name: 'Mine', owner: ME.uuid }),
    ]);
    act(() =>
      t.s.result('room_changed', {
        object: room(1, { name: 'Theirs', owner: OTHER.uuid, visibility: 'unlisted' }),
      }),
    );
    expect(screen.queryByText('Theirs')).toBeNull();
    act(() =>
      t.s.result('room_changed', {
        object: room(2, { name: 'Mine', owner: ME.uuid, visibility: 'unlisted' }),
      }),
    );
    expect(screen.getByText('Mine')).toBeTruthy();
    // a room never seen here, made public, appears
    act(() =>
      t.s.result('room_changed', { object: room(3, { name: 'Now public', owner: OTHER.uuid }) }),
    );
    expect(screen.getByText('Now public')).toBeTruthy();
    act(() =>
      t.s.result('room_changed', { object: room(1, { name: 'Theirs', owner: OTHER.uuid }) }),
    );
    expect(screen.getByText('Theirs')).toBeTruthy();
  });

  it('asks before deleting a room', () => {
    const t = renderApp('/', [room(1, { name: 'Doomed' })]);
    const del = screen.getByRole('button', { name: 'Delete room Doomed' });
    // as a browser does: a click focuses the button
    del.focus();
    fireEvent.click(del);
    const dialog = screen.getByRole('dialog', { name: /^Delete the room Doomed/ });
    // the focus starts on Cancel
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(del);
    expect(t.s.lastCall('delete_room')).toBeUndefined();
    fireEvent.click(del);
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(t.s.lastCall('delete_room')).toMatchObject({ uuid: 'r1' });
  });
});

describe("the room's owner", () => {
  it('has a crown, the settings, and kicks others for a chosen time', async () => {
    const mine = room(1, { owner: ME.uuid, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [mine]);
    await entered(t, mine);
    fireEvent.click(screen.getByRole('button', { name: 'Room settings' }));
    const settings = screen.getByRole('dialog', { name: 'Room settings' });
    fireEvent.click(within(settings).getByRole('checkbox', { name: /^Locked/ }));
    expect(t.s.lastCall('change_room_settings')).toMatchObject({ uuid: 'r1', locked: true });
    fireEvent.click(within(settings).getByRole('checkbox', { name: /^Unlisted/ }));
    expect(t.s.lastCall('change_room_settings')).toMatchObject({
      uuid: 'r1',
      visibility: 'unlisted',
    });
    act(() =>
      t.s.result('room_changed', {
        object: { ...mine, locked: true, visibility: 'unlisted' },
      }),
    );
    expect(
      within(settings).getByRole<HTMLInputElement>('checkbox', { name: /^Locked/ }).checked,
    ).toBe(true);
    // the header says so, to everyone
    const head = document.querySelector('.room-head')!;
    expect(head.textContent).toContain('Locked');
    expect(head.textContent).toContain('Only people with the link');

    fireEvent.click(screen.getByRole('button', { name: 'Show users' }));
    const users = screen.getByRole('region', { name: 'Users' });
    const mineRow = within(users).getByText('user-1').closest('li')!;
    expect(mineRow.querySelector('.crown')).not.toBeNull();
    // no kicking oneself
    expect(within(mineRow).queryByRole('button', { name: /^Kick/ })).toBeNull();
    fireEvent.click(within(users).getByRole('button', { name: 'Kick user-2' }));
    const kick = screen.getByRole('dialog', { name: 'Kick user-2' });
    fireEvent.click(within(kick).getByRole('button', { name: '1 hour' }));
    expect(t.s.lastCall('kick_user')).toMatchObject({ uuid: 'r1', user: 'u2', minutes: 60 });
  });

  it('others see the crown, no settings and no kick', async () => {
    const theirs = room(1, { owner: OTHER.uuid, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [theirs]);
    await entered(t, theirs);
    expect(screen.queryByRole('button', { name: 'Room settings' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show users' }));
    const users = screen.getByRole('region', { name: 'Users' });
    expect(within(users).getByText('user-2').closest('li')!.querySelector('.crown')).not.toBeNull();
    expect(within(users).queryByRole('button', { name: /^Kick/ })).toBeNull();
  });
});

describe("an owner and others' messages", () => {
  /** The actions of message `seq` (shown on hover in the page; always in the DOM here). */
  const actionsOf = (seq: number) =>
    within(document.querySelector<HTMLElement>(`[data-seq="${seq}"]`)!.closest('.message-row')!);

  it("the owner may delete anyone's message (asked first); the author has a crown", async () => {
    const mine = room(1, { owner: ME.uuid, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [mine]);
    await answerEnter(t, mine, [msg(1, 'r1', OTHER), msg(2, 'r1', ME)]);
    const theirs = actionsOf(1);
    expect(theirs.queryByRole('button', { name: 'Edit' })).toBeNull();
    fireEvent.click(theirs.getByRole('button', { name: 'Delete' }));
    fireEvent.click(theirs.getByRole('button', { name: 'Delete' }));
    expect(t.s.lastCall('delete_message')).toMatchObject({ uuid: 'm-r1-1' });
    // the owner's own message: a crown beside the name
    expect(
      actionsOf(2)
        .getByText(/\(you\)/)
        .parentElement!.querySelector('.crown'),
    ).not.toBeNull();
  });

  it("others may delete only their own, and see the owner's crown", async () => {
    const theirs = room(1, { owner: OTHER.uuid, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [theirs]);
    await answerEnter(t, theirs, [msg(1, 'r1', OTHER), msg(2, 'r1', ME)]);
    expect(actionsOf(1).queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(actionsOf(2).getByRole('button', { name: 'Delete' })).toBeTruthy();
    expect(actionsOf(1).getByText('user-2').parentElement!.querySelector('.crown')).not.toBeNull();
    expect(
      actionsOf(2)
        .getByText(/\(you\)/)
        .parentElement!.querySelector('.crown'),
    ).toBeNull();
    expect(t.s.lastCall('delete_message')).toBeUndefined();
  });
});

describe('kicked', () => {
  it('says why and until when in the lobby; entering again while barred says so', async () => {
    const until = new Date(Date.now() + 600_000).toISOString();
    const theirs = room(1, { name: 'Alpha', owner: OTHER.uuid, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [theirs]);
    await entered(t, theirs);
    await act(async () => {
      t.s.result('user_kicked', { room_uuid: 'r1', until });
      t.s.result('room_left', { object: { ...theirs, users: [OTHER], user_count: 1 } });
      await settle();
    });
    expect(
      screen.getByText(`You were removed from Alpha until ${formatUntil(until)}.`),
    ).toBeTruthy();
    // in the lobby, and out of the room for good (no entering it again after a reconnect)
    expect(screen.getByRole('button', { name: 'Add room' })).toBeTruthy();
    expect(t.api.client.room).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Alpha' }));
    const enter = t.s.lastCall('enter_room')!;
    await act(async () => {
      t.s.error('user_banned', {
        id: enter.id,
        call: 'enter_room',
        detail: 'You were removed from this room until 23:10 UTC.',
        until,
      });
      await settle();
    });
    expect(screen.getByText('You cannot enter this room now')).toBeTruthy();
    expect(screen.getByText(removalText('Alpha', until))).toBeTruthy();
    expect(screen.queryByText('Room does not exist')).toBeNull();
  });

  it('a bar ending another day names the day', () => {
    const now = new Date(2026, 10, 25, 22, 0).getTime();
    const until = new Date(2026, 10, 26, 21, 30).toISOString();
    expect(formatUntil(until, Date.parse(until))).toBe(formatTime(until));
    const weekday = new Date(until).toLocaleDateString(undefined, { weekday: 'short' });
    expect(formatUntil(until, now)).toContain(weekday);
  });
});

describe('resetting the board', () => {
  async function board(owner = ME.uuid, locked = false) {
    const r = room(1, { owner, locked, users: people, user_count: 2 });
    const t = renderApp('/room/r1', [r]);
    await entered(t, r, [line(1), line(2, OTHER.uuid)]);
    fireEvent.click(screen.getByRole('button', { name: 'Show drawing' }));
    // the board is loaded on demand (Konva): its first import may take a while
    await screen.findByRole('button', { name: 'Reset drawing' }, { timeout: 10_000 });
    const reset = () => screen.getByRole<HTMLButtonElement>('button', { name: 'Reset drawing' });
    const lines = () => Number(screen.getByTestId('board').getAttribute('data-lines'));
    return { ...t, reset, lines };
  }

  function confirmReset(reset: HTMLButtonElement) {
    expect(reset.disabled).toBe(false);
    fireEvent.click(reset);
    const dialog = screen.getByRole('dialog', { name: /^Clear the board for everyone/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset' }));
  }

  it('clears here at once, can be undone for 10 s, and goes to the server only then', async () => {
    const t = await board();
    expect(t.lines()).toBe(2);
    vi.useFakeTimers();
    confirmReset(t.reset());
    expect(t.lines()).toBe(0);
    expect(t.s.lastCall('reset_drawing')).toBeUndefined();
    // no second reset meanwhile; the focus on Undo
    expect(t.reset().disabled).toBe(true);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Undo the reset' }));
    // undone: the lines are back, nothing was sent
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    fireEvent.click(screen.getByRole('button', { name: 'Undo the reset' }));
    expect(t.lines()).toBe(2);
    act(() => {
      vi.advanceTimersByTime(RESET_UNDO_MS);
    });
    expect(t.s.lastCall('reset_drawing')).toBeUndefined();

    confirmReset(t.reset());
    expect(document.querySelector('.undo-count')!.textContent).toBe('10 s');
    act(() => {
      vi.advanceTimersByTime(RESET_UNDO_MS - 1_000);
    });
    expect(document.querySelector('.undo-count')!.textContent).toBe('1 s');
    expect(t.s.lastCall('reset_drawing')).toBeUndefined();
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(t.s.callsOf('reset_drawing')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Undo the reset' })).toBeNull();
    // hidden until the room's empty drawing comes
    expect(t.lines()).toBe(0);
    act(() => t.s.result('drawing_got', { object: drawing('r1') }));
    expect(t.store.getState().drawing.reset).toBeNull();
  });

  it('goes at once when the page is hidden for good', async () => {
    const t = await board();
    vi.useFakeTimers();
    confirmReset(t.reset());
    act(() => {
      window.dispatchEvent(new Event('pagehide'));
    });
    expect(t.s.callsOf('reset_drawing')).toHaveLength(1);
  });

  it('goes at once when the room is left', async () => {
    const t = await board();
    vi.useFakeTimers();
    confirmReset(t.reset());
    fireEvent.click(screen.getByRole('button', { name: 'Go back' }));
    act(() => {
      vi.advanceTimersByTime(1);
    });
    const calls = t.s.calls().map((c) => c.message);
    expect(calls.slice(-2)).toEqual(['reset_drawing', 'leave_room']);
  });

  it('refused (the room was locked meanwhile): the lines come back and the reason shows', async () => {
    const t = await board(OTHER.uuid);
    vi.useFakeTimers();
    confirmReset(t.reset());
    act(() => {
      vi.advanceTimersByTime(RESET_UNDO_MS);
    });
    const call = t.s.lastCall('reset_drawing')!;
    const detail = 'This room is locked: only its owner may reset its board.';
    await act(async () => {
      t.s.error('not_room_owner', { id: call.id, call: 'reset_drawing', detail });
      await settle();
    });
    expect(t.lines()).toBe(2);
    expect(screen.getByText(detail)).toBeTruthy();
  });

  it('is disabled in a locked room for all but its owner, and says why', async () => {
    const t = await board(OTHER.uuid, true);
    expect(t.reset().disabled).toBe(true);
    expect(t.reset().title).toBe(LOCKED_TITLE);
  });
});
