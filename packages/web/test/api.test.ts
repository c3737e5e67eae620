import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, replyOf } from '@chat/protocol';
import { messagesActions } from '../src/store/messages.ts';
import { lineOf } from '../src/store/drawing.ts';
import {
  MEMBERS_REFRESH_MS,
  SEARCH_FILL,
  SEARCH_MAX_PAGES,
  TOKEN_KEY,
} from '../src/api/chatApi.ts';
import { HIDDEN_TOKEN } from '../src/store/log.ts';
import { drawing, msg, range, room, settle, setup, user, type FakeSocket } from './fakes.ts';

type T = ReturnType<typeof setup>;

function connect(t: T, u = user(1), resumed = false, token = 'tok') {
  const s = t.socket();
  s.open();
  s.result('user_created', { object: u, token, resumed });
  s.result('rooms_listed', { list: [room(1)], cursor: null });
  return s;
}

/** Answers the last enter_room with its three frames. */
function answerEnter(s: FakeSocket, list = range(1, 50), hasMore = false, uuid = 'r1') {
  const call = s.lastCall('enter_room')!;
  const n = Number(uuid.slice(1));
  s.result('room_entered', { object: room(n) }, call.id);
  s.result('messages_listed', { list, has_more: hasMore, room_uuid: uuid }, call.id);
  s.result('drawing_got', { object: drawing(uuid) }, call.id);
}

async function enter(t: T, list = range(1, 50), hasMore = false) {
  t.api.enterRoom('r1');
  answerEnter(t.socket(), list, hasMore);
  await settle();
}

afterEach(() => vi.useRealTimers());

