import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { lineId, TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

/**
 * PROTOCOL.md, "Versions": a connection without `?v=2` is an original client's. It never
 * pages and finds rooms only in the list it was given, so it gets every room and a room's
 * whole history (up to 10,000 and 2 MB), and no statement the original never sent.
 */
describe.each(STORAGES)('an original client on %s', (kind) => {
  let server: TestServer;
  let ours: TestClient;
  beforeEach(async () => {
    server = await testServer(kind);
    ours = await TestClient.connect(server.url);
  });
  afterEach(async () => {
    await ours.close();
    await server.dispose();
  });

  /** An original client: no `v`, and it reads what it is given, nothing more. */
  const original = () => TestClient.open(server.url, { path: '/', version: 1 });

  it('gets all of 150 rooms, opens the oldest by its link, and gets all 300 messages on entry', async () => {
    const rooms: Room[] = [];
    for (let i = 0; i < 150; i++) {
      ours.call('create_room', { name: `room ${i}` });
      rooms.push((await ours.next('room_created', (p) => p.object.name === `room ${i}`)).object);
    }
    const oldest = rooms[0]!;
    ours.call('enter_room', { uuid: oldest.uuid });
    await ours.next('drawing_got');
    for (let i = 1; i <= 300; i++) ours.call('create_message', { body: `m${i}` }, null);
    await ours.next('message_created', (p) => p.object.seq === 300, 10_000);
    ours.call('leave_room');
    await ours.next('room_left');

    const client = await original();
    await client.next('user_created');
    const listed = await client.next('rooms_listed');
    expect(listed.list.map((r) => r.name)).toEqual(rooms.map((r) => r.name));
    expect(listed.cursor).toBeNull();
    // its deep link: the room is in the list it got, so it enters
    const linked = listed.list.find((r) => r.uuid === oldest.uuid);
    expect(linked).toBeDefined();
    client.call('enter_room', { uuid: linked!.uuid }, null);
    await client.next('room_entered');
    const history = await client.next('messages_listed');
    expect(history.list.map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(history.has_more).toBe(false);
    await client.next('drawing_got');
    // list_rooms without a cursor: all of them again
    client.call('list_rooms', {}, null);
    expect((await client.next('rooms_listed')).list).toHaveLength(150);
    await client.close();
  }, 30_000);

  it('is pushed nothing the original never sent, and still gets answers to what it asks', async () => {
    ours.call('create_room');
    const room = (await ours.next('room_created')).object;
    const client = await original();
    await client.next('rooms_listed');
    for (const c of [ours, client]) {
      c.call('enter_room', { uuid: room.uuid });
      await c.next('drawing_got');
    }
    client.drain();
    // extensions pushed by others: typing, a stroke streamed, a line deleted
    ours.call('typing');
    ours.call('append_draw_points', {
      uuid: lineId('s'),
      points: [1, 2],
      color: '#000',
      tool: 'pen',
    });
    ours.call('change_draw_line', {
      uuid: lineId('s'),
      points: [1, 2, 3, 4],
      color: '#000',
      tool: 'pen',
    });
    ours.call('delete_draw_line', { uuid: lineId('s') });
    ours.call('create_message', { body: 'after all that' });
    // the original statements arrive; the extensions do not
    expect((await client.next('draw_line_changed')).object.uuid).toBe(lineId('s'));
    expect((await client.next('message_created')).object.body).toBe('after all that');
    const seen = client.received.map((f) => f.payload.message);
    for (const ext of ['user_typing', 'draw_points_appended', 'draw_line_deleted']) {
      expect(seen).not.toContain(ext);
    }
    // ours got them (typing goes to the others only)
    await ours.next('message_created');
    expect(ours.received.map((f) => f.payload.message)).toEqual(
      expect.arrayContaining(['draw_line_deleted', 'message_created']),
    );
    // a call of the extensions it makes itself is answered
    client.call('list_room_users', { uuid: room.uuid });
    expect((await client.next('room_users_listed')).list).toHaveLength(2);
    await client.close();
  });
});
