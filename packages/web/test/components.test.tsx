import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { App } from '../src/App.tsx';
import { MessageBody } from '../src/components/Message.tsx';
import { MessageInput } from '../src/components/Input.tsx';
import { ColorPicker } from '../src/components/ColorPicker.tsx';
import { DRAW_COLORS, ROOM_COLORS } from '@chat/protocol';
import { SEARCH_MAX_PAGES } from '../src/api/chatApi.ts';
import { formatDateTime, formatDay } from '../src/format.ts';
import { drawing, msg, range, room, settle, setup, user } from './fakes.ts';
import { answerEnter, renderApp as renderAppAt } from './app.tsx';

function renderApp(path: string) {
  return renderAppAt(path, [room(1, { user_count: 2, sum: 7 }), room(2, { name: 'Second' })]);
}

/** Answers the room page's enter_room with an empty room. */
function enterRoom(t: ReturnType<typeof renderApp>) {
  return answerEnter(t, room(1));
}

/** Writes `text` in the room's message box and sends it with Enter. */
function write(text: string) {
  const box = screen.getByRole('textbox', { name: 'Write a message...' });
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
}

describe('MessageBody', () => {
  it('renders markup as text and links with rel="noopener noreferrer"', () => {
    const { container } = render(
      <MessageBody body={'<img src=x onerror=alert(1)> javascript:alert(1) https://example.com'} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('MessageList: groups, avatars and days', () => {
  it('groups one author within 5 minutes, never across a day, and says which day', async () => {
    const now = new Date(2026, 10, 25, 12, 0).getTime();
    vi.useFakeTimers({ now, toFake: ['Date'] });
    try {
      const t = renderApp('/room/r1');
      const at = (d: number, h: number, m: number) => new Date(2026, 10, d, h, m).toISOString();
      const list = [
        { ...msg(1, 'r1', user(2)), created: at(23, 18, 0) },
        { ...msg(2, 'r1', user(2)), created: at(24, 23, 58) },
        // three minutes later, but another day
        { ...msg(3, 'r1', user(2)), created: at(25, 0, 1) },
        { ...msg(4, 'r1', user(2)), created: at(25, 0, 4) },
        // six minutes later
        { ...msg(5, 'r1', user(2)), created: at(25, 0, 10) },
        // another author, a minute later
        { ...msg(6, 'r1', user(3)), created: at(25, 0, 11) },
        { ...msg(7, 'r1', user(1)), created: at(25, 11, 58) },
      ];
      const enter = t.s.lastCall('enter_room')!;
      await act(async () => {
        t.s.result('room_entered', { object: room(1) }, enter.id);
        t.s.result('messages_listed', { list, has_more: false, room_uuid: 'r1' }, enter.id);
        t.s.result('drawing_got', { object: drawing('r1') }, enter.id);
        await settle();
      });
      const row = (text: string) => screen.getByText(text).closest('.message-row')!;
      const kinds = list.map((m) => (row(m.body).classList.contains('head') ? 'head' : 'compact'));
      expect(kinds).toEqual(['head', 'head', 'head', 'compact', 'head', 'head', 'head']);
      const separators = [...document.querySelectorAll('.day-separator')].map((e) => e.textContent);
      expect(separators).toEqual([formatDay(list[0]!.created, now), 'Yesterday', 'Today']);
      expect(separators[0]).toMatch(/2026/);
      // the separator sits in the item of the first message of its day
      expect(row('m3').previousElementSibling!.textContent).toBe('Today');
      // others' group heads have an avatar with their initial, in their color; own messages none
      const avatars = [...document.querySelectorAll('.avatar')];
      expect(avatars).toHaveLength(5);
      expect(avatars.every((a) => a.textContent === 'U')).toBe(true);
      expect(row('m6').querySelector('.avatar')).not.toBeNull();
      expect(row('m7').querySelector('.avatar')).toBeNull();
      expect((row('m6') as HTMLElement).style.getPropertyValue('--user-light')).toMatch(/^#/);
      // a compact message: no author line, its time on hover with the full date and time
      const compact = row('m4');
      expect(compact.querySelector('.message-author')).toBeNull();
      const time = compact.querySelector('.message-hover-time time')!;
      expect(time.getAttribute('title')).toBe(formatDateTime(list[3]!.created));
      expect(row('m3').querySelector('.message-author')!.textContent).toBe('user-2');
      expect(row('m3').querySelector('.message-meta time')!.getAttribute('title')).toBe(
        formatDateTime(list[2]!.created),
      );

      // an own message two minutes after the last one joins its group, pending and confirmed
      const box = screen.getByRole('textbox', { name: 'Write a message...' });
      fireEvent.change(box, { target: { value: 'and **more**' } });
      fireEvent.keyDown(box, { key: 'Enter' });
      const pending = document.querySelector('.message.pending')!;
      const pendingRow = pending.closest('.message-row')!;
      expect(pendingRow.classList.contains('compact')).toBe(true);
      expect(pending.querySelector('.message-author')).toBeNull();
      expect(pending.textContent).toContain('Sending…');
      expect(pending.querySelector('strong')!.textContent).toBe('more');
      const call = t.s.lastCall('create_message')!;
      await act(async () => {
        t.s.result(
          'message_created',
          { object: { ...msg(8, 'r1', user(1), 'and **more**'), created: at(25, 12, 0) } },
          call.id,
        );
        await settle();
      });
      expect(document.querySelector('.message.pending')).toBeNull();
      expect(screen.getByText('more').closest('.message-row')!.classList.contains('compact')).toBe(
        true,
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('MessageInput', () => {
  it('sends on Enter, breaks the line on Shift+Enter', () => {
    const onSend = vi.fn();
    render(<MessageInput onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Write a message...' });
    fireEvent.change(box, { target: { value: 'hello' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledWith('hello');
    expect((box as HTMLTextAreaElement).value).toBe('');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(onSend).toHaveBeenCalledTimes(1);
    fireEvent.change(box, { target: { value: 'again' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenLastCalledWith('again');
  });
});

describe('ColorPicker', () => {
  it('offers every color as a labelled toggle', () => {
    const onChange = vi.fn();
    render(
      <ColorPicker
        colors={DRAW_COLORS}
        value="#000000"
        onChange={onChange}
        label="Drawing colors"
      />,
    );
    const group = screen.getByRole('group', { name: 'Drawing colors' });
    expect(within(group).getAllByRole('button')).toHaveLength(18);
    fireEvent.click(screen.getByRole('button', { name: 'Color #cf2e24' }));
    expect(onChange).toHaveBeenCalledWith('#cf2e24');
    expect(ROOM_COLORS).toHaveLength(10);
  });
});

describe('App', () => {
  it('home: header, rooms with counts, search, add, theme slider', () => {
    const t = renderApp('/');
    expect(screen.getByText('Socket Chat')).toBeTruthy();
    expect(screen.getByTestId('my-name').textContent).toBe('user-1');
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('Online');
    expect(screen.getByRole('slider', { name: 'Theme selector' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Show event log' })).toBeTruthy();
    expect(screen.getByText('room-1')).toBeTruthy();
    expect(screen.getByText('2 users')).toBeTruthy();
    expect(screen.getByText('7 messages')).toBeTruthy();
    // both ask first (test/owners.test.tsx)
    fireEvent.click(screen.getByRole('button', { name: 'Add room' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(t.s.lastCall('create_room')).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Delete room Second' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(t.s.lastCall('delete_room')).toMatchObject({ uuid: 'r2' });
    act(() =>
      t.s.error('not_empty_room', {
        call: 'delete_room',
        detail: 'The room still has users in it.',
      }),
    );
    expect(screen.getByText('The room still has users in it.')).toBeTruthy();
  });

  it('renames the user in place', () => {
    const t = renderApp('/');
    fireEvent.click(screen.getByRole('button', { name: /Change your name/ }));
    const input = screen.getByRole('textbox', { name: 'Your name' });
    fireEvent.change(input, { target: { value: 'Alice' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(t.s.lastCall('change_user_name')).toMatchObject({ name: 'Alice' });
    act(() => t.s.result('user_changed', { object: { ...user(1), name: 'Alice' } }));
    expect(screen.getByTestId('my-name').textContent).toBe('Alice');
  });

  it('theme slider writes only the number to the theme cookie', () => {
    renderApp('/');
    fireEvent.change(screen.getByRole('slider', { name: 'Theme selector' }), {
      target: { value: '4' },
    });
    expect(document.cookie).toContain('theme=4');
    expect(document.documentElement.dataset.theme).toBe('4');
  });

  it('room page: messages, own set apart, tabs, users', async () => {
    const t = renderApp('/room/r1');
    const enter = t.s.lastCall('enter_room')!;
    expect(enter.uuid).toBe('r1');
    await act(async () => {
      t.s.result(
        'room_entered',
        { object: room(1, { users: [user(1, 'r1'), user(2, 'r1')], user_count: 2 }) },
        enter.id,
      );
      t.s.result(
        'messages_listed',
        { list: [...range(1, 2), msg(3, 'r1', user(1), 'mine')], has_more: false, room_uuid: 'r1' },
        enter.id,
      );
      t.s.result('drawing_got', { object: drawing('r1') }, enter.id);
      await settle();
    });
    for (const name of [
      'Show messages',
      'Show users',
      'Show drawing',
      'Go back',
      'Show rooms',
      'Show event log',
    ]) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    expect(screen.getByText('m1')).toBeTruthy();
    const mine = screen.getByText('mine').closest('.message')!;
    expect(mine.className).toContain('own');
    fireEvent.click(screen.getByRole('button', { name: 'Show users' }));
    expect(screen.getByText('user-2')).toBeTruthy();
    act(() =>
      t.s.result('room_changed', {
        object: room(1, {
          users: [user(1, 'r1'), { ...user(2, 'r1'), name: 'Bob' }],
          user_count: 2,
        }),
      }),
    );
    expect(screen.getByText('Bob')).toBeTruthy();
  });

  it('room page: "No messages yet" and pending own messages', async () => {
    const t = renderApp('/room/r1');
    await enterRoom(t);
    expect(screen.getByText('No messages yet')).toBeTruthy();
    write('hi there');
    expect(screen.getByText('Sending…')).toBeTruthy();
    const call = t.s.lastCall('create_message')!;
    await act(async () => {
      t.s.result('message_created', { object: msg(1, 'r1', user(1), 'hi there') }, call.id);
      await settle();
    });
    expect(screen.queryByText('Sending…')).toBeNull();
    expect(screen.getByText('hi there')).toBeTruthy();
  });

  it('a message waiting for the connection says it is not sent; "Retry now" reconnects, and it goes once', async () => {
    const t = renderApp('/room/r1');
    await enterRoom(t);
    write('hi there');
    const call = t.s.lastCall('create_message')!;
    act(() => t.s.drop());
    expect(screen.getByText(/^Not sent: waiting for the connection/)).toBeTruthy();
    expect(screen.queryByText('Sending…')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(t.s.reconnects).toBe(1);
    act(() => {
      t.s.open();
      t.s.result('user_created', { object: user(1), token: 't', resumed: true });
    });
    await enterRoom(t);
    // sent again with the same call id: the server stores it once
    expect(t.s.callsOf('create_message').map((c) => c.id)).toEqual([call.id, call.id]);
    await act(async () => {
      t.s.result('message_created', { object: msg(1, 'r1', user(1), 'hi there') }, call.id);
      await settle();
    });
    expect(screen.queryByText(/^Not sent/)).toBeNull();
    expect(screen.getByText('hi there')).toBeTruthy();
  });

  it('a message the server asks to wait for says so, and why', async () => {
    const t = renderApp('/room/r1');
    await enterRoom(t);
    write('busy');
    const detail = 'Too many messages from your network address: try again in 3 s.';
    await act(async () => {
      t.s.error('rate_limited', {
        call: 'create_message',
        id: t.s.lastCall('create_message')!.id,
        retry_after_ms: 3_000,
        detail,
      });
      await settle();
    });
    expect(screen.getByText(`Sending again soon: ${detail}`)).toBeTruthy();
  });

  it('shows "Room does not exist" for an unknown room', async () => {
    const t = renderApp('/room/unknown');
    const enter = t.s.lastCall('enter_room')!;
    await act(async () => {
      t.s.error('no_specified_room', { call: 'enter_room', id: enter.id });
      await settle();
    });
    expect(screen.getByText('Room does not exist')).toBeTruthy();
  });

  it('a refused connection: the reason as a notice, and the wait in the connection status', () => {
    vi.useFakeTimers({
      now: 1_000_000,
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    });
    try {
      const t = setup();
      render(<App store={t.store} api={t.api} initialPath="/" />);
      const detail = 'Too many new users from your network address: try again in 12 min.';
      act(() => {
        t.socket().open();
        t.socket().error('rate_limited', { detail, retry_after_ms: 720_000 });
        t.socket().drop(1013, 'rate limited');
      });
      expect(screen.getByText(detail)).toBeTruthy();
      expect(
        screen.getByText('Not connected: the rooms show once the connection is back.'),
      ).toBeTruthy();
      expect(
        screen.getByText('Offline: the server asked to wait, reconnecting in 12 min'),
      ).toBeTruthy();
      act(() => void vi.advanceTimersByTime(10 * 60_000));
      expect(screen.getByText(/reconnecting in 2 min$/)).toBeTruthy();
      act(() => void vi.advanceTimersByTime(3 * 60_000));
      expect(screen.getByText('Connecting…')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('room search: "Searching…" while pages come in, a match far back, and a pause after many pages', async () => {
    const t = renderApp('/');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
      target: { value: 'needle' },
    });
    fireEvent.keyDown(screen.getByRole('searchbox', { name: 'Search' }), { key: 'Enter' });
    const answer = async (list: ReturnType<typeof room>[], cursor: string | null) => {
      await act(async () => {
        t.s.result(
          'rooms_listed',
          { list, cursor, query: 'needle' },
          t.s.lastCall('list_rooms')!.id,
        );
        await settle();
      });
    };
    expect(screen.getByText('Searching…')).toBeTruthy();
    // pages that examined thousands of rooms and found none: not "No room matches"
    await answer([], 'c1');
    await answer([], 'c2');
    expect(screen.getByText('Searching…')).toBeTruthy();
    expect(screen.queryByText(/No room matches/)).toBeNull();
    await answer([room(9, { name: 'the needle' })], 'c3');
    expect(screen.getByText('Searching… 1 room found so far.')).toBeTruthy();
    expect(screen.getByText('the needle')).toBeTruthy();
    // after the cap the reading pauses, and the user may go on
    for (let i = 0; i < SEARCH_MAX_PAGES; i++) await answer([], `d${i}`);
    expect(screen.getByText('1 room found in the rooms searched so far.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Search older rooms' }));
    expect(screen.getByText(/^Searching…/)).toBeTruthy();
    await answer([], null);
    expect(screen.queryByText(/Searching…/)).toBeNull();
    expect(screen.getByText('the needle')).toBeTruthy();
    // nothing at all: said once every room was examined
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
      target: { value: 'nothing' },
    });
    fireEvent.keyDown(screen.getByRole('searchbox', { name: 'Search' }), { key: 'Enter' });
    await act(async () => {
      t.s.result(
        'rooms_listed',
        { list: [], cursor: null, query: 'nothing' },
        t.s.lastCall('list_rooms')!.id,
      );
      await settle();
    });
    expect(screen.getByText('No room matches “nothing”.')).toBeTruthy();
  });

  it('has a 404 page and an info page', () => {
    renderApp('/no/such/page');
    expect(screen.getByText(/404/)).toBeTruthy();
  });

  it('info page', () => {
    renderApp('/info');
    expect(screen.getByRole('heading', { name: 'About Socket Chat' })).toBeTruthy();
  });

  it('offers "Use here" after a takeover', () => {
    const t = renderApp('/');
    act(() => {
      t.s.error('session_taken_over');
      t.s.drop(4000);
    });
    expect(screen.getByText('This chat is open in another tab.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Use here' }));
    expect(t.s.reconnects).toBe(1);
  });
});
