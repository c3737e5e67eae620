import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import type { Room } from '@chat/protocol';
import { ApiContext } from '../src/api/context.tsx';
import { Composer } from '../src/components/Composer.tsx';
import { MessageActions, Reactions } from '../src/components/MessageExtras.tsx';
import { EMOJI_DATA_URL } from '../src/emoji.ts';
import { mentionsMe } from '../src/mentions.ts';
import { messagesActions } from '../src/store/messages.ts';
import { serveEmojiData } from './emojiData.ts';
import { drawing, msg, range, room, settle, setup, user } from './fakes.ts';

// The real picker needs IndexedDB and a canvas (the browser tests use it): here, a stand-in.
vi.mock('../src/components/EmojiPicker.tsx', () => ({
  default: ({ onPick }: { onPick: (emoji: string) => void }) => (
    <button type="button" onClick={() => onPick('🚀')}>
      pick 🚀
    </button>
  ),
}));

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

  /** Someone else's message with its quick reactions shown. */
  async function quickReactions() {
    const h = handlers();
    const u = userEvent.setup();
    render(<MessageActions message={msg(1)} own={false} {...h} />);
    await u.click(screen.getByRole('button', { name: 'Add a reaction' }));
    return { h, u, more: screen.getByRole('button', { name: 'More reactions' }) };
  }

  it('opens the picker from "More reactions", reacts with the emoji chosen, and closes', async () => {
    const { h, u, more } = await quickReactions();
    expect(more.getAttribute('aria-expanded')).toBe('false');
    await u.click(more);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    // the actions stay shown while it is open
    expect(screen.getByRole('group', { name: 'Message actions' }).className).toContain('picking');
    screen.getByRole('dialog', { name: 'Choose an emoji' });
    await u.click(await screen.findByRole('button', { name: 'pick 🚀' }));
    expect(h.onReact).toHaveBeenCalledWith('🚀');
    expect(screen.queryByRole('dialog')).toBeNull();
    // and the quick reactions fold again
    expect(screen.queryByRole('button', { name: 'More reactions' })).toBeNull();
  });

  it('the picker closes on Escape (the focus back on its button) and on a press outside', async () => {
    const { h, u, more } = await quickReactions();
    await u.click(more);
    await screen.findByRole('button', { name: 'pick 🚀' });
    // a second press on its button closes it
    await u.click(more);
    expect(screen.queryByRole('dialog')).toBeNull();
    await u.click(more);
    const pick = await screen.findByRole('button', { name: 'pick 🚀' });
    pick.focus();
    await u.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(more);
    await u.click(more);
    await screen.findByRole('dialog');
    fireEvent.pointerDown(document.body);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(h.onReact).not.toHaveBeenCalled();
  });

  it('offers nothing on a deleted message', () => {
    const { container } = render(
      <MessageActions message={{ ...msg(1), deleted: msg(2).created }} own {...handlers()} />,
    );
    expect(container.textContent).toBe('');
  });
});

