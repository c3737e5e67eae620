import { describe, expect, it } from 'vitest';
import { contiguousEnd, mergeBySeq } from '../src/store/merge.ts';
import { createStore, selectVisibleRooms } from '../src/store/index.ts';
import { messagesActions } from '../src/store/messages.ts';
import { roomsActions, compareRooms } from '../src/store/rooms.ts';
import { logActions, LOG_CAP } from '../src/store/log.ts';
import { drawingActions, lastOwnLine } from '../src/store/drawing.ts';
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
    expect(store.getState().drawing.lines.l1).toMatchObject({
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
