import { describe, expect, it } from 'vitest';
import { contiguousEnd, mergeBySeq } from '../src/store/merge.ts';
import { createStore, selectVisibleRooms } from '../src/store/index.ts';
import { messagesActions } from '../src/store/messages.ts';
import {
  roomsActions,
  compareRooms,
  SEARCH_FILL,
  SEARCH_MAX_PAGES,
  searchPaused,
  searchReadsOn,
} from '../src/store/rooms.ts';
import {
  HIDDEN_TOKEN,
  logActions,
  LOG_CAP,
  LOG_TEXT_CHARS,
  maskSecrets,
} from '../src/store/log.ts';
import { uiActions } from '../src/store/ui.ts';
import { drawingActions, lastOwnLine, lineOf } from '../src/store/drawing.ts';
import { msg, range, room, user } from './fakes.ts';

const seqs = (l: { seq: number }[]) => l.map((m) => m.seq);

describe('mergeBySeq', () => {
  it('appends, prepends and interleaves without duplicates', () => {
    expect(seqs(mergeBySeq(range(5, 7), range(8, 9)))).toEqual([5, 6, 7, 8, 9]);
    expect(seqs(mergeBySeq(range(5, 7), range(1, 4)))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seqs(mergeBySeq(range(5, 7), range(3, 9)))).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(seqs(mergeBySeq([msg(1), msg(5)], range(2, 4)))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(mergeBySeq(range(1, 3), range(1, 3)))).toEqual([1, 2, 3]);
    expect(seqs(mergeBySeq([], [msg(3), msg(1), msg(3)]))).toEqual([1, 3]);
  });
  it('keeps the newer copy of a message seen twice', () => {
    const newer = { ...msg(2), body: 'edited' };
    expect(mergeBySeq(range(1, 3), [newer])[1]!.body).toBe('edited');
  });
  it('finds the end of the contiguous run', () => {
    expect(contiguousEnd([])).toBeUndefined();
    expect(contiguousEnd(range(3, 6))).toBe(6);
    expect(contiguousEnd([msg(1), msg(2), msg(5)])).toBe(2);
  });
  it('merges 100,000 messages quickly', () => {
    let list = range(99_801, 100_000);
    const t = performance.now();
    for (let top = 99_800; top > 0; top -= 200) list = mergeBySeq(list, range(top - 199, top));
    expect(list.length).toBe(100_000);
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});

describe('messages slice', () => {
  it('lists, pages older, merges live messages and confirms pending by id', () => {
    const store = createStore();
    const d = store.dispatch;
    d(messagesActions.roomOpened('r1'));
    d(
      messagesActions.listed({
        room_uuid: 'r1',
        list: range(51, 100),
        has_more: true,
        mode: 'initial',
      }),
    );
    let s = store.getState().messages;
    expect(s.loaded).toBe(true);
    expect(s.hasOlder).toBe(true);
    d(messagesActions.olderRequested());
    d(
      messagesActions.listed({
        room_uuid: 'r1',
        list: range(1, 50),
        has_more: false,
        mode: 'older',
      }),
    );
    s = store.getState().messages;
    expect(s.list.length).toBe(100);
    expect(s.hasOlder).toBe(false);
    expect(s.loadingOlder).toBe(false);

    d(messagesActions.pendingAdded({ id: 'c1', body: 'hi', created: '', unsent: false }));
    expect(store.getState().messages.pending).toHaveLength(1);
    d(messagesActions.created({ message: msg(101, 'r1', user(1), 'hi'), id: 'c1' }));
    s = store.getState().messages;
    expect(s.pending).toHaveLength(0);
    expect(s.list[s.list.length - 1]!.seq).toBe(101);
    // the same message again (e.g. through a gap fill) is not doubled
    d(
      messagesActions.listed({
        room_uuid: 'r1',
        list: range(99, 101),
        has_more: false,
        mode: 'newer',
      }),
    );
    expect(seqs(store.getState().messages.list).filter((x) => x === 101)).toHaveLength(1);
    expect(store.getState().messages.list).toHaveLength(101);
  });
  it('ignores messages of another room and resets on a room switch', () => {
    const store = createStore();
    store.dispatch(messagesActions.roomOpened('r1'));
    store.dispatch(messagesActions.created({ message: msg(1, 'r2') }));
    expect(store.getState().messages.list).toHaveLength(0);
    store.dispatch(messagesActions.created({ message: msg(1, 'r1') }));
    store.dispatch(messagesActions.roomOpened('r2'));
    expect(store.getState().messages.list).toHaveLength(0);
    expect(store.getState().messages.loaded).toBe(false);
  });
  it('marks pending messages for resend when the connection drops', () => {
    const store = createStore();
    store.dispatch(messagesActions.roomOpened('r1'));
    store.dispatch(
      messagesActions.pendingAdded({ id: 'a', body: 'x', created: '', unsent: false }),
    );
    store.dispatch(messagesActions.pendingFailed({ id: 'a', detail: 'nope' }));
    store.dispatch(
      messagesActions.pendingAdded({ id: 'b', body: 'y', created: '', unsent: false }),
    );
    store.dispatch(messagesActions.connectionLost());
    const p = store.getState().messages.pending;
    expect(p.find((m) => m.id === 'a')!.unsent).toBe(false);
    expect(p.find((m) => m.id === 'b')!.unsent).toBe(true);
  });
  it('tracks and expires typing users', () => {
    const store = createStore();
    store.dispatch(messagesActions.roomOpened('r1'));
    store.dispatch(messagesActions.typingReceived({ user: user(2, 'r1'), at: 1000 }));
    expect(store.getState().messages.typing.u2!.name).toBe('user-2');
    store.dispatch(messagesActions.typingExpired(999));
    expect(store.getState().messages.typing.u2).toBeDefined();
    store.dispatch(messagesActions.typingExpired(1000));
    expect(store.getState().messages.typing.u2).toBeUndefined();
    store.dispatch(messagesActions.typingReceived({ user: user(2, 'r1'), at: 1 }));
    store.dispatch(messagesActions.created({ message: msg(1, 'r1', user(2)) }));
    expect(store.getState().messages.typing.u2).toBeUndefined();
  });
});

describe('rooms slice', () => {
  it('lists newest first, upserts, deletes and pages', () => {
    const store = createStore();
    const d = store.dispatch;
    d(roomsActions.listed({ list: [room(1), room(2), room(3)], cursor: 'c1', append: false }));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).toEqual(['r3', 'r2', 'r1']);
    d(roomsActions.created(room(4)));
    d(roomsActions.created(room(4)));
    d(roomsActions.changed({ ...room(2), name: 'renamed', color: '#cf2e24' }));
    d(roomsActions.listed({ list: [room(0)], cursor: null, append: true }));
    const list = selectVisibleRooms(store.getState());
    expect(list.map((r) => r.uuid)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    expect(list[2]!.name).toBe('renamed');
    expect(store.getState().rooms.cursor).toBeNull();
    d(roomsActions.deleted(room(3)));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).toEqual([
      'r4',
      'r2',
      'r1',
      'r0',
    ]);
    // a page read before the deletion but received after it does not bring the room back
    d(roomsActions.listed({ list: [room(3), room(2)], cursor: 'c2', append: true }));
    d(roomsActions.changed({ ...room(3), name: 'late' }));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).not.toContain('r3');
    expect(store.getState().rooms.byId.r3).toBeUndefined();
    // a fresh first page (after a reconnect) replaces the list
    d(roomsActions.listed({ list: [room(1)], cursor: null, append: false }));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).toEqual(['r1']);
  });
  it('orders ties by uuid', () => {
    const a = room(1, { uuid: 'a' });
    const b = room(1, { uuid: 'b' });
    expect([a, b].sort(compareRooms).map((r) => r.uuid)).toEqual(['b', 'a']);
  });
  it('keeps search results apart and adds matching new rooms', () => {
    const store = createStore();
    const d = store.dispatch;
    d(roomsActions.listed({ list: [room(1), room(2)], cursor: null, append: false }));
    d(roomsActions.searchStarted('cat'));
    d(roomsActions.listed({ list: [room(1)], cursor: null, append: false, query: 'dog' }));
    expect(selectVisibleRooms(store.getState())).toHaveLength(0);
    d(
      roomsActions.listed({
        list: [room(5, { name: 'Cats' })],
        cursor: 'x',
        query: 'cat',
        append: false,
      }),
    );
    d(roomsActions.created(room(6, { name: 'big CAT' })));
    d(roomsActions.created(room(7, { name: 'dog' })));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).toEqual(['r6', 'r5']);
    d(roomsActions.searchStarted(''));
    expect(selectVisibleRooms(store.getState()).map((r) => r.uuid)).toEqual([
      'r7',
      'r6',
      'r2',
      'r1',
    ]);
  });
  it('a search reads on while it shows fewer results than it wants, pauses after a cap of pages', () => {
    const store = createStore();
    const d = store.dispatch;
    const search = () => store.getState().rooms.search!;
    d(roomsActions.searchStarted('x'));
    expect(search()).toMatchObject({ loading: true, pages: 0, want: SEARCH_FILL });
    expect(searchReadsOn(search())).toBe(false); // a page is on its way
    d(roomsActions.listed({ list: [], cursor: 'c', query: 'x', append: false }));
    expect(searchReadsOn(search())).toBe(true);
    for (let i = 1; i < SEARCH_MAX_PAGES; i++) {
      d(roomsActions.moreRequested());
      d(roomsActions.listed({ list: [room(i)], cursor: 'c', query: 'x', append: true }));
    }
    expect(search().pages).toBe(SEARCH_MAX_PAGES);
    expect(searchReadsOn(search())).toBe(false);
    expect(searchPaused(search())).toBe(true);
    d(roomsActions.searchFurther());
    expect(search()).toMatchObject({ pages: 0, want: SEARCH_MAX_PAGES - 1 + SEARCH_FILL });
    expect(searchReadsOn(search())).toBe(true);
    // a failed page stops the loading of its own search only
    d(roomsActions.moreRequested());
    d(roomsActions.listFailed({ query: 'other' }));
    expect(search().loading).toBe(true);
    d(roomsActions.listFailed({ query: 'x' }));
    expect(search().loading).toBe(false);
    d(roomsActions.listed({ list: [], cursor: null, query: 'x', append: true }));
    expect(searchReadsOn(search())).toBe(false);
    expect(searchPaused(search())).toBe(false);
  });
  it('tracks entering, a missing room and a deleted current room', () => {
    const store = createStore();
    store.dispatch(roomsActions.enterRequested('r1'));
    expect(store.getState().rooms.status).toBe('entering');
    store.dispatch(roomsActions.entered(room(1)));
    expect(store.getState().rooms.status).toBe('entered');
    store.dispatch(roomsActions.enterRequested('zz'));
    store.dispatch(roomsActions.enterFailed('zz'));
    expect(store.getState().rooms.status).toBe('missing');
    store.dispatch(roomsActions.enterRequested('r1'));
    store.dispatch(roomsActions.entered(room(1)));
    store.dispatch(roomsActions.deleted(room(1)));
    expect(store.getState().rooms.status).toBe('missing');
  });
});

