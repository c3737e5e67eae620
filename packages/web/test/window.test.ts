import { describe, expect, it } from 'vitest';
import { createStore } from '../src/store/index.ts';
import { MESSAGE_WINDOW, WINDOW_SLACK, messagesActions } from '../src/store/messages.ts';
import { LOG_CAP, logActions } from '../src/store/log.ts';
import { OLDER_PAGE } from '../src/api/chatApi.ts';
import { drawing, msg, range, room, settle, setup, user, type FakeSocket } from './fakes.ts';

const seqs = (l: readonly { seq: number }[]) => l.map((m) => m.seq);

/** A store in room r1 holding messages 1..n (the room's whole history). */
function holding(n: number) {
  const store = createStore();
  store.dispatch(messagesActions.roomOpened('r1'));
  store.dispatch(
    messagesActions.listed({
      room_uuid: 'r1',
      list: range(1, n),
      has_more: false,
      mode: 'initial',
    }),
  );
  return store;
}

function olderPage(from: number, to: number, hasMore = true) {
  return messagesActions.listed({
    room_uuid: 'r1',
    list: range(from, to),
    has_more: hasMore,
    mode: 'older',
  });
}

describe('the window of messages a room keeps', () => {
  it('lets the oldest go while the reader follows the newest, a page at a time', () => {
    const store = holding(MESSAGE_WINDOW);
    const last = MESSAGE_WINDOW + WINDOW_SLACK;
    store.dispatch(messagesActions.arrived(range(MESSAGE_WINDOW + 1, last)));
    // up to the slack, nothing goes (each cut moves the list's first index)
    expect(store.getState().messages.list).toHaveLength(last);
    expect(store.getState().messages.hasOlder).toBe(false);
    store.dispatch(messagesActions.created({ message: msg(last + 1) }));
    const s = store.getState().messages;
    expect(s.list).toHaveLength(MESSAGE_WINDOW);
    expect(s.list.at(-1)!.seq).toBe(last + 1);
    expect(s.list[0]!.seq).toBe(last + 2 - MESSAGE_WINDOW);
    // contiguous: a message's index is its seq
    expect(seqs(s.list).every((q, i) => q === s.list[0]!.seq + i)).toBe(true);
    expect(s.hasOlder).toBe(true);
  });

  it('keeps everything while the reader is scrolled up, and cuts back once at the bottom', () => {
    const store = holding(100);
    store.dispatch(messagesActions.followingChanged(false));
    const total = 3 * MESSAGE_WINDOW;
    for (let from = 101; from <= total; from += 50) {
      store.dispatch(messagesActions.arrived(range(from, Math.min(total, from + 49))));
    }
    expect(store.getState().messages.list).toHaveLength(total);
    expect(store.getState().messages.list[0]!.seq).toBe(1);
    // pages further back are kept too while reading
    store.dispatch(messagesActions.followingChanged(true));
    const s = store.getState().messages;
    expect(s.list).toHaveLength(MESSAGE_WINDOW);
    expect(s.list[0]!.seq).toBe(total - MESSAGE_WINDOW + 1);
    expect(s.hasOlder).toBe(true);
  });

  it('older pages come back where the list begins; a page asked for before a cut is left out', () => {
    const store = holding(MESSAGE_WINDOW + WINDOW_SLACK + 1);
    let s = store.getState().messages;
    const first = s.list[0]!.seq;
    expect(first).toBeGreaterThan(1);
    // the reader scrolls up to the top: older pages load and stay
    store.dispatch(messagesActions.followingChanged(false));
    store.dispatch(messagesActions.olderRequested());
    store.dispatch(olderPage(first - OLDER_PAGE, first - 1));
    s = store.getState().messages;
    expect(s.list[0]!.seq).toBe(first - OLDER_PAGE);
    expect(s.loadingOlder).toBe(false);
    expect(s.hasOlder).toBe(true);

    // a page that does not end where the list begins (the list was cut meanwhile) would
    // leave a hole: it is dropped, and older messages remain to be loaded
    const now = s.list[0]!.seq;
    store.dispatch(messagesActions.olderRequested());
    store.dispatch(olderPage(now - 200, now - 101));
    s = store.getState().messages;
    expect(s.list[0]!.seq).toBe(now);
    expect(s.loadingOlder).toBe(false);
    expect(s.hasOlder).toBe(true);
    // down to the room's first message
    store.dispatch(olderPage(1, now - 1, false));
    s = store.getState().messages;
    expect(s.list[0]!.seq).toBe(1);
    expect(s.hasOlder).toBe(false);
    expect(seqs(s.list).every((q, i) => q === i + 1)).toBe(true);
  });

  it('a batch of new messages: merged in order, others rooms left out, their authors not typing', () => {
    const store = holding(10);
    store.dispatch(messagesActions.typingReceived({ user: user(3, 'r1'), at: 1 }));
    store.dispatch(
      messagesActions.arrived([msg(12, 'r1', user(3)), msg(11), msg(1, 'r2'), msg(12)]),
    );
    const s = store.getState().messages;
    expect(seqs(s.list)).toEqual(range(1, 12).map((m) => m.seq));
    expect(s.typing.u3).toBeUndefined();
  });

  it('entered again after more than a page came: the new page replaces what was held, and older ones can be loaded', () => {
    const initial = (from: number, to: number, hasMore: boolean) =>
      messagesActions.listed({
        room_uuid: 'r1',
        list: range(from, to),
        has_more: hasMore,
        mode: 'initial',
      });
    // first visit: an empty room; back later: 2,000 came meanwhile (the page: the newest 50)
    const store = holding(0);
    expect(store.getState().messages.hasOlder).toBe(false);
    store.dispatch(initial(1951, 2000, true));
    let s = store.getState().messages;
    expect(seqs(s.list)).toEqual(seqs(range(1951, 2000)));
    expect(s.hasOlder).toBe(true);
    // a page that meets what is held is merged, and what is held still says what is older
    const kept = holding(30);
    kept.dispatch(initial(21, 40, true));
    s = kept.getState().messages;
    expect(seqs(s.list)).toEqual(seqs(range(1, 40)));
    expect(s.hasOlder).toBe(false);
    // one that does not meet it: no hole in the list
    kept.dispatch(initial(100, 120, true));
    s = kept.getState().messages;
    expect(seqs(s.list)).toEqual(seqs(range(100, 120)));
    expect(s.hasOlder).toBe(true);
  });

  it('a room switch starts from the newest again, following', () => {
    const store = holding(10);
    store.dispatch(messagesActions.followingChanged(false));
    store.dispatch(messagesActions.roomOpened('r2'));
    expect(store.getState().messages.following).toBe(true);
  });

  it('the event log takes a batch of entries, numbered, and stays bounded', () => {
    const store = createStore();
    const entry = (n: number) => logActions.added('in', `{"type":"result","n":${n}}`, n).payload;
    store.dispatch(logActions.addedAll([entry(1), entry(2)]));
    expect(store.getState().log.entries.map((e) => e.id)).toEqual([1, 2]);
    store.dispatch(
      logActions.addedAll(Array.from({ length: LOG_CAP + 5 }, (_, i) => entry(i + 3))),
    );
    const log = store.getState().log;
    expect(log.entries).toHaveLength(LOG_CAP);
    expect(log.entries.at(-1)!.id).toBe(LOG_CAP + 7);
    expect(log.dropped).toBe(7);
  });
});

