import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../src/index.ts';
import { CallError } from '../src/index.ts';
import { memoryStorage } from './helpers/fakes.ts';
import { TcpProxy } from './helpers/proxy.ts';
import {
  chatServer,
  next,
  nodeClient,
  online,
  serverDedupesMessageIds,
  until,
  type ChatServer,
} from './helpers/server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: ChatServer;
const clients: ChatClient[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  server = await chatServer();
});
afterAll(async () => {
  await server.dispose();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
});

async function client(url = server.url, options: Parameters<typeof online>[1] = {}) {
  const made = await online(url, options);
  clients.push(made.client);
  return made.client;
}

async function proxy(): Promise<TcpProxy> {
  const p = await TcpProxy.start(server.port);
  proxies.push(p);
  return p;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('against the real server', () => {
  it('greets: an identity, a token kept in storage, the room list as an event', async () => {
    const { client: c, storage } = nodeClient(server.url);
    clients.push(c);
    const identity = next(c, 'identity');
    const listed = next(c, 'rooms_listed');
    c.connect();
    const [me] = await identity;
    expect(me.resumed).toBe(false);
    expect(me.user.uuid).toMatch(UUID);
    expect(me.user.room_uuid).toBeNull();
    expect(c.user).toEqual(me.user);
    expect(c.state).toBe('online');
    expect(storage.data.get('token')).toBe(me.token);
    const [rooms, meta] = await listed;
    expect(meta).toEqual({ own: false });
    expect(rooms.cursor === null || typeof rooms.cursor === 'string').toBe(true);
  });

  it('request() resolves with the typed result of each call', async () => {
    const c = await client();
    const name = `Kitchen ${randomUUID().slice(0, 8)}`;
    const created = await c.request('create_room', { name });
    expect(created).toMatchObject({ message: 'room_created', object: { name } });
    expect(created.id).toBeDefined();
    const room = created.object.uuid;
    const found = await c.request('list_rooms', { query: name });
    expect(found.list.map((r) => r.uuid)).toEqual([room]);
    expect(found.query).toBe(name);
    const renamed = await c.request('change_user_name', { name: 'Ann' });
    expect(renamed.object.name).toBe('Ann');
    expect(c.user?.name).toBe('Ann');

    const entered = await c.enterRoom(room);
    expect(entered.room_entered.object.uuid).toBe(room);
    expect(entered.messages_listed).toMatchObject({ list: [], has_more: false, room_uuid: room });
    expect(entered.drawing_got.object).toMatchObject({ room_uuid: room, lines: [] });
    expect(c.user?.room_uuid).toBe(room);

    const sent = await c.request('create_message', { body: '  hello  ' });
    expect(sent.object).toMatchObject({ body: 'hello', seq: 1, room_uuid: room });
    const listed = await c.request('list_messages', { after: 0 });
    expect(listed.list.map((m) => m.uuid)).toEqual([sent.object.uuid]);

    const line = await c.request('change_draw_line', {
      uuid: randomUUID(),
      points: [1, 2, 3, 4],
      color: '#000000',
      tool: 'pen',
    });
    expect(line.object).toMatchObject({ points: [1, 2, 3, 4], user_uuid: c.user?.uuid });
    const drawing = await c.request('get_drawing');
    expect(drawing.object.lines.map((l) => l.uuid)).toEqual([line.object.uuid]);
    const deleted = await c.request('delete_draw_line', { uuid: line.object.uuid });
    expect(deleted.uuid).toBe(line.object.uuid);
    const members = await c.request('list_room_users', { uuid: room });
    expect(members.list.map((u) => u.uuid)).toEqual([c.user?.uuid]);
    const recolored = await c.request('change_color', { uuid: room, color: '#5da247' });
    expect(recolored.object.color).toBe('#5da247');
    await c.leaveRoom();
    expect(c.user?.room_uuid).toBeNull();
  });

  it('a refused call rejects with a typed CallError, and the connection goes on', async () => {
    const c = await client();
    const error = await c.request('enter_room', { uuid: randomUUID() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallError);
    expect(error).toMatchObject({ code: 'no_specified_room', call: 'enter_room' });
    expect((error as CallError).detail).toEqual(expect.any(String));
    await expect(c.request('create_message', { body: 'x' })).rejects.toMatchObject({
      code: 'no_selected_room',
    });
    await expect(c.request('create_room', { color: 'red' })).rejects.toMatchObject({
      code: 'not_valid_color',
    });
    await expect(c.enterRoom(randomUUID())).rejects.toMatchObject({ code: 'no_specified_room' });
    expect(c.room).toBeNull();
    expect((await c.request('list_rooms', { limit: 1 })).message).toBe('rooms_listed');
  });

  it('events between two clients: messages, typing and strokes, own or not', async () => {
    const a = await client();
    const b = await client();
    const room = (await a.request('create_room')).object.uuid;
    await a.enterRoom(room);
    await b.enterRoom(room);

    const atA = next(a, 'message_created');
    const atB = next(b, 'message_created');
    const sent = await b.request('create_message', { body: 'hi A' });
    const [toA, metaA] = await atA;
    expect(toA.object.uuid).toBe(sent.object.uuid);
    expect(metaA).toEqual({ own: false });
    const [, metaB] = await atB;
    expect(metaB).toEqual({ own: true, id: sent.id, call: 'create_message' });

    const typed = next(a, 'user_typing');
    expect(b.typing()).toBe(true);
    expect(b.typing()).toBe(false);
    expect((await typed)[0].object.uuid).toBe(b.user?.uuid);

    const line = randomUUID();
    const appended = next(a, 'draw_points_appended');
    b.appendPoints(line, [1, 2, 3, 4], { color: '#000000', tool: 'pen' });
    expect((await appended)[0]).toMatchObject({ uuid: line, points: [1, 2, 3, 4], tool: 'pen' });
    const changed = next(a, 'draw_line_changed');
    await b.finishLine({ uuid: line, points: [1, 2, 3, 4, 5, 6], color: '#000000', tool: 'pen' });
    expect((await changed)[0].object).toMatchObject({ uuid: line, points: [1, 2, 3, 4, 5, 6] });
  });

  it('resumes its identity with the token after a reconnect (same uuid)', async () => {
    const p = await proxy();
    const c = await client(p.url);
    const first = c.user;
    const token = c.token;
    const again = next(c, 'identity');
    p.drop();
    const [identity] = await again;
    expect(identity).toMatchObject({ resumed: true, token, user: { uuid: first?.uuid } });
    expect(c.state).toBe('online');
  });

  it('session taken over: reported, not fought over, and taken back with reconnect()', async () => {
    const a = await client();
    const room = (await a.request('create_room')).object.uuid;
    await a.enterRoom(room);
    const taken = until(a, 'taken_over');
    const b = nodeClient(server.url, { storage: memoryStorage({ token: a.token ?? '' }) }).client;
    clients.push(b);
    const resumed = next(b, 'identity');
    b.connect();
    const [identity] = await resumed;
    expect(identity).toMatchObject({
      resumed: true,
      user: { uuid: a.user?.uuid, room_uuid: room },
    });
    await taken;
    await sleep(200);
    expect(a.state).toBe('taken_over');

    const takenB = until(b, 'taken_over');
    const back = next(a, 'history');
    a.reconnect();
    await until(a, 'online');
    await takenB;
    // back in its room, in sync
    expect((await back)[0]).toMatchObject({ room, mode: 'newer' });
  });

  it('after a cut: enters again and gets every message exactly once, in seq order', async () => {
    const p = await proxy();
    const a = await client(p.url);
    const b = await client();
    const room = (await b.request('create_room')).object.uuid;
    await b.enterRoom(room);
    const seen: number[] = [];
    a.on('history', (h) => seen.push(...h.list.map((m) => m.seq)));
    a.on('message_created', (m) => {
      if (m.object.room_uuid === room) seen.push(m.object.seq);
    });
    await a.enterRoom(room);
    let total = 0;
    const say = async (n: number) => {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) sends.push(b.request('create_message', { body: `m${++total}` }));
      await Promise.all(sends);
    };
    await say(5);
    await vi.waitFor(() => expect(seen).toHaveLength(5));

    // A is cut off and kept out while B talks: more than one fill page
    p.refuse(true);
    const offline = until(a, 'offline');
    p.drop();
    await offline;
    await say(260);
    // A comes back while B goes on talking
    p.refuse(false);
    const back = until(a, 'online');
    while (a.state !== 'online') await say(3);
    await back;
    await say(20);
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(total), { timeout: 5_000 });
    await sleep(50);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('heartbeat: notices a server that went silent, reports offline, and connects again', async () => {
    const p = await proxy();
    const c = await client(p.url, { heartbeatMs: 150, heartbeatTimeoutMs: 150 });
    // quiet but alive: the probes are answered, and none is shown as a room list
    const listed: unknown[] = [];
    c.on('rooms_listed', (r) => listed.push(r));
    await sleep(600);
    expect(c.state).toBe('online');
    expect(listed).toEqual([]);

    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    const frozenAt = Date.now();
    p.freeze();
    await until(c, 'offline', 3_000);
    expect(Date.now() - frozenAt).toBeLessThan(1_500);
    await until(c, 'online', 3_000);
    expect(states).toEqual(['offline', 'connecting', 'online']);
  });

  it('create_message cut off before its answer is sent again with the same id and stored once', async (ctx) => {
    // the server side of this (a repeated id answered with the stored message) is being built
    if (!(await serverDedupesMessageIds(server.url))) {
      ctx.skip(
        'the server does not answer a repeated create_message id with the stored message yet',
      );
    }
    const p = await proxy();
    const a = await client(p.url);
    const b = await client();
    const room = (await b.request('create_room')).object.uuid;
    await a.enterRoom(room);
    await b.enterRoom(room);
    // A's call reaches the server; the server's answers never reach A
    p.holdDown();
    const stored = next(b, 'message_created');
    const sending = a.request('create_message', { body: 'once' });
    const [atB] = await stored;
    p.drop();
    const reply = await sending;
    expect(reply.object.uuid).toBe(atB.object.uuid);
    expect(reply.object.seq).toBe(atB.object.seq);
    const page = await b.request('list_messages', {});
    expect(page.list.filter((m) => m.body === 'once')).toHaveLength(1);
  });
});

describe('a spent quota of new identities (close 1013)', () => {
  it('shows the refusal, waits retry_after_ms instead of reconnecting, and says until when', async () => {
    // one new identity per 15 minutes from this address, none saved up
    const strict = await chatServer({ addressNewUsersPerHour: 4 });
    const first = nodeClient(strict.url).client;
    const second = nodeClient(strict.url).client;
    try {
      first.connect();
      await until(first, 'online');
      const states: string[] = [];
      second.on('state', (s) => states.push(s));
      const refused = next(second, 'error');
      const offline = next(second, 'state', (s) => s === 'offline');
      second.connect();
      const [error] = await refused;
      expect(error).toBeInstanceOf(CallError);
      expect(error).toMatchObject({ code: 'rate_limited', call: undefined });
      const wait = (error as CallError).retryAfterMs ?? 0;
      expect(wait).toBeGreaterThan(60_000);
      expect((error as CallError).detail).toMatch(/try again in \d+ min/);
      await offline;
      expect(second.retryAt).toBeGreaterThanOrEqual(Date.now() + wait - 5_000);
      // no hammering: nodeClient's backoff would have retried within 200 ms
      await sleep(1_000);
      expect(states).toEqual(['connecting', 'offline']);
      expect(second.user).toBeNull();
    } finally {
      first.close();
      second.close();
      await strict.dispose();
    }
  });
});
