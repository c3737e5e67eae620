import { describe, expect, it, vi } from 'vitest';
import { TOKEN_KEY } from '../src/api/client.ts';
import { msg, range, room, setup, user } from './fakes.ts';

function connect(t: ReturnType<typeof setup>, u = user(1), resumed = false, token = 'tok') {
  const s = t.socket();
  s.open();
  s.result('user_created', { object: u, token, resumed });
  s.result('rooms_listed', { list: [room(1)], cursor: null });
  return s;
}

function enter(t: ReturnType<typeof setup>, list = range(1, 50), hasMore = false) {
  const s = t.socket();
  const call = s.lastCall('enter_room')!;
  s.result('room_entered', { object: room(1) }, call.id);
  s.result('messages_listed', { list, has_more: hasMore, room_uuid: 'r1' }, call.id);
  s.result(
    'drawing_got',
    { object: { uuid: 'd', name: 'd', lines: [], room_uuid: 'r1' } },
    call.id,
  );
}

describe('ChatClient', () => {
  it('connects to /ws on the page origin and resumes with the stored token', () => {
    const t = setup();
    expect(t.socket().url()).toBe('ws://chat.test/ws');
    connect(t, user(1), false, 'secret/+=');
    expect(t.storage.data.get(TOKEN_KEY)).toBe('secret/+=');
    expect(t.socket().url()).toBe('ws://chat.test/ws?token=secret%2F%2B%3D');
    expect(t.store.getState().user.me?.name).toBe('user-1');
    expect(t.store.getState().ui.connection).toBe('online');
    expect(t.store.getState().rooms.main).toEqual(['r1']);
  });

  it('logs every frame both ways', () => {
    const t = setup();
    connect(t);
    t.client.createRoom();
    const log = t.store.getState().log.entries;
    expect(log.map((e) => `${e.direction} ${e.type} ${e.message}`)).toEqual([
      'in result user_created',
      'in result rooms_listed',
      'out call create_room',
    ]);
  });

  it('queues calls until the identity arrives, and sends call ids', () => {
    const t = setup();
    t.client.enterRoom('r1');
    t.client.changeUserName('bob');
    expect(t.socket().sent).toHaveLength(0);
    connect(t);
    const calls = t.socket().calls();
    expect(calls.map((c) => c.message)).toEqual(['enter_room', 'change_user_name']);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(calls[0]!.uuid).toBe('r1');
  });

  it('a late leave of an earlier visit does not undo a newer enter (StrictMode, room switch)', () => {
    const t = setup();
    const s = connect(t);
    const first = t.client.enterRoom('r1');
    const second = t.client.enterRoom('r1');
    expect(s.calls().filter((c) => c.message === 'enter_room')).toHaveLength(1);
    t.client.leaveRoom(first);
    expect(s.lastCall('leave_room')).toBeUndefined();
    expect(t.store.getState().rooms.current).toBe('r1');
    t.client.leaveRoom(second);
    expect(s.lastCall('leave_room')).toBeDefined();
    expect(t.store.getState().rooms.current).toBeNull();
  });

  it('does not leave a room it never got into, and leaves a resumed room it does not want', () => {
    const t = setup();
    const s = connect(t, user(1, 'r9'));
    expect(s.lastCall('leave_room')).toBeDefined();
    s.sent = [];
    const ticket = t.client.enterRoom('nope');
    s.error('no_specified_room', { call: 'enter_room', id: s.lastCall('enter_room')!.id });
    t.client.leaveRoom(ticket);
    expect(s.lastCall('leave_room')).toBeUndefined();
  });

  it('shows a room that does not exist', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('nope');
    const call = s.lastCall('enter_room')!;
    s.error('no_specified_room', { call: 'enter_room', id: call.id });
    expect(t.store.getState().rooms.status).toBe('missing');
    expect(t.store.getState().ui.notices).toHaveLength(0);
  });

  it('shows pending own messages until the echo with the call id', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, range(1, 3));
    const id = t.client.sendMessage('  hello  ')!;
    expect(s.lastCall('create_message')).toMatchObject({ body: 'hello', id });
    expect(t.store.getState().messages.pending).toMatchObject([
      { id, body: 'hello', unsent: false },
    ]);
    s.result('message_created', { object: msg(4, 'r1', user(1), 'hello') }, id);
    expect(t.store.getState().messages.pending).toHaveLength(0);
    expect(t.store.getState().messages.list.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    s.result('message_created', { object: msg(5, 'r1', user(2)) });
    expect(t.sounds).toEqual([true, false]);
  });

  it('marks a refused message as failed, with the server sentence', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, []);
    const id = t.client.sendMessage('x')!;
    s.error('not_valid_body', { call: 'create_message', id, detail: 'Too long.' });
    expect(t.store.getState().messages.pending[0]).toMatchObject({ id, failed: 'Too long.' });
  });

  it('pages older history with before', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, range(51, 100), true);
    t.client.loadOlder();
    t.client.loadOlder(); // ignored while one is in flight
    const calls = s.calls().filter((c) => c.message === 'list_messages');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ before: 51 });
    s.result(
      'messages_listed',
      { list: range(1, 50), has_more: false, room_uuid: 'r1' },
      calls[0]!.id,
    );
    expect(t.store.getState().messages.list).toHaveLength(100);
    expect(t.store.getState().messages.hasOlder).toBe(false);
  });

  it('after a drop: reconnects, re-enters, fills the gap with after, loses and doubles nothing', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, range(1, 50));
    // one message is in flight when the connection drops; one more is written offline
    const lost = t.client.sendMessage('in flight')!;
    s.drop();
    expect(t.store.getState().ui.connection).toBe('offline');
    const offline = t.client.sendMessage('written offline')!;
    expect(t.store.getState().messages.pending.map((p) => p.unsent)).toEqual([true, true]);

    // the same socket object reconnects (partysocket); the url now carries the token
    expect(s.url()).toContain('token=tok');
    s.sent = [];
    s.open();
    s.result('user_created', { object: user(1), token: 'tok', resumed: true });
    s.result('rooms_listed', { list: [room(1)], cursor: null });
    expect(t.store.getState().user.resumed).toBe(true);
    const reenter = s.lastCall('enter_room')!;
    expect(reenter.uuid).toBe('r1');
    s.result('room_entered', { object: room(1) }, reenter.id);
    // the server got 300 messages meanwhile, one of them our "in flight" message (seq 120)
    const server = range(1, 350);
    server[119] = msg(120, 'r1', user(1), 'in flight');
    s.result(
      'messages_listed',
      { list: server.slice(300), has_more: true, room_uuid: 'r1' },
      reenter.id,
    );
    // the newest page is not merged over the gap; we page forward from 50
    let fill = s.lastCall('list_messages')!;
    expect(fill).toMatchObject({ after: 50 });
    // a live message arrives during the fill
    s.result('message_created', { object: server[349]! });
    s.result(
      'messages_listed',
      { list: server.slice(50, 250), has_more: true, room_uuid: 'r1' },
      fill.id,
    );
    fill = s.lastCall('list_messages')!;
    expect(fill).toMatchObject({ after: 250 });
    expect(s.calls().filter((c) => c.message === 'create_message')).toHaveLength(0);
    s.result(
      'messages_listed',
      { list: server.slice(250, 350), has_more: false, room_uuid: 'r1' },
      fill.id,
    );

    const list = t.store.getState().messages.list;
    expect(list.map((m) => m.seq)).toEqual(range(1, 350).map((m) => m.seq));
    // "in flight" arrived through the fill: not sent twice; "written offline" is sent now
    const creates = s.calls().filter((c) => c.message === 'create_message');
    expect(creates).toEqual([expect.objectContaining({ body: 'written offline', id: offline })]);
    const pending = t.store.getState().messages.pending;
    expect(pending.map((p) => p.id)).toEqual([offline]);
    expect(pending.some((p) => p.id === lost)).toBe(false);
  });

  it('merges a re-entry page that touches what it has', () => {
    const t = setup();
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, range(1, 50));
    s.drop();
    s.open();
    s.result('user_created', { object: user(1), token: 'tok', resumed: true });
    const reenter = s.lastCall('enter_room')!;
    s.result('room_entered', { object: room(1) }, reenter.id);
    s.result(
      'messages_listed',
      { list: range(11, 60), has_more: true, room_uuid: 'r1' },
      reenter.id,
    );
    expect(t.store.getState().messages.list.map((m) => m.seq)).toEqual(
      range(1, 60).map((m) => m.seq),
    );
    expect(s.calls().filter((c) => c.message === 'list_messages')).toHaveLength(0);
  });

  it('on session_taken_over says so and can take the identity back', () => {
    const t = setup();
    const s = connect(t);
    s.error('session_taken_over');
    s.drop(4000);
    expect(t.store.getState().ui.connection).toBe('taken_over');
    t.client.useHere();
    expect(s.reconnects).toBe(1);
  });

  it('throttles typing to one every 2 s', () => {
    vi.useFakeTimers();
    try {
      const t = setup();
      const s = connect(t);
      t.client.enterRoom('r1');
      enter(t, []);
      t.client.typing();
      t.client.typing();
      vi.advanceTimersByTime(2_100);
      t.client.typing();
      expect(s.calls().filter((c) => c.message === 'typing')).toHaveLength(2);
      s.result('user_typing', { object: user(2, 'r1') });
      expect(Object.keys(t.store.getState().messages.typing)).toEqual(['u2']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps an opened list of more than 100 users live, reading it again at most once a second', () => {
    vi.useFakeTimers();
    try {
      const t = setup();
      const s = connect(t);
      const everyone = Array.from({ length: 150 }, (_, i) => user(i + 1, 'r1'));
      t.client.enterRoom('r1');
      enter(t, []);
      t.client.loadMembers();
      const first = s.lastCall('list_room_users')!;
      s.result(
        'room_users_listed',
        { uuid: 'r1', list: everyone.slice(0, 100), cursor: 'c' },
        first.id,
      );
      t.client.loadMembers();
      const second = s.lastCall('list_room_users')!;
      expect(second).toMatchObject({ uuid: 'r1', cursor: 'c' });
      s.result(
        'room_users_listed',
        { uuid: 'r1', list: everyone.slice(100), cursor: null },
        second.id,
      );
      expect(t.store.getState().rooms.members!.list).toHaveLength(150);
      // user 120 leaves and user 7 renames: three room_changed, one read after a second
      const left = everyone.filter((u) => u.uuid !== 'u120');
      const renamed = left.map((u) => (u.uuid === 'u7' ? { ...u, name: 'seven' } : u));
      for (const list of [left, renamed, renamed]) {
        s.result('room_changed', {
          object: room(1, { users: list.slice(0, 100), user_count: list.length }),
        });
      }
      expect(s.calls().filter((c) => c.message === 'list_room_users')).toHaveLength(2);
      vi.advanceTimersByTime(1_000);
      const reads = s.calls().filter((c) => c.message === 'list_room_users');
      expect(reads).toHaveLength(3);
      expect(reads[2]).toMatchObject({ uuid: 'r1', limit: 150 });
      expect(reads[2]!.cursor).toBeUndefined();
      s.result('room_users_listed', { uuid: 'r1', list: renamed, cursor: null }, reads[2]!.id);
      const members = t.store.getState().rooms.members!.list;
      expect(members).toHaveLength(149);
      expect(members.find((u) => u.uuid === 'u120')).toBeUndefined();
      expect(members.find((u) => u.uuid === 'u7')?.name).toBe('seven');
      // a room that is not the current one does not cause a read
      s.result('room_changed', { object: room(2) });
      vi.advanceTimersByTime(2_000);
      expect(s.calls().filter((c) => c.message === 'list_room_users')).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the drawing again, at most once a second, when the server refuses a stroke', () => {
    let now = 10_000;
    const t = setup({ now: () => now });
    const s = connect(t);
    t.client.enterRoom('r1');
    enter(t, []);
    const reads = () => s.calls().filter((c) => c.message === 'get_drawing').length;
    s.error('drawing_full', { call: 'append_draw_points', id: 'x1' });
    s.error('drawing_full', { call: 'append_draw_points', id: 'x2' });
    expect(reads()).toBe(1);
    s.error('not_valid_color', { call: 'append_draw_points', id: 'x3' });
    now += 1_000;
    s.error('drawing_full', { call: 'change_draw_line', id: 'x4' });
    expect(reads()).toBe(2);
    // refused appends are silent; the refused line is told once
    expect(t.store.getState().ui.notices).toHaveLength(1);
  });

  it('accepts the original server errors sent as result, and shows them', () => {
    const t = setup();
    const s = connect(t);
    s.result('not_empty_room', {});
    s.error('not_empty_room', { call: 'delete_room', detail: 'The room still has users in it.' });
    const notices = t.store.getState().ui.notices.map((n) => n.text);
    expect(notices).toEqual(['not empty room', 'The room still has users in it.']);
  });

  it('applies room broadcasts and drawing statements', () => {
    const t = setup();
    const s = connect(t);
    s.result('room_created', { object: room(2) });
    s.result('room_changed', { object: room(2, { name: 'new', color: '#cf2e24' }) });
    expect(t.store.getState().rooms.byId.r2!.name).toBe('new');
    s.result('room_deleted', { object: room(2) });
    expect(t.store.getState().rooms.byId.r2).toBeUndefined();
    t.client.enterRoom('r1');
    enter(t, []);
    s.result('draw_points_appended', {
      uuid: 'l',
      points: [1, 1, 2, 2],
      color: '#000000',
      tool: 'pen',
      user_uuid: 'u2',
    });
    expect(t.store.getState().drawing.lines.l!.points).toEqual([1, 1, 2, 2]);
    s.result('draw_line_deleted', { uuid: 'l' });
    expect(t.store.getState().drawing.order).toEqual([]);
  });
});