type T = ReturnType<typeof setup>;

async function entered(t: T, list = range(1, 50), hasMore = false): Promise<FakeSocket> {
  const s = t.socket();
  s.open();
  s.result('user_created', { object: user(1), token: 'tok', resumed: false });
  s.result('rooms_listed', { list: [room(1)], cursor: null });
  t.api.enterRoom('r1');
  const call = s.lastCall('enter_room')!;
  s.result('room_entered', { object: room(1) }, call.id);
  s.result('messages_listed', { list, has_more: hasMore, room_uuid: 'r1' }, call.id);
  s.result('drawing_got', { object: drawing('r1') }, call.id);
  await settle();
  return s;
}

describe('ChatApi and the window', () => {
  it('older pages are asked for before the first message the list holds, after a cut', async () => {
    const t = setup();
    const s = await entered(t, range(51, 100), true);
    const newest = 100 + MESSAGE_WINDOW + WINDOW_SLACK;
    for (let q = 101; q <= newest; q++) s.result('message_created', { object: msg(q) });
    const held = t.store.getState().messages.list;
    const first = held[0]!.seq;
    expect(held.length).toBeGreaterThanOrEqual(MESSAGE_WINDOW);
    expect(held.length).toBeLessThanOrEqual(MESSAGE_WINDOW + WINDOW_SLACK);
    expect(held.at(-1)!.seq).toBe(newest);
    t.api.loadOlder();
    const call = s.lastCall('list_messages')!;
    expect(call).toMatchObject({ before: first, limit: OLDER_PAGE });
    s.result(
      'messages_listed',
      { list: range(first - OLDER_PAGE, first - 1), has_more: true, room_uuid: 'r1' },
      call.id,
    );
    await settle();
    expect(t.store.getState().messages.list[0]!.seq).toBe(first - OLDER_PAGE);
  });

  it('a jump far back loads the pages between, from where the list begins', async () => {
    const t = setup();
    const s = await entered(t, range(301, 350), true);
    const held = t.api.loadUntil(120);
    for (const before of [301, 201]) {
      await settle();
      const call = s.lastCall('list_messages')!;
      expect(call).toMatchObject({ before });
      s.result(
        'messages_listed',
        { list: range(before - OLDER_PAGE, before - 1), has_more: true, room_uuid: 'r1' },
        call.id,
      );
    }
    expect(await held).toBe(true);
    expect(t.store.getState().messages.list[0]!.seq).toBe(101);
  });

  it('with batching, new messages and log entries are stored together, changes after them', async () => {
    let flush: (() => void) | null = null;
    const t = setup({ batch: (run) => (flush = run) });
    const s = await entered(t, range(1, 10));
    const logged = t.store.getState().log.entries.length;
    s.result('message_created', { object: msg(11) });
    s.result('message_created', { object: msg(12) });
    expect(t.store.getState().messages.list).toHaveLength(10);
    expect(t.sounds).toHaveLength(2);
    // a change of a message still waiting stores it first, then changes it
    s.result('message_changed', { object: { ...msg(12), body: 'edited', rev: 20 } });
    expect(t.store.getState().messages.list.at(-1)!.body).toBe('edited');
    s.result('message_created', { object: msg(13) });
    expect(flush).not.toBeNull();
    flush!();
    expect(seqs(t.store.getState().messages.list).at(-1)).toBe(13);
    expect(t.store.getState().log.entries.length).toBe(logged + 4);
  });
});
