import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { Provider } from 'react-redux';
import { ApiContext } from '../src/api/context.tsx';
import { Composer } from '../src/components/Composer.tsx';
import { MessageActions, Reactions } from '../src/components/MessageExtras.tsx';
import { messagesActions } from '../src/store/messages.ts';
import { drawing, msg, range, room, settle, setup, user } from './fakes.ts';

describe('Reactions', () => {
  it('counts, names who reacted as far as known, and presses the ones that are yours', () => {
    const onToggle = vi.fn();
    render(
      <Reactions
        reactions={[
          { emoji: '🎉', count: 3, users: ['u1', 'u2'] },
          { emoji: '👍', count: 1, users: ['u2'] },
        ]}
        me="u1"
        names={new Map([['u2', 'Bob']])}
        onToggle={onToggle}
      />,
    );
    const party = screen.getByRole('button', { name: /^🎉 3/ });
    expect(party.getAttribute('aria-pressed')).toBe('true');
    expect(party.getAttribute('title')).toBe('🎉 by you, Bob and 1 more');
    const thumbs = screen.getByRole('button', { name: /^👍 1/ });
    expect(thumbs.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(thumbs);
    expect(onToggle).toHaveBeenCalledWith('👍');
  });
});

describe('MessageActions', () => {
  const handlers = () => ({
    onReply: vi.fn(),
    onEdit: vi.fn(),
    onDelete: vi.fn(),
    onReact: vi.fn(),
  });

  it("offers edit and delete on one's own message only, and asks before deleting", () => {
    const h = handlers();
    const { rerender } = render(<MessageActions message={msg(1)} own={false} {...h} />);
    expect(screen.queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    rerender(<MessageActions message={msg(1)} own {...h} />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(h.onDelete).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    // asked: its own Delete and Keep
    expect(screen.getByRole('group', { name: 'Delete this message?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(h.onDelete).toHaveBeenCalledTimes(1);
    rerender(<MessageActions message={msg(2)} own {...h} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add a reaction' }));
    fireEvent.click(screen.getByRole('button', { name: 'React with 🎉' }));
    expect(h.onReact).toHaveBeenCalledWith('🎉');
  });

  it('offers nothing on a deleted message', () => {
    const { container } = render(
      <MessageActions message={{ ...msg(1), deleted: msg(2).created }} own {...handlers()} />,
    );
    expect(container.textContent).toBe('');
  });
});

describe('Composer', () => {
  async function inRoom() {
    const t = setup();
    const s = t.socket();
    s.open();
    s.result('user_created', { object: user(1), token: 't', resumed: true });
    s.result('rooms_listed', { list: [room(1)], cursor: null });
    const ticket = t.api.enterRoom('r1');
    const enter = s.lastCall('enter_room')!;
    const list = [...range(1, 3, 'r1', user(1)), msg(4, 'r1', user(2))];
    s.result('room_entered', { object: room(1) }, enter.id);
    s.result('messages_listed', { list, has_more: false, room_uuid: 'r1' }, enter.id);
    s.result('drawing_got', { object: drawing('r1') }, enter.id);
    await settle();
    render(
      <Provider store={t.store}>
        <ApiContext.Provider value={t.api}>
          <Composer disabled={false} />
        </ApiContext.Provider>
      </Provider>,
    );
    return { ...t, s, list, ticket };
  }

  it("Up arrow in the empty box edits one's last message; Enter saves it, Escape lets go", async () => {
    const t = await inRoom();
    const typed = () =>
      screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Write a message...' });
    fireEvent.keyDown(typed(), { key: 'ArrowUp' });
    expect(screen.getByText('Editing your message')).toBeTruthy();
    // a new box for the edit, holding the message
    const box = typed();
    // the last of one's own, not the newer one of someone else
    expect(box.value).toBe(t.list[2]!.body);
    fireEvent.change(box, { target: { value: 'm3, better' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(t.s.lastCall('edit_message')).toMatchObject({
      uuid: t.list[2]!.uuid,
      body: 'm3, better',
    });
    expect(t.store.getState().messages.composing).toBeNull();
    fireEvent.keyDown(screen.getByRole('textbox'), { key: 'ArrowUp' });
    fireEvent.keyDown(screen.getByRole('textbox'), { key: 'Escape' });
    expect(t.store.getState().messages.composing).toBeNull();
    expect(t.s.callsOf('edit_message')).toHaveLength(1);
  });

  it('a reply shows whom it answers and sends reply_to; a draft stays per room', async () => {
    const t = await inRoom();
    act(() => {
      t.store.dispatch(messagesActions.composingStarted({ kind: 'reply', message: t.list[3]! }));
    });
    expect(screen.getByText('Replying to user-2')).toBeTruthy();
    const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Write a message...' });
    fireEvent.change(box, { target: { value: 'right' } });
    expect(localStorage.getItem('draft:r1')).toContain('right');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(t.s.lastCall('create_message')).toMatchObject({
      body: 'right',
      reply_to: t.list[3]!.uuid,
    });
    expect(localStorage.getItem('draft:r1')).toBeNull();
    expect(screen.queryByText(/Replying to/)).toBeNull();
  });
});