describe('log slice', () => {
  it('records direction, type and message, and stays bounded', () => {
    const store = createStore();
    store.dispatch(
      logActions.added(
        'out',
        JSON.stringify({ type: 'call', payload: { message: 'list_rooms' } }),
        5,
      ),
    );
    store.dispatch(logActions.added('in', 'not json', 6));
    const [a, b] = store.getState().log.entries;
    expect(a).toMatchObject({
      id: 1,
      direction: 'out',
      type: 'call',
      message: 'list_rooms',
      time: 5,
    });
    expect(b).toMatchObject({ id: 2, direction: 'in', type: 'invalid' });
    for (let i = 0; i < LOG_CAP + 10; i++) store.dispatch(logActions.added('in', '{}', i));
    expect(store.getState().log.entries).toHaveLength(LOG_CAP);
    expect(store.getState().log.dropped).toBe(12);
  });

  it('masks the identity token, reads the type and name without being fooled by text, cuts long frames', () => {
    const store = createStore();
    const greeting = JSON.stringify({
      type: 'result',
      payload: {
        message: 'user_created',
        object: { uuid: 'u1', name: '"message":"x" "token":"y"', room_uuid: null },
        token: 'S3cr3t-_token',
        resumed: false,
      },
    });
    store.dispatch(logActions.added('in', greeting, 1));
    // a call's fields come before its name: a body that reads like one is not taken for it
    const call = JSON.stringify({
      type: 'call',
      payload: {
        body: '{"type":"error","message":"bad_data"}',
        message: 'create_message',
        id: 'a',
      },
    });
    store.dispatch(logActions.added('out', call, 2));
    store.dispatch(
      logActions.added(
        'in',
        `{"type":"result","payload":{"message":"messages_listed","list":"${'x'.repeat(5_000)}"}}`,
        3,
      ),
    );
    const [a, b, c] = store.getState().log.entries;
    expect(a).toMatchObject({ type: 'result', message: 'user_created' });
    expect(a!.text).not.toContain('S3cr3t');
    expect(a!.text).toContain(`"token":"${HIDDEN_TOKEN}"`);
    expect(maskSecrets(greeting)).toBe(greeting.replace('S3cr3t-_token', HIDDEN_TOKEN));
    expect(b).toMatchObject({ type: 'call', message: 'create_message' });
    expect(c!.text).toHaveLength(LOG_TEXT_CHARS + 1);
  });
});

