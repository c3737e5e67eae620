import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaw, lineId, TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

describe.each(STORAGES)('statements and errors on %s', (kind) => {
  let server: TestServer;
  let c: TestClient;

  beforeAll(async () => {
    server = await testServer(kind, { maxFrameChars: 100_000 });
    c = await TestClient.connect(server.url);
  });
  afterAll(async () => {
    await c.close();
    await server.dispose();
  });

  /** Every error leaves the connection usable: a call right after it still works. */
  async function expectUsable() {
    c.call('list_rooms');
    await c.next('rooms_listed');
  }

  it('greets with user_created (identity and token) then rooms_listed', async () => {
    const fresh = await TestClient.open(server.url);
    const first = await fresh.shift();
    expect(first.type).toBe('result');
    expect(first.payload).toMatchObject({ message: 'user_created', resumed: false });
    const p = first.payload as {
      object: { uuid: string; name: string; room_uuid: null };
      token: string;
    };
    expect(p.object.name).toBe(`user-${p.object.uuid}`);
    expect(p.object.room_uuid).toBeNull();
    expect(p.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect((await fresh.shift()).payload).toMatchObject({ message: 'rooms_listed', cursor: null });
    await fresh.close();
  });

  it('accepts the upgrade on / and /ws, and refuses other paths', async () => {
    const root = await TestClient.connect(server.url, { path: '/' });
    expect(root.user.uuid).toBeTruthy();
    await root.close();
    await expect(openRaw(server.url, { path: '/elsewhere' })).rejects.toThrow(/404/);
  });

  const cases: [string, string, string | undefined][] = [
    ['not json', 'bad_data', undefined],
    ['[1,2]', 'bad_data', undefined],
    ['null', 'bad_data', undefined],
    ['"call"', 'bad_data', undefined],
    ['{"type":"result","payload":{"message":"create_room"}}', 'bad_data', 'create_room'],
    ['{"payload":{"message":"create_room"}}', 'bad_data', 'create_room'],
    ['{"type":"call"}', 'not_sufficient_data', undefined],
    ['{"type":"call","payload":[]}', 'not_sufficient_data', undefined],
    ['{"type":"call","payload":{}}', 'not_sufficient_data', undefined],
    ['{"type":"call","payload":{"message":7}}', 'not_sufficient_data', undefined],
    ['{"type":"call","payload":{"message":"fly"}}', 'unknown_statement', 'fly'],
    ['{"type":"call","payload":{"message":"__proto__"}}', 'unknown_statement', '__proto__'],
    ['{"type":"call","payload":{"message":"toString"}}', 'unknown_statement', 'toString'],
    [
      '{"type":"call","payload":{"message":"enter_room","uuid":42}}',
      'not_sufficient_data',
      'enter_room',
    ],
    ['{"type":"call","payload":{"message":"delete_room"}}', 'not_sufficient_data', 'delete_room'],
    [
      '{"type":"call","payload":{"message":"delete_room","uuid":"missing"}}',
      'no_specified_room',
      'delete_room',
    ],
    [
      '{"type":"call","payload":{"message":"list_rooms","limit":"5"}}',
      'not_sufficient_data',
      'list_rooms',
    ],
    [
      '{"type":"call","payload":{"message":"list_rooms","id":5}}',
      'not_sufficient_data',
      'list_rooms',
    ],
  ];
  it.each(cases)('%s -> %s', async (frame, message, call) => {
    c.sendRaw(frame);
    const err = await c.error();
    expect(err.message).toBe(message);
    expect(err.call).toBe(call);
    expect(err.detail.length).toBeGreaterThan(5);
    await expectUsable();
  });

  it('a frame over 100,000 characters is data_too_long', async () => {
    c.sendRaw(
      JSON.stringify({
        type: 'call',
        payload: { message: 'create_room', name: 'x'.repeat(100_000) },
      }),
    );
    const err = await c.error();
    expect(err).toMatchObject({ message: 'data_too_long', call: 'create_room' });
    await expectUsable();
  });

  it('data_too_long carries the call and id when they can be read; a frame over 1 MiB closes with 1009', async () => {
    const id = c.call('create_room', { name: 'x'.repeat(100_000) }, 'long-1');
    expect(await c.error()).toMatchObject({ message: 'data_too_long', call: 'create_room', id });
    // 99,000 two-byte characters are still only 99,000 characters: the frame is read, and a
    // query that long is refused; 200 are a query
    c.call('list_rooms', { query: 'é'.repeat(99_000) });
    expect(await c.error()).toMatchObject({ message: 'not_valid_query', call: 'list_rooms' });
    c.call('list_rooms', { query: 'é'.repeat(200) });
    expect((await c.next('rooms_listed')).list).toEqual([]);
    const huge = await TestClient.connect(server.url);
    huge.sendRaw('x'.repeat(1024 * 1024 + 1));
    expect(await huge.closed).toBe(1009);
  });

  it('a binary frame is bad_data', async () => {
    c.ws.send(Buffer.from([1, 2, 3]));
    expect((await c.error()).message).toBe('bad_data');
    await expectUsable();
  });

  it('errors go to the caller only and echo the call id', async () => {
    const other = await TestClient.connect(server.url);
    const id = c.call('enter_room', { uuid: 'missing' });
    expect(await c.error()).toMatchObject({ message: 'no_specified_room', id, call: 'enter_room' });
    expect(await other.quiet(100)).toEqual([]);
    await other.close();
  });

  it('results of a call echo its id; a call without id gets none', async () => {
    const id = c.call('list_rooms', {}, 'my-id-1');
    expect(id).toBe('my-id-1');
    expect((await c.next('rooms_listed')).id).toBe('my-id-1');
    c.call('list_rooms', {}, null);
    expect((await c.next('rooms_listed')).id).toBeUndefined();
    c.call('list_rooms', {}, 'x'.repeat(65));
    expect((await c.error()).message).toBe('not_sufficient_data');
  });

  it('a client of the original protocol, sending only original fields, works', async () => {
    const old = await TestClient.connect(server.url);
    old.sendRaw(JSON.stringify({ type: 'call', payload: { message: 'create_room' } }));
    const room = (await old.next('room_created')).object;
    old.sendRaw(
      JSON.stringify({ type: 'call', payload: { message: 'enter_room', uuid: room.uuid } }),
    );
    await old.next('drawing_got');
    old.sendRaw(
      JSON.stringify({ type: 'call', payload: { message: 'create_message', body: 'hi' } }),
    );
    expect((await old.next('message_created')).object.body).toBe('hi');
    old.sendRaw(
      JSON.stringify({
        type: 'call',
        payload: {
          message: 'change_draw_line',
          uuid: lineId('l'),
          points: [1, 2],
          color: '#000',
          tool: 'pen',
        },
      }),
    );
    await old.next('draw_line_changed');
    old.drain();
    old.sendRaw(JSON.stringify({ type: 'call', payload: { message: 'list_messages' } }));
    expect((await old.next('messages_listed')).list).toHaveLength(1);
    await old.close();
  });

  it('serves /metrics in Prometheus text: connections, calls and errors by name, deliveries, storage latency, loop lag', async () => {
    c.call('list_rooms');
    await c.next('rooms_listed');
    c.call('enter_room', { uuid: 'missing' });
    await c.error();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^chat_connections \d+$/m);
    expect(
      Number(/^chat_calls_total\{call="list_rooms"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThan(0);
    expect(
      Number(/^chat_errors_total\{error="no_specified_room"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThan(0);
    expect(Number(/^chat_deliveries_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^chat_storage_seconds_count\{method="rooms.list"\} \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('sends security headers with every HTTP answer', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves the web client with a validator: a page asked again with it is answered 304', async () => {
    mkdirSync(join(server.dir, 'www', 'assets'), { recursive: true });
    writeFileSync(join(server.dir, 'www', 'index.html'), '<!doctype html><title>chat</title>');
    writeFileSync(join(server.dir, 'www', 'assets', 'data-1.json'), '{"a":1}');
    const page = await fetch(`${server.url}/room/abc`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>chat</title>');
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(`${server.url}/`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const asset = await fetch(`${server.url}/assets/data-1.json`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.json()).toEqual({ a: 1 });
    const stale = await fetch(`${server.url}/assets/data-1.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(stale.status).toBe(200);
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, storage: true, bus: true });
  });
});
