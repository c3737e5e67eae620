import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '@chat/protocol';
import type { ChatClient, History } from '../src/index.ts';
import {
  fakeClient,
  message,
  messages,
  record,
  room,
  settle,
  user,
  type FakeSocket,
} from './helpers/fakes.ts';

/** Every message the app was given, in order: history events and message_created events. */
function timeline(client: ChatClient) {
  const seen: number[] = [];
  const histories: History[] = [];
  client.on('history', (h) => {
    histories.push(h);
    if (h.mode === 'older') seen.unshift(...h.list.map((m) => m.seq));
    else seen.push(...h.list.map((m) => m.seq));
  });
  client.on('message_created', (p) => seen.push(p.object.seq));
  return { seen, histories };
}

function setup() {
  const fake = fakeClient();
  fake.client.connect();
  const me = user();
  fake.socket().greet(me);
  return { ...fake, me, other: user('Bob') };
}

function answerFill(socket: FakeSocket, list: Message[], hasMore: boolean, roomUuid: string) {
  socket.result(
    'messages_listed',
    { list, has_more: hasMore, room_uuid: roomUuid },
    socket.last('list_messages').id,
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('room session', () => {
  it('first entry: one initial history event; messages_listed of the session is not emitted', async () => {
    const { client, socket, other } = setup();
    const { histories } = timeline(client);
    const listed = record(client, 'messages_listed');
    const entered = record(client, 'room_entered');
    const r = room();
    const entering = client.enterRoom(r.uuid);
    expect(socket().last('enter_room')).toMatchObject({ uuid: r.uuid });
    socket().answerEnter(r, messages(r.uuid, 51, 100, other), true);
    const reply = await entering;
    expect(reply.room_entered.object.uuid).toBe(r.uuid);
    expect(histories).toHaveLength(1);
    expect(histories[0]).toMatchObject({ room: r.uuid, mode: 'initial', has_more: true });
    expect(histories[0]?.list.map((m) => m.seq)).toEqual(
      messages(r.uuid, 51, 100, other).map((m) => m.seq),
    );
    expect(listed).toEqual([]);
    expect(entered).toHaveLength(1);
    expect(client.user?.room_uuid).toBe(r.uuid);
  });

  it('after a drop: enters again and fills the gap with after pages, every message once and in order', async () => {
    const { client, socket, me, other } = setup();
    const { seen, histories } = timeline(client);
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, messages(r.uuid, 1, 10, other));
    await entering;
    socket().result('message_created', { object: message(r.uuid, 11, other) });
    socket().drop();
    socket().greet(me, 'tok', true);
    expect(socket().last('enter_room')).toMatchObject({ uuid: r.uuid });
    // the newest page does not reach 11: a gap
    socket().answerEnter(r, messages(r.uuid, 451, 500, other), true);
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ after: 11, limit: 200 });
    // a live message arrives while filling: held until the history is out
    socket().result('message_created', { object: message(r.uuid, 501, other) });
    answerFill(socket(), messages(r.uuid, 12, 211, other), true, r.uuid);
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ after: 211, limit: 200 });
    answerFill(socket(), messages(r.uuid, 212, 411, other), true, r.uuid);
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ after: 411 });
    answerFill(socket(), messages(r.uuid, 412, 501, other), false, r.uuid);
    await settle();
    // then what changed among those it had, after the newest change it saw (none here)
    expect(socket().last('list_messages')).toMatchObject({ changed_after: 11, limit: 200 });
    answerFill(socket(), [], false, r.uuid);
    await settle();
    // after the fill: a duplicate of what was filled, then a new one
    socket().result('message_created', { object: message(r.uuid, 500, other) });
    socket().result('message_created', { object: message(r.uuid, 502, other) });
    expect(histories.map((h) => h.mode)).toEqual(['initial', 'newer']);
    expect(histories[1]).toMatchObject({ room: r.uuid, has_more: false });
    expect(seen).toEqual(Array.from({ length: 502 }, (_, i) => i + 1));
  });

  it('a re-entry whose newest page reaches what it has needs no fill', async () => {
    const { client, socket, me, other } = setup();
    const { seen, histories } = timeline(client);
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, messages(r.uuid, 1, 30, other));
    await entering;
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().answerEnter(r, messages(r.uuid, 1, 40, other));
    await settle();
    // no page of messages: only what changed since the newest change it saw
    expect(
      socket()
        .calls()
        .filter((c) => c.message === 'list_messages')
        .map(({ id: _, ...c }) => c),
    ).toEqual([{ message: 'list_messages', changed_after: 30, limit: 200 }]);
    answerFill(socket(), [], false, r.uuid);
    await settle();
    expect(histories.map((h) => [h.mode, h.list.length])).toEqual([
      ['initial', 30],
      ['newer', 10],
    ]);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('messages arriving during the first entry are held, and passed on once after the page', async () => {
    const { client, socket, other } = setup();
    const { seen } = timeline(client);
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().result('message_created', { object: message(r.uuid, 6, other) });
    socket().result('message_created', { object: message(r.uuid, 5, other) });
    socket().answerEnter(r, messages(r.uuid, 1, 5, other));
    await entering;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('loadOlder pages back with before and tells when nothing remains', async () => {
    const { client, socket, other } = setup();
    const { seen, histories } = timeline(client);
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, messages(r.uuid, 101, 150, other), true);
    await entering;
    const older = client.loadOlder(100);
    expect(client.loadOlder(100)).toBe(older);
    expect(socket().last('list_messages')).toMatchObject({ before: 101, limit: 100 });
    answerFill(socket(), messages(r.uuid, 1, 100, other), false, r.uuid);
    expect(await older).toMatchObject({ mode: 'older', has_more: false });
    expect(histories.at(-1)?.list).toHaveLength(100);
    expect(client.hasOlder).toBe(false);
    expect(await client.loadOlder()).toBeNull();
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });

  it('a room gone while away: the re-entry error is reported and the room is no longer wanted', async () => {
    const { client, socket, me, other } = setup();
    const errors = record(client, 'error');
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, [message(r.uuid, 1, other)]);
    await entering;
    socket().drop();
    const sending = client.request('list_rooms');
    socket().greet(me, 'tok', true);
    socket().error('no_specified_room', { call: 'enter_room' }, socket().last('enter_room').id);
    await settle();
    expect(errors[0]?.[0]).toMatchObject({ code: 'no_specified_room', call: 'enter_room' });
    expect(client.room).toBeNull();
    // what waited for the entry goes out anyway
    expect(socket().last('list_rooms')).toBeDefined();
    socket().result('rooms_listed', { list: [], cursor: null }, socket().last('list_rooms').id);
    await sending;
  });

  it('enterRoom of an unknown room rejects with the CallError', async () => {
    const { client, socket } = setup();
    const entering = client.enterRoom('nope');
    socket().error('no_specified_room', { call: 'enter_room' }, socket().last('enter_room').id);
    await expect(entering).rejects.toMatchObject({ code: 'no_specified_room' });
    expect(client.room).toBeNull();
  });

  it('leaveRoom sends leave_room, and nothing is entered after a reconnect', async () => {
    const { client, socket, me } = setup();
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, []);
    await entering;
    const leaving = client.leaveRoom();
    socket().result('room_left', { object: r }, socket().last('leave_room').id);
    await leaving;
    expect(client.user?.room_uuid).toBeNull();
    socket().drop();
    socket().newCalls();
    socket().greet(me, 'tok', true);
    expect(socket().newCalls()).toEqual([]);
  });

  it('a resumed identity put in a room this client does not want leaves it', () => {
    const { client, socket } = fakeClient();
    client.connect();
    socket().greet(user('Ann', 'some-room'), 'tok', true);
    expect(
      socket()
        .calls()
        .map((c) => c.message),
    ).toEqual(['leave_room']);
  });

  it('entering another room cancels the first entry', async () => {
    const { client, socket, other } = setup();
    const { histories } = timeline(client);
    const a = room();
    const b = room();
    const first = client.enterRoom(a.uuid).catch((e: unknown) => e);
    const second = client.enterRoom(b.uuid);
    expect(await first).toMatchObject({ kind: 'cancelled' });
    const calls = socket()
      .calls()
      .filter((c) => c.message === 'enter_room');
    socket().result('room_entered', { object: a }, calls[0]?.id);
    socket().answerEnter(b, [message(b.uuid, 1, other)]);
    await second;
    expect(histories.map((h) => h.room)).toEqual([b.uuid]);
  });

  it('a drop in the middle of a fill: the next connection fills from where it was, once', async () => {
    const { client, socket, me, other } = setup();
    const { seen, histories } = timeline(client);
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, messages(r.uuid, 1, 10, other));
    await entering;
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().answerEnter(r, messages(r.uuid, 251, 300, other), true);
    await settle();
    socket().result('message_created', { object: message(r.uuid, 301, other) });
    answerFill(socket(), messages(r.uuid, 11, 210, other), true, r.uuid);
    await settle();
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().answerEnter(r, messages(r.uuid, 253, 302, other), true);
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ after: 10 });
    answerFill(socket(), messages(r.uuid, 11, 210, other), true, r.uuid);
    await settle();
    answerFill(socket(), messages(r.uuid, 211, 302, other), false, r.uuid);
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ changed_after: 10 });
    answerFill(socket(), [], false, r.uuid);
    await settle();
    expect(histories.map((h) => h.mode)).toEqual(['initial', 'newer']);
    expect(seen).toEqual(Array.from({ length: 302 }, (_, i) => i + 1));
  });

  it('catches up on changes made while away, and applies a change that overtook its message', async () => {
    const { client, socket, me, other } = setup();
    const { seen, histories } = timeline(client);
    const changed = record(client, 'message_changed');
    const created = record(client, 'message_created');
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, messages(r.uuid, 1, 10, other));
    await entering;
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().answerEnter(r, messages(r.uuid, 1, 12, other));
    await settle();
    // while it was away: 11 and 12 were written (revs 11, 12), 3 edited (13), 3 reacted to (14)
    const edited = { ...message(r.uuid, 3, other, 'edited'), rev: 13 };
    const reacted = { ...edited, rev: 14, reactions: [{ emoji: '👍', count: 1, users: ['u'] }] };
    expect(socket().last('list_messages')).toMatchObject({ changed_after: 10 });
    answerFill(
      socket(),
      [message(r.uuid, 11, other), message(r.uuid, 12, other), edited],
      true,
      r.uuid,
    );
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ changed_after: 13 });
    answerFill(socket(), [reacted], false, r.uuid);
    await settle();
    expect(histories.map((h) => [h.mode, h.list.map((m) => [m.seq, m.rev])])).toEqual([
      ['initial', messages(r.uuid, 1, 10, other).map((m) => [m.seq, m.rev])],
      [
        'newer',
        [
          [11, 11],
          [12, 12],
        ],
      ],
      ['changed', [[3, 14]]],
    ]);
    // live: a change of 13 overtakes message 13 itself; a change of 5 goes out at once
    socket().result('message_changed', {
      object: { ...message(r.uuid, 13, other, 'fixed'), rev: 16 },
    });
    socket().result('message_created', {
      object: { ...message(r.uuid, 13, other, 'fxied'), rev: 15 },
    });
    socket().result('message_changed', {
      object: { ...message(r.uuid, 5, other, 'five'), rev: 17 },
    });
    expect(seen.at(-1)).toBe(13);
    expect(created.map(([p]) => [p.object.seq, p.object.body, p.object.rev])).toEqual([
      [13, 'fixed', 16],
    ]);
    expect(changed.map(([p]) => [p.object.seq, p.object.body])).toEqual([[5, 'five']]);
    // the next re-entry asks for changes after the newest rev it saw
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().answerEnter(r, messages(r.uuid, 1, 13, other));
    await settle();
    expect(socket().last('list_messages')).toMatchObject({ changed_after: 17 });
  });

  it('a re-entry refused with rate_limited is tried again after retry_after_ms', async () => {
    vi.useFakeTimers();
    const { client, socket, me } = setup();
    const errors = record(client, 'error');
    const r = room();
    const entering = client.enterRoom(r.uuid);
    socket().answerEnter(r, []);
    await entering;
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().newCalls();
    socket().error('rate_limited', { retry_after_ms: 300 }, socket().last('enter_room').id);
    await settle();
    vi.advanceTimersByTime(299);
    expect(socket().newCalls()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(socket().newCalls()).toMatchObject([{ message: 'enter_room', uuid: r.uuid }]);
    socket().answerEnter(r, []);
    await settle();
    expect(client.ready).toBe(true);
    expect(client.room).toBe(r.uuid);
    expect(errors).toEqual([]);
  });
});
