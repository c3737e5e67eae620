import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOM_COLORS, type Room } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

describe.each(STORAGES)('rooms on %s', (kind) => {
  let server: TestServer;
  let a: TestClient;
  let b: TestClient;

  beforeEach(async () => {
    server = await testServer(kind);
    a = await TestClient.connect(server.url);
    b = await TestClient.connect(server.url);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await server.dispose();
  });

  async function createRoom(fields: Record<string, unknown> = {}): Promise<Room> {
    const id = a.call('create_room', fields);
    const mine = await a.next('room_created', (p) => p.id === id);
    await b.next('room_created', (p) => p.object.uuid === mine.object.uuid);
    return mine.object;
  }

  it('create_room: everyone gets room_created; only the caller sees its id', async () => {
    const id = a.call('create_room');
    const mine = await a.next('room_created');
    const theirs = await b.next('room_created');
    expect(mine.id).toBe(id);
    expect(theirs.id).toBeUndefined();
    const room = mine.object;
    expect(theirs.object).toEqual(room);
    expect(room.name).toBe(`room-${room.uuid}`);
    expect(room.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(ROOM_COLORS).toContain(room.color);
    expect(room).toMatchObject({ users: [], sum: 0, user_count: 0 });
    expect(new Date(room.created).toISOString()).toBe(room.created);
  });

  it('create_room with a name and color stores them trimmed', async () => {
    const room = await createRoom({ name: '  Kitchen  ', color: '#ABCDEF12' });
    expect(room.name).toBe('Kitchen');
    expect(room.color).toBe('#ABCDEF12');
  });

  it('create_room rejects a bad color or name, and creates nothing', async () => {
    a.call('create_room', { color: 'red' });
    expect((await a.error()).message).toBe('not_valid_color');
    a.call('create_room', { name: '   ' });
    expect((await a.error()).message).toBe('not_valid_name');
    a.call('create_room', { name: 'x'.repeat(65) });
    expect((await a.error()).message).toBe('not_valid_name');
    a.call('create_room', { name: 'tab\there' });
    expect((await a.error()).message).toBe('not_valid_name');
    // nothing visible (zero-width space, Hangul filler, braille blank), or a direction override
    a.call('create_room', { name: '\u200b\u3164\u2800' });
    expect((await a.error()).message).toBe('not_valid_name');
    a.call('create_room', { name: 'evil\u202egnp.exe' });
    expect((await a.error()).message).toBe('not_valid_name');
    a.call('create_room', { name: 42 });
    const err = await a.error();
    expect(err).toMatchObject({ message: 'not_sufficient_data', call: 'create_room' });
    expect(err.detail).toEqual(expect.any(String));
    expect(await b.quiet(100, (f) => f.payload.message === 'room_created')).toEqual([]);
    // 64 emoji are 64 code points (128 UTF-16 units): allowed
    const room = await createRoom({ name: '😀'.repeat(64) });
    expect(room.name).toBe('😀'.repeat(64));
  });

  it('enter_room: the caller gets room_entered, messages_listed, drawing_got, then everyone room_changed', async () => {
    const room = await createRoom();
    const id = a.call('enter_room', { uuid: room.uuid });
    const first = await a.shift();
    expect(first.payload).toMatchObject({ message: 'room_entered', id });
    const entered = first.payload as { object: Room };
    expect(entered.object.users).toEqual([{ ...a.user, room_uuid: room.uuid }]);
    expect(entered.object.user_count).toBe(1);
    expect((await a.shift()).payload).toMatchObject({
      message: 'messages_listed',
      list: [],
      has_more: false,
      id,
    });
    expect((await a.shift()).payload).toMatchObject({
      message: 'drawing_got',
      id,
      object: { room_uuid: room.uuid, lines: [] },
    });
    expect((await a.shift()).payload).toMatchObject({
      message: 'room_changed',
      id,
      object: { uuid: room.uuid, user_count: 1 },
    });
    const seen = await b.next('room_changed');
    expect(seen.id).toBeUndefined();
    expect(seen.object.users.map((u) => u.uuid)).toEqual([a.user.uuid]);
  });

  it('enter_room of an unknown room is no_specified_room', async () => {
    a.call('enter_room', { uuid: 'nope' });
    expect(await a.error()).toMatchObject({ message: 'no_specified_room', call: 'enter_room' });
    a.call('enter_room', {});
    expect((await a.error()).message).toBe('not_sufficient_data');
  });

  it('entering the room one is in sends the three replies again, without broadcasts', async () => {
    const room = await createRoom();
    a.call('enter_room', { uuid: room.uuid });
    await a.next('room_changed');
    await b.next('room_changed');
    a.drain();
    a.call('enter_room', { uuid: room.uuid });
    expect((await a.shift()).payload.message).toBe('room_entered');
    expect((await a.shift()).payload.message).toBe('messages_listed');
    expect((await a.shift()).payload.message).toBe('drawing_got');
    expect(await a.quiet(150)).toEqual([]);
    expect(await b.quiet(0)).toEqual([]);
  });

  it('moving to another room broadcasts both rooms', async () => {
    const r1 = await createRoom();
    const r2 = await createRoom();
    a.call('enter_room', { uuid: r1.uuid });
    await b.next('room_changed', (p) => p.object.uuid === r1.uuid && p.object.user_count === 1);
    a.call('enter_room', { uuid: r2.uuid });
    await b.next('room_changed', (p) => p.object.uuid === r2.uuid && p.object.user_count === 1);
    await b.next('room_changed', (p) => p.object.uuid === r1.uuid && p.object.user_count === 0);
  });

  it('leave_room: the caller gets room_left, everyone room_changed; not in a room is no_specified_room', async () => {
    a.call('leave_room');
    expect((await a.error()).message).toBe('no_specified_room');
    const room = await createRoom();
    a.call('enter_room', { uuid: room.uuid });
    await b.next('room_changed', (p) => p.object.user_count === 1);
    const id = a.call('leave_room');
    const left = await a.next('room_left');
    expect(left).toMatchObject({ id, object: { uuid: room.uuid, user_count: 0 } });
    expect((await b.next('room_changed')).object).toMatchObject({
      uuid: room.uuid,
      users: [],
      user_count: 0,
    });
  });

  it('a closed connection leaves its room and everyone gets room_changed', async () => {
    const room = await createRoom();
    a.call('enter_room', { uuid: room.uuid });
    await b.next('room_changed', (p) => p.object.user_count === 1);
    await a.close();
    expect((await b.next('room_changed')).object).toMatchObject({ uuid: room.uuid, user_count: 0 });
    a = await TestClient.connect(server.url);
  });

  it('change_color and change_name: everyone gets room_changed; errors leave the room as it was', async () => {
    const room = await createRoom();
    const id = a.call('change_color', { uuid: room.uuid, color: '#123' });
    expect(await a.next('room_changed')).toMatchObject({ id, object: { color: '#123' } });
    expect((await b.next('room_changed')).object.color).toBe('#123');
    a.call('change_name', { uuid: room.uuid, name: ' Lounge ' });
    expect((await b.next('room_changed')).object.name).toBe('Lounge');

    a.call('change_color', { uuid: room.uuid, color: '#12' });
    expect((await a.error()).message).toBe('not_valid_color');
    a.call('change_color', { uuid: 'missing', color: '#123' });
    expect((await a.error()).message).toBe('no_specified_room');
    a.call('change_name', { uuid: room.uuid, name: '' });
    expect((await a.error()).message).toBe('not_valid_name');
    a.call('change_name', { uuid: 'missing', name: 'x' });
    expect((await a.error()).message).toBe('no_specified_room');
    a.call('change_name', { uuid: room.uuid });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('list_rooms');
    const listed = await a.next('rooms_listed');
    expect(listed.list.find((r) => r.uuid === room.uuid)).toMatchObject({
      name: 'Lounge',
      color: '#123',
    });
  });

  it('delete_room: everyone gets room_deleted; unknown and non-empty rooms are refused', async () => {
    const room = await createRoom();
    b.call('enter_room', { uuid: room.uuid });
    await b.next('room_changed', (p) => p.object.user_count === 1);
    a.call('delete_room', { uuid: room.uuid });
    expect((await a.error()).message).toBe('not_empty_room');
    b.call('leave_room');
    await a.next('room_changed', (p) => p.object.user_count === 0);
    const id = a.call('delete_room', { uuid: room.uuid });
    expect(await a.next('room_deleted')).toMatchObject({ id, object: { uuid: room.uuid } });
    expect((await b.next('room_deleted')).object.uuid).toBe(room.uuid);
    a.call('delete_room', { uuid: room.uuid });
    expect((await a.error()).message).toBe('no_specified_room');
    a.call('enter_room', { uuid: room.uuid });
    expect((await a.error()).message).toBe('no_specified_room');
  });

  it('list_rooms pages from the newest back, oldest first in each page, with a cursor', async () => {
    const made: Room[] = [];
    for (let i = 0; i < 7; i++) made.push(await createRoom({ name: `room ${i}` }));
    a.call('list_rooms', { limit: 3 });
    const p1 = await a.next('rooms_listed');
    expect(p1.list.map((r) => r.name)).toEqual(['room 4', 'room 5', 'room 6']);
    expect(p1.cursor).toEqual(expect.any(String));
    a.call('list_rooms', { limit: 3, cursor: p1.cursor });
    const p2 = await a.next('rooms_listed');
    expect(p2.list.map((r) => r.name)).toEqual(['room 1', 'room 2', 'room 3']);
    a.call('list_rooms', { limit: 3, cursor: p2.cursor });
    const p3 = await a.next('rooms_listed');
    expect(p3.list.map((r) => r.name)).toEqual(['room 0']);
    expect(p3.cursor).toBeNull();
    // limit is clamped, not refused
    a.call('list_rooms', { limit: 0 });
    expect((await a.next('rooms_listed')).list).toHaveLength(1);
    a.call('list_rooms', { limit: 10_000 });
    expect((await a.next('rooms_listed')).list).toHaveLength(7);
  });

  it('list_rooms searches names as a literal, case-insensitive substring and echoes the query', async () => {
    for (const name of ['100% Pure', 'under_score', 'back\\slash', 'Ärger', 'plain'])
      await createRoom({ name });
    const search = async (query: string) => {
      a.call('list_rooms', { query });
      const p = await a.next('rooms_listed');
      expect(p.query).toBe(query);
      return p.list.map((r) => r.name);
    };
    expect(await search('%')).toEqual(['100% Pure']);
    expect(await search('_')).toEqual(['under_score']);
    expect(await search('\\')).toEqual(['back\\slash']);
    expect(await search('är')).toEqual(['Ärger']);
    expect(await search('PURE')).toEqual(['100% Pure']);
    expect(await search('zzz')).toEqual([]);
  });

  it('a cursor belongs to its query; an unreadable one is not_sufficient_data', async () => {
    for (let i = 0; i < 3; i++) await createRoom({ name: `abc ${i}` });
    a.call('list_rooms', { query: 'abc', limit: 1 });
    const p = await a.next('rooms_listed');
    expect(p.cursor).not.toBeNull();
    a.call('list_rooms', { query: 'abc', cursor: p.cursor, limit: 5 });
    expect((await a.next('rooms_listed')).list.map((r) => r.name)).toEqual(['abc 0', 'abc 1']);
    a.call('list_rooms', { cursor: p.cursor });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('list_rooms', { cursor: 'garbage!' });
    expect((await a.error()).message).toBe('not_sufficient_data');
    a.call('list_rooms', { query: 5 });
    expect((await a.error()).message).toBe('not_sufficient_data');
  });

  it('a room inlines at most 100 users; user_count is exact; list_room_users pages through all', async () => {
    const room = await createRoom();
    const others: TestClient[] = [];
    for (let i = 0; i < 103; i++) {
      const c = await TestClient.connect(server.url);
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
      others.push(c);
    }
    a.call('enter_room', { uuid: room.uuid });
    const entered = await a.next('room_entered');
    expect(entered.object.user_count).toBe(104);
    expect(entered.object.users).toHaveLength(100);
    expect(entered.object.users.map((u) => u.uuid)).toEqual(
      others.slice(0, 100).map((c) => c.user.uuid),
    );

    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      b.call('list_room_users', { uuid: room.uuid, limit: 30, ...(cursor ? { cursor } : {}) });
      const page = await b.next('room_users_listed');
      expect(page.uuid).toBe(room.uuid);
      seen.push(...page.list.map((u) => u.uuid));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([...others.map((c) => c.user.uuid), a.user.uuid]);
    b.call('list_room_users', { uuid: 'missing' });
    expect((await b.error()).message).toBe('no_specified_room');
    b.call('list_room_users', { uuid: room.uuid, cursor: 'bad' });
    expect((await b.error()).message).toBe('not_sufficient_data');
    await Promise.all(others.map((c) => c.close()));
  });
});