describe('connection and pending state', () => {
  it('a wait asked by the server is kept until the connection changes', () => {
    const store = createStore();
    store.dispatch(uiActions.connectionChanged('offline'));
    store.dispatch(uiActions.reconnectWaiting(12_345));
    expect(store.getState().ui).toMatchObject({ connection: 'offline', retryAt: 12_345 });
    store.dispatch(uiActions.connectionChanged('connecting'));
    expect(store.getState().ui.retryAt).toBeNull();
  });

  it('pending messages: delayed with a reason, sent again, resumed after a reconnect', () => {
    const store = createStore();
    const d = store.dispatch;
    d(messagesActions.roomOpened('r1'));
    d(messagesActions.pendingAdded({ id: 'a', body: 'x', created: '', unsent: false }));
    d(messagesActions.pendingDelayed({ id: 'a', detail: 'Wait.' }));
    expect(store.getState().messages.pending[0]).toMatchObject({ delayed: 'Wait.' });
    d(messagesActions.pendingResent('a'));
    expect(store.getState().messages.pending[0]!.delayed).toBeUndefined();
    d(messagesActions.connectionLost());
    expect(store.getState().messages.pending[0]!.unsent).toBe(true);
    d(messagesActions.pendingResumed());
    expect(store.getState().messages.pending[0]!.unsent).toBe(false);
    d(messagesActions.pendingDelayed({ id: 'a', detail: 'Wait.' }));
    d(messagesActions.pendingFailed({ id: 'a', detail: 'No.' }));
    expect(store.getState().messages.pending[0]).toMatchObject({ failed: 'No.' });
    expect(store.getState().messages.pending[0]!.delayed).toBeUndefined();
  });
});