describe('ChatApi on @chat/client', () => {
  it('connects to /ws?v=2 on the page origin; the token goes only as a subprotocol, kept under "token"', () => {
    const t = setup();
    const s = t.socket();
    expect(s.url()).toBe('ws://chat.test/ws?v=2');
    expect(s.protocols()).toEqual(['chat']);
    connect(t, user(1), false, 'secret-_Tok3n');
    expect(t.storage.data.get(TOKEN_KEY)).toBe('secret-_Tok3n');
    // a reconnect offers it in Sec-WebSocket-Protocol, never in the URL
    expect(s.protocols()).toEqual(['chat', 'token.secret-_Tok3n']);
    expect(s.url()).toBe('ws://chat.test/ws?v=2');
    expect(t.store.getState().user.me?.name).toBe('user-1');
    expect(t.store.getState().ui.connection).toBe('online');
    expect(t.store.getState().rooms.main).toEqual(['r1']);
  });

  it('logs every frame both ways, the identity token masked', () => {
    const t = setup();
    connect(t, user(1), false, 'secret-_Tok3n');
    void t.api.createRoom();
    const log = t.store.getState().log.entries;
    expect(log.map((e) => `${e.direction} ${e.type} ${e.message}`)).toEqual([
      'in result user_created',
      'in result rooms_listed',
      'out call create_room',
    ]);
    expect(log[0]!.text).toContain(`"token":"${HIDDEN_TOKEN}"`);
    for (const e of log) expect(e.text).not.toContain('secret-_Tok3n');
  });

  it('queues calls until the identity arrives and the room is entered, each with its own id', async () => {
    const t = setup();
    t.api.enterRoom('r1');
    t.api.changeUserName('bob');
    const s = t.socket();
    expect(s.sent).toHaveLength(0);
    connect(t);
    expect(s.calls().map((c) => c.message)).toEqual(['enter_room']);
    expect(s.calls()[0]!.uuid).toBe('r1');
    answerEnter(s, []);
    await settle();
    const calls = s.calls();
    expect(calls.map((c) => c.message)).toEqual(['enter_room', 'change_user_name']);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
  });

  it('a late leave of an earlier visit does not undo a newer enter (StrictMode, room switch)', () => {
    const t = setup();
    const s = connect(t);
    const first = t.api.enterRoom('r1');
    const second = t.api.enterRoom('r1');
    expect(s.callsOf('enter_room')).toHaveLength(1);
    t.api.leaveRoom(first);
    expect(s.lastCall('leave_room')).toBeUndefined();
    expect(t.store.getState().rooms.current).toBe('r1');
    t.api.leaveRoom(second);
    expect(s.lastCall('leave_room')).toBeDefined();
    expect(t.store.getState().rooms.current).toBeNull();
  });

  it('does not leave a room it never got into, and leaves a resumed room it does not want', async () => {
    const t = setup();
    const s = connect(t, user(1, 'r9'));
    expect(s.lastCall('leave_room')).toBeDefined();
    s.sent = [];
    const ticket = t.api.enterRoom('nope');
    s.error('no_specified_room', { call: 'enter_room', id: s.lastCall('enter_room')!.id });
    await settle();
    t.api.leaveRoom(ticket);
    await settle();
    expect(s.lastCall('leave_room')).toBeUndefined();
  });

  it('shows a room that does not exist, without a notice', async () => {
    const t = setup();
    const s = connect(t);
    t.api.enterRoom('nope');
    s.error('no_specified_room', { call: 'enter_room', id: s.lastCall('enter_room')!.id });
    await settle();
    expect(t.store.getState().rooms.status).toBe('missing');
    expect(t.store.getState().ui.notices).toHaveLength(0);
  });

  it('shows an own message as pending until the answer to its call settles it by id', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, range(1, 3));
    const key = t.api.sendMessage('  hello  ')!;
    const call = s.lastCall('create_message')!;
    expect(call).toMatchObject({ body: 'hello' });
    expect(t.store.getState().messages.pending).toMatchObject([
      { id: key, body: 'hello', unsent: false },
    ]);
    // someone else's message with the same text settles nothing
    s.result('message_created', { object: msg(4, 'r1', user(2), 'hello') });
    await settle();
    expect(t.store.getState().messages.pending).toHaveLength(1);
    s.result('message_created', { object: msg(5, 'r1', user(1), 'hello') }, call.id);
    await settle();
    expect(t.store.getState().messages.pending).toHaveLength(0);
    expect(t.store.getState().messages.list.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    s.result('message_created', { object: msg(6, 'r1', user(2)) });
    expect(t.sounds).toEqual([false, true, false]);
  });

  it('marks a refused message as failed, with the server sentence, and retries it on demand', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    const key = t.api.sendMessage('x')!;
    s.error('not_valid_body', {
      call: 'create_message',
      id: s.lastCall('create_message')!.id,
      detail: 'Too long.',
    });
    await settle();
    expect(t.store.getState().messages.pending[0]).toMatchObject({ id: key, failed: 'Too long.' });
    t.api.retryMessage(key);
    expect(s.callsOf('create_message')).toHaveLength(2);
    expect(t.store.getState().messages.pending).toMatchObject([{ body: 'x', unsent: false }]);
    expect(t.store.getState().messages.pending[0]!.failed).toBeUndefined();
  });

  it('a message whose answer never came is retried under the same call id: stored once if it was after all', async () => {
    vi.useFakeTimers();
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    const key = t.api.sendMessage('slow server')!;
    const first = s.lastCall('create_message')!;
    vi.advanceTimersByTime(60_000);
    await settle();
    expect(t.store.getState().messages.pending).toMatchObject([
      { body: 'slow server', failed: 'The server did not answer in time. Try again.' },
    ]);
    t.api.retryMessage(key);
    const creates = s.callsOf('create_message');
    expect(creates.map((c) => c.id)).toEqual([first.id, first.id]);
    // the server had stored the first: it answers the second with it
    s.result('message_created', { object: msg(1, 'r1', user(1), 'slow server') }, first.id);
    await settle();
    expect(t.store.getState().messages.pending).toEqual([]);
    expect(t.store.getState().messages.list.map((m) => m.body)).toEqual(['slow server']);
    // a new message is a new call
    t.api.sendMessage('next');
    expect(s.lastCall('create_message')!.id).not.toBe(first.id);
  });

  it('sends a message refused with rate_limited again after retry_after_ms, and unavailable after a second', async () => {
    vi.useFakeTimers();
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    const key = t.api.sendMessage('slow down')!;
    const detail = 'Too many messages from your network address: try again in 2 s.';
    s.error('rate_limited', {
      call: 'create_message',
      id: s.lastCall('create_message')!.id,
      retry_after_ms: 1_500,
      detail,
    });
    await settle();
    expect(t.store.getState().messages.pending[0]).toMatchObject({ id: key, delayed: detail });
    vi.advanceTimersByTime(1_499);
    expect(s.callsOf('create_message')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.callsOf('create_message')).toHaveLength(2);
    expect(t.store.getState().messages.pending[0]!.delayed).toBeUndefined();
    s.error('unavailable', { call: 'create_message', id: s.lastCall('create_message')!.id });
    await settle();
    vi.advanceTimersByTime(999);
    expect(s.callsOf('create_message')).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const third = s.lastCall('create_message')!;
    expect(third).toMatchObject({ body: 'slow down' });
    s.result('message_created', { object: msg(1, 'r1', user(1), 'slow down') }, third.id);
    await settle();
    expect(t.store.getState().messages.pending).toEqual([]);
    expect(t.store.getState().messages.list).toHaveLength(1);
    expect(t.store.getState().ui.notices).toEqual([]);
  });

  it('pages older history with before', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, range(51, 100), true);
    t.api.loadOlder();
    t.api.loadOlder(); // ignored while one is in flight
    const calls = s.callsOf('list_messages');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ before: 51 });
    expect(t.store.getState().messages.loadingOlder).toBe(true);
    s.result(
      'messages_listed',
      { list: range(1, 50), has_more: false, room_uuid: 'r1' },
      calls[0]!.id,
    );
    await settle();
    expect(t.store.getState().messages.list).toHaveLength(100);
    expect(t.store.getState().messages.hasOlder).toBe(false);
    expect(t.store.getState().messages.loadingOlder).toBe(false);
  });

  it('after a drop: re-enters, fills the gap, sends what waited with its own id, loses and doubles nothing', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, range(1, 50));
    // one message is in flight when the connection drops; one more is written offline
    t.api.sendMessage('in flight');
    const inFlight = s.lastCall('create_message')!;
    s.drop();
    expect(t.store.getState().ui.connection).toBe('offline');
    t.api.sendMessage('written offline');
    expect(t.store.getState().messages.pending.map((p) => p.unsent)).toEqual([true, true]);

    // the same socket object reconnects (partysocket), offering the token as a subprotocol
    expect(s.protocols()).toEqual(['chat', 'token.tok']);
    expect(s.url()).not.toContain('tok');
    s.sent = [];
    s.open();
    s.result('user_created', { object: user(1), token: 'tok', resumed: true });
    s.result('rooms_listed', { list: [room(1)], cursor: null });
    expect(t.store.getState().user.resumed).toBe(true);
    const reenter = s.lastCall('enter_room')!;
    expect(reenter.uuid).toBe('r1');
    // the server got 300 messages meanwhile, among them our "in flight" (stored before the
    // drop, at seq 120) and, from another tab of ours, one that reads "written offline"
    const server = range(1, 350);
    server[119] = msg(120, 'r1', user(1), 'in flight');
    server[199] = msg(200, 'r1', user(1), 'written offline');
    s.result('room_entered', { object: room(1) }, reenter.id);
    s.result(
      'messages_listed',
      { list: server.slice(300), has_more: true, room_uuid: 'r1' },
      reenter.id,
    );
    s.result('drawing_got', { object: drawing('r1') }, reenter.id);
    await settle();
    // the newest page is not merged over the gap: the client pages forward from 50
    let fill = s.lastCall('list_messages')!;
    expect(fill).toMatchObject({ after: 50 });
    // a live message arrives during the fill
    s.result('message_created', { object: server[349]! });
    s.result(
      'messages_listed',
      { list: server.slice(50, 250), has_more: true, room_uuid: 'r1' },
      fill.id,
    );
    await settle();
    fill = s.lastCall('list_messages')!;
    expect(fill).toMatchObject({ after: 250 });
    expect(s.callsOf('create_message')).toHaveLength(0);
    s.result(
      'messages_listed',
      { list: server.slice(250, 350), has_more: false, room_uuid: 'r1' },
      fill.id,
    );
    await settle();
    // then the changes to what it had, since the newest change it saw: none
    fill = s.lastCall('list_messages')!;
    expect(fill).toMatchObject({ changed_after: 50 });
    s.result('messages_listed', { list: [], has_more: false, room_uuid: 'r1' }, fill.id);
    await settle();

    expect(t.store.getState().messages.list.map((m) => m.seq)).toEqual(server.map((m) => m.seq));
    // both go now: the one in flight again with the same id (the server answers it with the
    // message it stored); nothing is settled by comparing texts
    const creates = s.callsOf('create_message');
    expect(creates.map((c) => c.body)).toEqual(['in flight', 'written offline']);
    expect(creates[0]).toEqual(inFlight);
    expect(t.store.getState().messages.pending.map((p) => [p.body, p.unsent])).toEqual([
      ['in flight', false],
      ['written offline', false],
    ]);
    s.result('message_created', { object: server[119] }, creates[0]!.id);
    await settle();
    expect(t.store.getState().messages.pending.map((p) => p.body)).toEqual(['written offline']);
    s.result(
      'message_created',
      { object: msg(351, 'r1', user(1), 'written offline') },
      creates[1]!.id,
    );
    await settle();
    expect(t.store.getState().messages.pending).toEqual([]);
    const list = t.store.getState().messages.list;
    expect(list.map((m) => m.seq)).toEqual(range(1, 351).map((m) => m.seq));
  });

  it('merges a re-entry page that touches what it has', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, range(1, 50));
    s.drop();
    s.open();
    s.result('user_created', { object: user(1), token: 'tok', resumed: true });
    answerEnter(s, range(11, 60), true);
    await settle();
    // no fill; the changes since the newest it saw: message 5 was edited meanwhile
    const changes = s.callsOf('list_messages');
    expect(changes).toEqual([expect.objectContaining({ changed_after: 50 })]);
    const edited = { ...msg(5), body: 'edited', edited: msg(61).created, rev: 61 };
    s.result(
      'messages_listed',
      { list: [edited], has_more: false, room_uuid: 'r1', changed_after: 50 },
      changes[0]!.id,
    );
    await settle();
    const list = t.store.getState().messages.list;
    expect(list.map((m) => m.seq)).toEqual(range(1, 60).map((m) => m.seq));
    expect(list[4]).toEqual(edited);
    // live changes replace what it holds; an older copy never replaces a newer one
    s.result('message_deleted', {
      object: { ...edited, body: '', deleted: edited.edited, rev: 63 },
    });
    s.result('message_changed', { object: { ...edited, body: 'stale', rev: 62 } });
    await settle();
    expect(t.store.getState().messages.list[4]).toMatchObject({ body: '', rev: 63 });
  });

  it('a message written offline in one room is not sent in the next', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    s.drop();
    t.api.sendMessage('for room 1');
    const ticket = t.api.enterRoom('r2');
    expect(t.store.getState().messages.pending).toEqual([]);
    s.open();
    s.result('user_created', { object: user(1), token: 'tok', resumed: true });
    answerEnter(s, [], false, 'r2');
    await settle();
    expect(s.callsOf('create_message')).toEqual([]);
    t.api.leaveRoom(ticket);
  });

  it('on session_taken_over says so and can take the identity back', () => {
    const t = setup();
    const s = connect(t);
    s.error('session_taken_over');
    s.drop(CLOSE_CODES.sessionTakenOver);
    expect(t.store.getState().ui.connection).toBe('taken_over');
    expect(t.store.getState().ui.notices).toEqual([]);
    t.api.useHere();
    expect(s.reconnects).toBe(1);
    expect(t.store.getState().ui.connection).toBe('connecting');
  });

  it('a refused connection (a spent quota of the address) is told, and waits as the server asked', () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const t = setup();
    const s = t.socket();
    s.open();
    const detail = 'Too many new users from your network address: try again in 12 min.';
    s.error('rate_limited', { detail, retry_after_ms: 720_000 });
    s.drop(CLOSE_CODES.tryAgainLater, 'rate limited');
    const ui = t.store.getState().ui;
    expect(ui.notices.map((n) => n.text)).toEqual([detail]);
    expect(ui.connection).toBe('offline');
    expect(ui.retryAt).toBeGreaterThanOrEqual(5_000_000 + 720_000);
    expect(s.target.shouldReconnect(CLOSE_CODES.tryAgainLater)).toBe(false);
    vi.advanceTimersByTime(700_000);
    expect(s.reconnects).toBe(0);
    vi.advanceTimersByTime(100_000);
    expect(s.reconnects).toBe(1);
    expect(t.store.getState().ui.connection).toBe('connecting');
    expect(t.store.getState().ui.retryAt).toBeNull();
  });

  it('leaves cursors out of the event log (20 a second each would drown it)', async () => {
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    const before = t.store.getState().log.entries.length;
    s.result('cursor_moved', { user_uuid: 'u2', name: 'user-2', x: 1, y: 2 });
    s.result('user_typing', { object: user(2, 'r1') });
    const log = t.store.getState().log.entries.slice(before);
    expect(log.map((e) => e.message)).toEqual(['user_typing']);
  });

  it('tells why a room could not be created (rooms per hour from one address)', async () => {
    const t = setup();
    const s = connect(t);
    const created = t.api.createRoom();
    const detail = 'Too many rooms created from your network address: try again in 12 min.';
    s.error('rate_limited', {
      call: 'create_room',
      id: s.lastCall('create_room')!.id,
      retry_after_ms: 720_000,
      detail,
    });
    // told, and answered with no room (the caller stays where it is)
    expect(await created).toBeNull();
    expect(t.store.getState().ui.notices.map((n) => n.text)).toEqual([detail]);
  });

  it('typing goes out at most once every 2 s; others typing are shown', async () => {
    vi.useFakeTimers();
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    t.api.typing();
    t.api.typing();
    vi.advanceTimersByTime(2_100);
    t.api.typing();
    expect(s.callsOf('typing')).toHaveLength(2);
    s.result('user_typing', { object: user(2, 'r1') });
    expect(Object.keys(t.store.getState().messages.typing)).toEqual(['u2']);
  });

  it('keeps an opened list of more than 100 users live, reading it again at most once a second', async () => {
    vi.useFakeTimers();
    const t = setup();
    const s = connect(t);
    const everyone = Array.from({ length: 150 }, (_, i) => user(i + 1, 'r1'));
    await enter(t, []);
    t.api.loadMembers();
    const first = s.lastCall('list_room_users')!;
    expect(first).toMatchObject({ uuid: 'r1' });
    s.result(
      'room_users_listed',
      { uuid: 'r1', list: everyone.slice(0, 100), cursor: 'c' },
      first.id,
    );
    await settle();
    t.api.loadMembers();
    const second = s.lastCall('list_room_users')!;
    expect(second).toMatchObject({ uuid: 'r1', cursor: 'c' });
    s.result(
      'room_users_listed',
      { uuid: 'r1', list: everyone.slice(100), cursor: null },
      second.id,
    );
    await settle();
    expect(t.store.getState().rooms.members!.list).toHaveLength(150);
    // user 120 leaves and user 7 renames: three room_changed, one read after a second
    const left = everyone.filter((u) => u.uuid !== 'u120');
    const renamed = left.map((u) => (u.uuid === 'u7' ? { ...u, name: 'seven' } : u));
    for (const list of [left, renamed, renamed]) {
      s.result('room_changed', {
        object: room(1, { users: list.slice(0, 100), user_count: list.length }),
      });
    }
    expect(s.callsOf('list_room_users')).toHaveLength(2);
    vi.advanceTimersByTime(MEMBERS_REFRESH_MS);
    const reads = s.callsOf('list_room_users');
    expect(reads).toHaveLength(3);
    expect(reads[2]).toMatchObject({ uuid: 'r1', limit: 150 });
    expect(reads[2]!.cursor).toBeUndefined();
    s.result('room_users_listed', { uuid: 'r1', list: renamed, cursor: null }, reads[2]!.id);
    await settle();
    const members = t.store.getState().rooms.members!.list;
    expect(members).toHaveLength(149);
    expect(members.find((u) => u.uuid === 'u120')).toBeUndefined();
    expect(members.find((u) => u.uuid === 'u7')?.name).toBe('seven');
    // a room that is not the current one does not cause a read
    s.result('room_changed', { object: room(2) });
    vi.advanceTimersByTime(2_000);
    expect(s.callsOf('list_room_users')).toHaveLength(3);
  });

  it('reads the drawing again, at most once a second, when the server refuses a stroke', async () => {
    let now = 10_000;
    const t = setup({ now: () => now });
    const s = connect(t);
    await enter(t, []);
    const reads = () => s.callsOf('get_drawing').length;
    s.error('drawing_full', { call: 'append_draw_points', id: 'x1' });
    s.error('drawing_full', { call: 'append_draw_points', id: 'x2' });
    expect(reads()).toBe(1);
    s.error('not_valid_color', { call: 'append_draw_points', id: 'x3' });
    now += 1_000;
    t.api.finishLine({ uuid: 'l1', points: [1, 1, 2, 2], color: '#000000', tool: 'pen' });
    s.error('drawing_full', { call: 'change_draw_line', id: s.lastCall('change_draw_line')!.id });
    await settle();
    expect(reads()).toBe(2);
    // refused appends are silent; the refused line is told once
    expect(t.store.getState().ui.notices).toHaveLength(1);
  });

  it('streams the points of a stroke through the client, then the whole line', async () => {
    vi.useFakeTimers();
    const t = setup();
    const s = connect(t);
    await enter(t, []);
    const style = { color: '#cf2e24', tool: 'pen' } as const;
    const uuid = '6f1c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4';
    t.api.appendPoints(uuid, [1, 1], style);
    t.api.appendPoints(uuid, [2, 2], style);
    t.api.appendPoints(uuid, [3, 3], style);
    vi.advanceTimersByTime(60);
    t.api.finishLine({ uuid, points: [1, 1, 2, 2, 3, 3], ...style });
    const appends = s.callsOf('append_draw_points');
    expect(appends.map((a) => a.points)).toEqual([
      [1, 1],
      [2, 2, 3, 3],
    ]);
    expect(appends[0]).toMatchObject(style);
    expect(appends[1]!.color).toBeUndefined();
    expect(s.lastCall('change_draw_line')).toMatchObject({ uuid, points: [1, 1, 2, 2, 3, 3] });
  });

  it('accepts the original server errors sent as result, and shows them', () => {
    const t = setup();
    const s = connect(t);
    s.result('not_empty_room', {});
    s.error('not_empty_room', { call: 'delete_room', detail: 'The room still has users in it.' });
    const notices = t.store.getState().ui.notices.map((n) => n.text);
    expect(notices).toEqual(['The room still has users in it.', 'The room still has users in it.']);
  });

  it('applies room broadcasts and drawing statements', async () => {
    const t = setup();
    const s = connect(t);
    s.result('room_created', { object: room(2) });
    s.result('room_changed', { object: room(2, { name: 'new', color: '#cf2e24' }) });
    expect(t.store.getState().rooms.byId.r2!.name).toBe('new');
    s.result('room_deleted', { object: room(2) });
    expect(t.store.getState().rooms.byId.r2).toBeUndefined();
    await enter(t, []);
    s.result('draw_points_appended', {
      uuid: 'l',
      points: [1, 1, 2, 2],
      color: '#000000',
      tool: 'pen',
      user_uuid: 'u2',
    });
    expect(lineOf(t.store.getState().drawing, 'l')!.points).toEqual([1, 1, 2, 2]);
    s.result('draw_line_deleted', { uuid: 'l' });
    expect(t.store.getState().drawing.order).toEqual([]);
    // a drawing of another room (an answer that came late) is not shown
    s.result('drawing_got', {
      object: drawing('r9', [
        {
          uuid: 'x',
          name: 'x',
          points: [0, 0, 1, 1],
          tool: 'pen',
          color: '#000000',
          user_uuid: 'u2',
        },
      ]),
    });
    expect(t.store.getState().drawing.order).toEqual([]);
  });
});

