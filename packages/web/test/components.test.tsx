import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { VirtuosoMockContext } from 'react-virtuoso';
import { App } from '../src/App.tsx';
import { MessageBody } from '../src/components/Message.tsx';
import { MessageInput } from '../src/components/Input.tsx';
import { ColorPicker } from '../src/components/ColorPicker.tsx';
import { DRAW_COLORS, ROOM_COLORS } from '@chat/protocol';
import { msg, range, room, setup, user } from './fakes.ts';

function renderApp(path: string) {
  const t = setup();
  const view = render(
    <VirtuosoMockContext.Provider value={{ viewportHeight: 800, itemHeight: 40 }}>
      <App store={t.store} client={t.client} initialPath={path} />
    </VirtuosoMockContext.Provider>,
  );
  const s = t.socket();
  act(() => {
    s.open();
    s.result('user_created', { object: user(1), token: 't', resumed: false });
    s.result('rooms_listed', {
      list: [room(1, { user_count: 2, sum: 7 }), room(2, { name: 'Second' })],
      cursor: null,
    });
  });
  return { ...t, s, view };
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
    fireEvent.click(screen.getByRole('button', { name: 'Add room' }));
    expect(t.s.lastCall('create_room')).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Delete room Second' }));
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

  it('room page: messages, own set apart, tabs, users', () => {
    const t = renderApp('/room/r1');
    const enter = t.s.lastCall('enter_room')!;
    expect(enter.uuid).toBe('r1');
    act(() => {
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

  it('room page: "No messages yet" and pending own messages', () => {
    const t = renderApp('/room/r1');
    const enter = t.s.lastCall('enter_room')!;
    act(() => {
      t.s.result('room_entered', { object: room(1) }, enter.id);
      t.s.result('messages_listed', { list: [], has_more: false, room_uuid: 'r1' }, enter.id);
    });
    expect(screen.getByText('No messages yet')).toBeTruthy();
    const box = screen.getByRole('textbox', { name: 'Write a message...' });
    fireEvent.change(box, { target: { value: 'hi there' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(screen.getByText('Sending…')).toBeTruthy();
    const call = t.s.lastCall('create_message')!;
    act(() =>
      t.s.result('message_created', { object: msg(1, 'r1', user(1), 'hi there') }, call.id),
    );
    expect(screen.queryByText('Sending…')).toBeNull();
    expect(screen.getByText('hi there')).toBeTruthy();
  });

  it('shows "Room does not exist" for an unknown room', () => {
    const t = renderApp('/room/unknown');
    const enter = t.s.lastCall('enter_room')!;
    act(() => t.s.error('no_specified_room', { call: 'enter_room', id: enter.id }));
    expect(screen.getByText('Room does not exist')).toBeTruthy();
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
