import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashToken } from '../src/chat/sessions.ts';
import { TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

describe.each(STORAGES)('identity on %s', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await testServer(kind);
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('a token resumes the same user; no token or an unknown token gives a new one', async () => {
    const a = await TestClient.connect(server.url);
    a.call('change_user_name', { name: 'Ann' });
    await a.next('user_changed');
    await a.close();
    const again = await TestClient.connect(server.url, { token: a.token });
    expect(again.resumed).toBe(true);
    expect(again.user).toEqual({ uuid: a.user.uuid, name: 'Ann', room_uuid: null });
    expect(again.token).toBe(a.token);
    const stranger = await TestClient.connect(server.url, { token: 'not-a-real-token' });
    expect(stranger.resumed).toBe(false);
    expect(stranger.user.uuid).not.toBe(a.user.uuid);
    expect(stranger.token).not.toBe('not-a-real-token');
    await Promise.all([again.close(), stranger.close()]);
  });

  it('knowing a uuid lets nobody act as that user', async () => {
    const a = await TestClient.connect(server.url);
    const b = await TestClient.connect(server.url, { token: a.user.uuid });
    expect(b.resumed).toBe(false);
    expect(b.user.uuid).not.toBe(a.user.uuid);
    await Promise.all([a.close(), b.close()]);
  });

  it('resuming a live identity takes the session over: the old one is told and closed with 4000, the room stays', async () => {
    const a = await TestClient.connect(server.url);
    const watcher = await TestClient.connect(server.url);
    a.call('create_room');
    const room = (await a.next('room_created')).object;
    a.call('enter_room', { uuid: room.uuid });
    await a.next('drawing_got');
    await watcher.next('room_changed', (p) => p.object.user_count === 1);
    watcher.drain();

    const b = await TestClient.connect(server.url, { token: a.token });
    expect(b.resumed).toBe(true);
    expect(b.user).toEqual({ ...a.user, room_uuid: room.uuid });
    expect((await a.error()).message).toBe('session_taken_over');
    expect(await a.closed).toBe(4000);
    // others see no leave and no join
    expect(await watcher.quiet(200, (f) => f.payload.message === 'room_changed')).toEqual([]);
    // the new connection is in the room: it gets the room's messages and can send
    const c = await TestClient.connect(server.url);
    c.call('enter_room', { uuid: room.uuid });
    await c.next('drawing_got');
    c.call('create_message', { body: 'hello' });
    expect((await b.next('message_created')).object.body).toBe('hello');
    b.call('enter_room', { uuid: room.uuid });
    expect((await b.next('room_entered')).object.user_count).toBe(2);
    // and when it closes, the user leaves
    await b.close();
    const after = await watcher.next(
      'room_changed',
      (p) => !p.object.users.some((u) => u.uuid === a.user.uuid),
    );
    expect(after.object.user_count).toBe(1);
    await Promise.all([watcher.close(), c.close()]);
  });

  it('stores only a hash of the token', async () => {
    const a = await TestClient.connect(server.url);
    a.call('list_rooms');
    await a.next('rooms_listed');
    let dump: string;
    if (kind === 'sqlite') {
      dump = ['chat.db', 'chat.db-wal']
        .map((f) => join(server.dir, f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f).toString('latin1'))
        .join('');
    } else {
      dump = JSON.stringify(server.storage, (_k, v: unknown) =>
        v instanceof Map ? [...v.entries()] : v,
      );
    }
    expect(dump).toContain(hashToken(a.token));
    expect(dump).not.toContain(a.token);
    await a.close();
  });
});