describe('Composer', () => {
  async function inRoom(extra: Partial<Room> = {}) {
    const t = setup();
    const s = t.socket();
    s.open();
    s.result('user_created', { object: user(1), token: 't', resumed: true });
    s.result('rooms_listed', { list: [room(1, extra)], cursor: null });
    const ticket = t.api.enterRoom('r1');
    const enter = s.lastCall('enter_room')!;
    const list = [...range(1, 3, 'r1', user(1)), msg(4, 'r1', user(2))];
    s.result('room_entered', { object: room(1, extra) }, enter.id);
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
    const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Write a message...' });
    return { ...t, s, list, ticket, box, user: userEvent.setup() };
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

  describe('completes', () => {
    let fetched: string[] = [];
    beforeAll(() => {
      fetched = serveEmojiData();
    });
    afterEach(() => localStorage.clear());

    /** In a room with Amber Otter and Bob (and oneself, user-1). */
    const withPeople = () =>
      inRoom({
        users: [user(1), { ...user(2), name: 'Amber Otter' }, { ...user(3), name: 'Bob' }],
      });

    it(':tada: becomes 🎉 as its closing colon is typed (the data fetched from the site)', async () => {
      const t = await withPeople();
      await t.user.type(t.box, 'we did it :tada:');
      await waitFor(() => expect(t.box.value).toBe('we did it 🎉'));
      expect(fetched).toContain(EMOJI_DATA_URL);
      // the caret after the emoji: typing goes on there
      await t.user.type(t.box, '!');
      expect(t.box.value).toBe('we did it 🎉!');
    });

    it('a pasted :shortcode: is sent as its emoji, code and colons in times left alone; messages keep their order', async () => {
      const t = await withPeople();
      fireEvent.change(t.box, { target: { value: 'pasted :tada: at 12:30: `:tada:` :nope:' } });
      fireEvent.keyDown(t.box, { key: 'Enter' });
      fireEvent.change(t.box, { target: { value: 'right after' } });
      fireEvent.keyDown(t.box, { key: 'Enter' });
      await waitFor(() => expect(t.s.callsOf('create_message')).toHaveLength(2));
      expect(t.s.callsOf('create_message').map((c) => c.body)).toEqual([
        'pasted 🎉 at 12:30: `:tada:` :nope:',
        'right after',
      ]);
    });

    it('lists shortcodes: arrows move, Enter takes (sends nothing), Escape closes', async () => {
      const t = await withPeople();
      await t.user.type(t.box, 'ok :thu');
      const list = await screen.findByRole('listbox', { name: 'Emoji' });
      const options = screen.getAllByRole('option');
      expect(options[0]!.textContent).toBe('👍:thumbsup:');
      expect(t.box.getAttribute('aria-autocomplete')).toBe('list');
      expect(t.box.getAttribute('aria-controls')).toBe(list.id);
      expect(t.box.getAttribute('aria-activedescendant')).toBe(options[0]!.id);
      expect(options[0]!.getAttribute('aria-selected')).toBe('true');
      await t.user.keyboard('{ArrowDown}');
      expect(t.box.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
      await t.user.keyboard('{ArrowUp}{ArrowUp}');
      expect(t.box.getAttribute('aria-activedescendant')).toBe(options.at(-1)!.id);
      await t.user.keyboard('{ArrowDown}{Enter}');
      expect(t.box.value).toBe('ok 👍');
      expect(screen.queryByRole('listbox')).toBeNull();
      expect(t.box.getAttribute('aria-activedescendant')).toBeNull();
      expect(t.s.callsOf('create_message')).toHaveLength(0);
      // Escape closes the list, not the reply being written
      act(() => {
        t.store.dispatch(messagesActions.composingStarted({ kind: 'reply', message: t.list[0]! }));
      });
      await t.user.type(t.box, ' :smi');
      await screen.findByRole('listbox', { name: 'Emoji' });
      await t.user.keyboard('{Escape}');
      expect(screen.queryByRole('listbox')).toBeNull();
      expect(t.store.getState().messages.composing).not.toBeNull();
      // it stays closed for that shortcode
      await t.user.type(t.box, 'l');
      expect(screen.queryByRole('listbox')).toBeNull();
      // Enter sends again
      await t.user.keyboard('{Enter}');
      expect(t.s.lastCall('create_message')).toMatchObject({ body: 'ok 👍 :smil' });
    });

    it('lists the names in the room after @ (not one own); a click writes the mention', async () => {
      const t = await withPeople();
      await t.user.type(t.box, 'hi @');
      expect(screen.queryByRole('listbox')).toBeNull();
      await t.user.type(t.box, 'b');
      const list = await screen.findByRole('listbox', { name: 'People in this room' });
      // user-1 (oneself) has no "b"; Bob starts with it, Amber Otter has a word with it
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Bob']);
      await t.user.clear(t.box);
      await t.user.type(t.box, 'hi @am');
      expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Amber Otter']);
      expect(screen.queryByRole('option', { name: 'user-1' })).toBeNull();
      await t.user.click(screen.getByRole('option', { name: 'Amber Otter' }));
      expect(list.isConnected).toBe(false);
      expect(t.box.value).toBe('hi @Amber Otter ');
      expect(document.activeElement).toBe(t.box);
      await t.user.type(t.box, 'look{Enter}');
      const sent = t.s.lastCall('create_message')!.body as string;
      expect(sent).toBe('hi @Amber Otter look');
      expect(mentionsMe(sent, 'Amber Otter')).toBe(true);
    });

    it('inserts an emoji from the picker at the caret', async () => {
      const t = await withPeople();
      await t.user.type(t.box, 'to the moon');
      t.box.setSelectionRange(6, 6);
      await t.user.click(screen.getByRole('button', { name: 'Insert an emoji' }));
      await t.user.click(await screen.findByRole('button', { name: 'pick 🚀' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(t.box.value).toBe('to the🚀 moon');
      expect(document.activeElement).toBe(t.box);
    });
  });
});
