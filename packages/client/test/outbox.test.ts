import { describe, expect, it } from 'vitest';
import { fakeClient, message, record, room, settle, user } from './helpers/fakes.ts';

describe('outbox', () => {
  it('calls made before connecting and before user_created go out in order once identified', async () => {
    const { client, socket } = fakeClient();
    const created = client.request('create_room', { name: 'a' });
    client.connect();
    const listed = client.request('list_rooms');
    socket().open();
    const renamed = client.request('change_user_name', { name: 'Bo' });
    expect(socket().sent).toEqual([]);
    const me = user();
    socket().greet(me);
    expect(
      socket()
        .calls()
        .map((c) => c.message),
    ).toEqual(['create_room', 'list_rooms', 'change_user_name']);
    const [c, l, n] = socket().calls();
    socket().result('room_created', { object: room() }, c?.id);
    socket().result('rooms_listed', { list: [], cursor: null }, l?.id);
    socket().result('user_changed', { object: { ...me, name: 'Bo' } }, n?.id);
    await Promise.all([created, listed, renamed]);
    expect(client.user?.name).toBe('Bo');
  });

  it('while the room is entered again after a reconnect, calls wait for it', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    const me = user();
    socket().greet(me);
    const r = room();
    const entered = client.enterRoom(r.uuid);
    socket().answerEnter(r, []);
    await entered;
    socket().drop();
    const sending = client.request('create_message', { body: 'hi' });
    socket().greet(me, 'tok', true);
    socket().newCalls();
    expect(socket().calls().at(-1)?.message).toBe('enter_room');
    expect(client.ready).toBe(false);
    socket().answerEnter(r, []);
    await settle();
    expect(client.ready).toBe(true);
    const [sent] = socket().newCalls();
    expect(sent).toMatchObject({ message: 'create_message', body: 'hi' });
    socket().result('message_created', { object: message(r.uuid, 1, me, 'hi') }, sent?.id);
    expect((await sending).object.body).toBe('hi');
  });

  it('drops typing and append_draw_points while offline, and never sends them later', () => {
    const { client, socket } = fakeClient();
    expect(client.send('typing')).toBeNull();
    client.connect();
    expect(client.send('append_draw_points', { uuid: 'l', points: [1, 2] })).toBeNull();
    socket().greet(user());
    socket().drop();
    expect(client.send('typing')).toBeNull();
    socket().greet(user());
    expect(
      socket()
        .calls()
        .map((c) => c.message),
    ).toEqual([]);
    expect(client.send('typing')).not.toBeNull();
    expect(
      socket()
        .calls()
        .map((c) => c.message),
    ).toEqual(['typing']);
  });

  it('after a drop: reads go again, create_message goes again with the same id, other writes fail with connection_lost', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    const me = user();
    socket().greet(me);
    const listing = client.request('list_rooms');
    const sending = client.request('create_message', { body: 'hello' });
    const renaming = client.request('change_name', { uuid: 'r', name: 'x' });
    const deleting = client.request('delete_draw_line', { uuid: 'l' });
    const [l, m] = socket().newCalls();
    socket().drop();
    // made while offline: queued, not in flight, so it is kept
    const queued = client.request('change_color', { uuid: 'r', color: '#fff' });
    await expect(renaming).rejects.toMatchObject({ kind: 'connection_lost', call: 'change_name' });
    await expect(deleting).rejects.toMatchObject({ kind: 'connection_lost' });
    socket().greet(me, 'tok', true);
    const again = socket().newCalls();
    expect(again.map((c) => c.message)).toEqual(['list_rooms', 'create_message', 'change_color']);
    expect(again[0]?.id).toBe(l?.id);
    expect(again[1]).toEqual(m);
    // the server answers the repeated id with the message it already stored
    const stored = message('r', 7, me, 'hello');
    socket().result('message_created', { object: stored }, m?.id);
    socket().result('rooms_listed', { list: [], cursor: null }, l?.id);
    expect((await sending).object).toEqual(stored);
    await listing;
    socket().result('room_changed', { object: room('r') }, again[2]?.id);
    await queued;
  });

  it('a create_message echo is matched by id, never by body', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    const me = user();
    socket().greet(me);
    const first = client.request('create_message', { body: 'same' });
    const second = client.request('create_message', { body: 'same' });
    const [a, b] = socket().newCalls();
    socket().drop();
    socket().greet(me, 'tok', true);
    socket().newCalls();
    socket().result('message_created', { object: message('r', 2, me, 'same') }, b?.id);
    socket().result('message_created', { object: message('r', 1, me, 'same') }, a?.id);
    expect((await first).object.seq).toBe(1);
    expect((await second).object.seq).toBe(2);
  });

  it('a call made for one room is never sent in another', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    const me = user();
    socket().greet(me);
    const [a, b] = [room(), room()];
    const inA = client.enterRoom(a.uuid);
    socket().answerEnter(a, []);
    await inA;
    socket().newCalls();
    // written offline in A: waits for A, and is cancelled when B is wanted instead
    socket().drop();
    const offline = client.request('create_message', { body: 'for A' });
    const inB = client.enterRoom(b.uuid);
    await expect(offline).rejects.toMatchObject({ kind: 'cancelled', call: 'create_message' });
    socket().greet(me, 'tok', true);
    socket().answerEnter(b, []);
    await inB;
    expect(
      socket()
        .calls()
        .filter((c) => c.message === 'create_message'),
    ).toEqual([]);
    socket().newCalls();
    // in flight in B when B is left and the connection drops: not sent again elsewhere
    const sending = client.request('create_message', { body: 'for B' });
    const calls = socket().newCalls();
    expect(calls.map((c) => c.message)).toEqual(['create_message']);
    void client.leaveRoom().catch(() => undefined);
    socket().drop();
    await expect(sending).rejects.toMatchObject({ kind: 'connection_lost' });
    socket().greet(me, 'tok', true);
    expect(
      socket()
        .newCalls()
        .filter((c) => c.message === 'create_message'),
    ).toEqual([]);
    // calls of other kinds, and calls for the room still wanted, are kept
    const c = room();
    const inC = client.enterRoom(c.uuid);
    const kept = client.request('create_message', { body: 'for C' });
    const rename = client.request('change_user_name', { name: 'Di' });
    socket().answerEnter(c, []);
    await inC;
    await settle();
    expect(
      socket()
        .newCalls()
        .map((x) => x.message),
    ).toEqual(['enter_room', 'create_message', 'change_user_name']);
    void kept.catch(() => undefined);
    void rename.catch(() => undefined);
  });

  it('a request that timed out while waiting is not sent later', async () => {
    const { client, socket } = fakeClient({ requestTimeoutMs: 10 });
    client.connect();
    socket().greet(user());
    const listing = client.request('list_rooms').catch((e: unknown) => e);
    socket().newCalls();
    socket().drop();
    // its timer stops while it is off the wire, and starts again when it is sent again
    socket().greet(user());
    expect(
      socket()
        .newCalls()
        .map((c) => c.message),
    ).toEqual(['list_rooms']);
    await new Promise((r) => setTimeout(r, 20));
    expect(await listing).toMatchObject({ kind: 'timeout' });
    socket().drop();
    socket().greet(user());
    expect(socket().newCalls()).toEqual([]);
  });

  it('reports state offline on a drop and connecting when a socket opens', () => {
    const { client, socket } = fakeClient();
    const states = record(client, 'state');
    client.connect();
    socket().open();
    socket().drop();
    socket().open();
    expect(states.map(([s]) => s)).toEqual(['connecting', 'offline', 'connecting']);
  });
});