describe('room search', () => {
  /** Answers the last list_rooms call. */
  function page(s: FakeSocket, query: string, n: number, cursor: string | null, from = 0) {
    const call = s.lastCall('list_rooms')!;
    const list = Array.from({ length: n }, (_, i) =>
      room(1000 + from + i, { name: `${query} ${from + i}` }),
    );
    s.result('rooms_listed', { list, cursor, query }, call.id);
  }

  it('reads on by itself while the results do not fill the view and more rooms remain', async () => {
    const t = setup();
    const s = connect(t);
    t.api.searchRooms('  needle ');
    expect(s.lastCall('list_rooms')).toMatchObject({ query: 'needle' });
    expect(s.lastCall('list_rooms')!.cursor).toBeUndefined();
    // a page of 5,000 rooms examined, none of them a match
    page(s, 'needle', 0, 'c1');
    await settle();
    expect(s.lastCall('list_rooms')).toMatchObject({ query: 'needle', cursor: 'c1' });
    expect(t.store.getState().rooms.search).toMatchObject({ loading: true, ids: [] });
    page(s, 'needle', 3, 'c2');
    await settle();
    expect(s.lastCall('list_rooms')).toMatchObject({ cursor: 'c2' });
    // enough to fill the view: it stops and waits for the user to scroll
    page(s, 'needle', SEARCH_FILL, 'c3', 3);
    await settle();
    expect(s.callsOf('list_rooms')).toHaveLength(3);
    expect(t.store.getState().rooms.search).toMatchObject({ loading: false, cursor: 'c3' });
    expect(t.store.getState().rooms.search!.ids).toHaveLength(SEARCH_FILL + 3);
    t.api.loadMoreRooms();
    expect(s.lastCall('list_rooms')).toMatchObject({ query: 'needle', cursor: 'c3' });
    page(s, 'needle', 0, null);
    await settle();
    expect(s.callsOf('list_rooms')).toHaveLength(4);
    expect(t.store.getState().rooms.search).toMatchObject({ loading: false, cursor: null });
  });

  it('stops after a cap of pages, and goes on when the user asks', async () => {
    const t = setup();
    const s = connect(t);
    t.api.searchRooms('rare');
    for (let i = 0; i < SEARCH_MAX_PAGES; i++) {
      page(s, 'rare', 0, `c${i}`);
      await settle();
    }
    expect(s.callsOf('list_rooms')).toHaveLength(SEARCH_MAX_PAGES);
    expect(t.store.getState().rooms.search).toMatchObject({
      loading: false,
      cursor: `c${SEARCH_MAX_PAGES - 1}`,
    });
    // reaching the end of a short list is no request for more: the pause holds
    t.api.loadMoreRooms();
    expect(s.callsOf('list_rooms')).toHaveLength(SEARCH_MAX_PAGES);
    t.api.searchFurther();
    expect(s.callsOf('list_rooms')).toHaveLength(SEARCH_MAX_PAGES + 1);
    page(s, 'rare', 0, 'more');
    await settle();
    // the count started again: it reads on by itself
    expect(s.callsOf('list_rooms')).toHaveLength(SEARCH_MAX_PAGES + 2);
    page(s, 'rare', 1, null);
    await settle();
    expect(t.store.getState().rooms.search).toMatchObject({ loading: false, cursor: null });
    expect(t.store.getState().rooms.search!.ids).toHaveLength(1);
  });

  it('a newer search wins: the pages of an older one are dropped and read no further', async () => {
    const t = setup();
    const s = connect(t);
    t.api.searchRooms('old');
    const old = s.lastCall('list_rooms')!;
    t.api.searchRooms('new');
    s.result('rooms_listed', { list: [], cursor: 'c-old', query: 'old' }, old.id);
    await settle();
    expect(s.callsOf('list_rooms').map((c) => c.query)).toEqual(['old', 'new']);
    page(s, 'new', 2, null);
    await settle();
    expect(t.store.getState().rooms.search).toMatchObject({ query: 'new', loading: false });
    expect(t.store.getState().rooms.search!.ids).toHaveLength(2);
    // an empty query is the main list again
    t.api.searchRooms('');
    expect(t.store.getState().rooms.search).toBeNull();
    expect(s.callsOf('list_rooms')).toHaveLength(2);
  });

  it('pages the main list with its cursor, and a failed page stops loading', async () => {
    const t = setup();
    const s = t.socket();
    s.open();
    s.result('user_created', { object: user(1), token: 't', resumed: false });
    s.result('rooms_listed', { list: [room(5)], cursor: 'm1' });
    t.api.loadMoreRooms();
    t.api.loadMoreRooms(); // one at a time
    expect(s.callsOf('list_rooms')).toEqual([expect.objectContaining({ cursor: 'm1' })]);
    s.error('not_sufficient_data', { call: 'list_rooms', id: s.lastCall('list_rooms')!.id });
    await settle();
    expect(t.store.getState().rooms.loadingMore).toBe(false);
    expect(t.store.getState().rooms.main).toEqual(['r5']);
    t.api.loadMoreRooms();
    s.result('rooms_listed', { list: [room(4)], cursor: null }, s.lastCall('list_rooms')!.id);
    await settle();
    expect(t.store.getState().rooms.main).toEqual(['r5', 'r4']);
  });
});