describe('drawing slice', () => {
  it('applies streamed points, full lines, deletes and resets', () => {
    const store = createStore();
    const d = store.dispatch;
    d(drawingActions.roomOpened('r1'));
    d(drawingActions.got({ uuid: 'd', name: 'drawing', room_uuid: 'r1', lines: [] }));
    d(
      drawingActions.pointsAppended({
        uuid: 'l1',
        points: [1, 2],
        color: '#cf2e24',
        tool: 'pen',
        user_uuid: 'u2',
      }),
    );
    d(drawingActions.pointsAppended({ uuid: 'l1', points: [3, 4], user_uuid: 'u2' }));
    expect(lineOf(store.getState().drawing, 'l1')).toMatchObject({
      points: [1, 2, 3, 4],
      color: '#cf2e24',
    });
    d(
      drawingActions.lineChanged({
        uuid: 'l1',
        name: 'x',
        points: [1, 2, 3, 4, 5, 6],
        color: '#cf2e24',
        tool: 'pen',
        user_uuid: 'u2',
      }),
    );
    d(
      drawingActions.pointsAppended({
        uuid: 'l2',
        points: [9, 9],
        color: '#000000',
        tool: 'eraser',
        user_uuid: 'u1',
      }),
    );
    let s = store.getState().drawing;
    expect(s.order).toEqual(['l1', 'l2']);
    expect(s.lines.l1!.points).toHaveLength(6);
    expect(lastOwnLine(s, 'u1')).toBe('l2');
    expect(lastOwnLine(s, 'u2')).toBe('l1');
    d(drawingActions.lineDeleted('l2'));
    s = store.getState().drawing;
    expect(lastOwnLine(s, 'u1')).toBeUndefined();
    d(drawingActions.got({ uuid: 'd', name: 'drawing', room_uuid: 'r1', lines: [] }));
    expect(store.getState().drawing.order).toEqual([]);
  });
});
