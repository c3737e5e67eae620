import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/app.ts';
import { lineId, TestClient } from './helpers/client.ts';

describe('persistence on sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-persist-'));
  const storage = `sqlite:${join(dir, 'nested', 'chat.db')}`;
  const start = () =>
    startServer({ port: 0, host: '127.0.0.1', storage, logLevel: 'silent', staticDir: dir });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rooms, messages (seq continuing), drawings and identities survive a restart', async () => {
    let server = await start();
    const a = await TestClient.connect(server.url);
    a.call('change_user_name', { name: 'Keeper' });
    await a.next('user_changed');
    a.call('create_room', { name: 'Archive', color: '#abc' });
    const room = (await a.next('room_created')).object;
    a.call('enter_room', { uuid: room.uuid });
    await a.next('drawing_got');
    for (let i = 1; i <= 3; i++) a.call('create_message', { body: `before ${i}` }, null);
    await a.next('message_created', (p) => p.object.seq === 3);
    a.call('change_draw_line', {
      uuid: lineId('a'),
      points: [1, 2, 3, 4],
      color: '#f00',
      tool: 'pen',
    });
    a.call('append_draw_points', {
      uuid: lineId('b'),
      points: [5, 6],
      color: '#0f0',
      tool: 'eraser',
    });
    await a.next('draw_line_changed');
    await a.sync();
    await server.stop();
    expect(await a.closed).toBe(1001);

    server = await start();
    const b = await TestClient.connect(server.url, { token: a.token });
    expect(b.resumed).toBe(true);
    // presence of the earlier run is cleared: the user is in no room
    expect(b.user).toEqual({ uuid: a.user.uuid, name: 'Keeper', room_uuid: null });
    b.call('list_rooms');
    const listed = (await b.next('rooms_listed')).list.find((r) => r.uuid === room.uuid);
    expect(listed).toMatchObject({ name: 'Archive', color: '#abc', sum: 3, user_count: 0 });
    b.call('enter_room', { uuid: room.uuid });
    const history = await b.next('messages_listed');
    expect(history.list.map((m) => [m.seq, m.body, m.user.name])).toEqual([
      [1, 'before 1', 'Keeper'],
      [2, 'before 2', 'Keeper'],
      [3, 'before 3', 'Keeper'],
    ]);
    const drawing = (await b.next('drawing_got')).object;
    expect(drawing.lines.map((l) => [l.uuid, l.points, l.tool])).toEqual([
      [lineId('a'), [1, 2, 3, 4], 'pen'],
      [lineId('b'), [5, 6], 'eraser'],
    ]);
    b.call('create_message', { body: 'after' });
    expect((await b.next('message_created')).object.seq).toBe(4);
    await b.close();
    await server.stop();
  });
});

describe('graceful stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chat-stop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lets calls in flight finish and answers them before closing with 1001: acknowledged = stored', async () => {
    const storage = `sqlite:${join(dir, 'chat.db')}`;
    let server = await startServer({
      port: 0,
      host: '127.0.0.1',
      storage,
      logLevel: 'silent',
      staticDir: dir,
      rateLimitBurst: 10_000,
    });
    const c = await TestClient.connect(server.url);
    c.call('create_room');
    const room = (await c.next('room_created')).object.uuid;
    c.call('enter_room', { uuid: room });
    await c.next('drawing_got');
    for (let i = 0; i < 1000; i++) c.call('create_message', { body: `m${i}` });
    // stop while the burst is being handled
    await c.next('message_created', (p) => p.object.seq === 10);
    await server.stop();
    expect(await c.closed).toBe(1001);
    const acked = c.received.filter(
      (f) => f.payload.message === 'message_created' && f.payload.id,
    ).length;
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      storage,
      logLevel: 'silent',
      staticDir: dir,
    });
    const r = await TestClient.connect(server.url);
    r.call('list_rooms');
    const stored = (await r.next('rooms_listed', (p) => p.id !== undefined)).list.find(
      (x) => x.uuid === room,
    )!.sum;
    expect(acked).toBeGreaterThanOrEqual(10);
    expect(stored).toBe(acked);
    await r.close();
    await server.stop();
  });
});