describe('the conversation', () => {
  it('replies, edits, deletes and reacts through their calls; a reply waits with its quote', async () => {
    const t = setup();
    const s = connect(t);
    const list = range(1, 5, 'r1', user(1));
    await enter(t, list);
    const quote = replyOf(list[2]!);
    t.api.sendMessage('  yes  ', quote);
    expect(s.lastCall('create_message')).toMatchObject({ body: 'yes', reply_to: list[2]!.uuid });
    expect(t.store.getState().messages.pending).toEqual([
      expect.objectContaining({ body: 'yes', reply_to: quote }),
    ]);
    t.api.editMessage(list[4]!.uuid, ' fixed ');
    expect(s.lastCall('edit_message')).toMatchObject({ uuid: list[4]!.uuid, body: 'fixed' });
    t.api.deleteMessage(list[3]!.uuid);
    expect(s.lastCall('delete_message')).toMatchObject({ uuid: list[3]!.uuid });
    t.api.react(list[0]!.uuid, '🎉');
    expect(s.lastCall('react')).toMatchObject({ uuid: list[0]!.uuid, emoji: '🎉' });
    // the server's answer to the edit is the room's message_changed, with the call's id
    const edited = { ...list[4]!, body: 'fixed', edited: list[4]!.created, rev: 6 };
    s.result('message_changed', { object: edited }, s.lastCall('edit_message')!.id);
    await settle();
    expect(t.store.getState().messages.list[4]).toEqual(edited);
    // a refused change is told, and changes nothing
    s.error('not_message_author', {
      detail: 'Only its author may change this message.',
      call: 'delete_message',
      id: s.lastCall('delete_message')!.id,
    });
    await settle();
    expect(t.store.getState().messages.list[3]).toEqual(list[3]);
    expect(
      t.store
        .getState()
        .ui.notices.map((n) => n.text)
        .join(' '),
    ).toContain('Only its author');
  });

  it('the message being answered or edited is let go when it is deleted', async () => {
    const t = setup();
    const s = connect(t);
    const list = range(1, 3);
    await enter(t, list);
    t.store.dispatch(messagesActions.composingStarted({ kind: 'reply', message: list[1]! }));
    s.result('message_deleted', {
      object: { ...list[0]!, body: '', deleted: list[0]!.created, rev: 4 },
    });
    await settle();
    expect(t.store.getState().messages.composing?.message.uuid).toBe(list[1]!.uuid);
    s.result('message_deleted', {
      object: { ...list[1]!, body: '', deleted: list[1]!.created, rev: 5 },
    });
    await settle();
    expect(t.store.getState().messages.composing).toBeNull();
  });
});
