import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRoom, enterRoom, listedRooms, refused } from './helpers/calls.ts';
import { TestClient } from './helpers/client.ts';
import { STORAGES, testServer, type TestServer } from './helpers/server.ts';

/** A kick's minute, at test speed: a 1-minute bar ends in 600 ms. */
const KICK_MINUTE_MS = 600;

describe.each(STORAGES)('rooms with owners on %s', (kind) => {
  let server: TestServer;
  const clients: TestClient[] = [];

  beforeEach(async () => {
    server = await testServer(kind, { kickMinuteMs: KICK_MINUTE_MS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  /** A client connecting from its own loopback address (127.0.0.n), or from `from`. */
  async function connect(from = `127.0.0.${clients.length + 2}`): Promise<TestClient> {
    const c = await TestClient.connect(server.url, { localAddress: from });
    clients.push(c);
    return c;
  }

  it('the creator owns a new room, public and unlocked unless asked', async () => {
    const [owner, other] = [await connect(), await connect()];
    const room = await createRoom(owner, { name: 'kitchen' });
    expect(room).toMatchObject({ owner: owner.user.uuid, locked: false, visibility: 'public' });
    expect((await other.next('room_created')).object).toEqual(room);
    expect((await refused(owner, 'create_room', { visibility: 'secret' })).message).toBe(
      'not_valid_visibility',
    );
  });

  it('an unlisted room: in nobody list, search or broadcast but its owner and members, yet entered by its link', async () => {
    const [owner, other, lobby] = [await connect(), await connect(), await connect()];
    const hidden = await createRoom(owner, { name: 'secret garden', visibility: 'unlisted' });
    expect(hidden.visibility).toBe('unlisted');
    const open = await createRoom(owner, { name: 'open garden' });
    for (const c of [other, lobby]) {
      // the first room_created they hear of is the public one
      expect((await c.next('room_created')).object.uuid).toBe(open.uuid);
    }
    expect(await listedRooms(other)).toEqual([open.uuid]);
    expect(await listedRooms(other, 'garden')).toEqual([open.uuid]);
    expect(await listedRooms(owner)).toEqual([hidden.uuid, open.uuid]);
    expect(await listedRooms(owner, 'secret')).toEqual([hidden.uuid]);
    // an original client's whole list leaves it out too
    const original = await TestClient.open(server.url, {
      version: 1,
      localAddress: '127.0.0.90',
    });
    clients.push(original);
    await original.next('user_created');
    expect((await original.next('rooms_listed')).list.map((r) => r.uuid)).toEqual([open.uuid]);

    // its link lets anyone in; its changes reach its members and owner only
    await enterRoom(other, hidden.uuid);
    owner.call('change_name', { uuid: hidden.uuid, name: 'secret orchard' });
    for (const c of [owner, other]) {
      await c.next('room_changed', (p) => p.object.name === 'secret orchard');
    }
    other.call('leave_room', {});
    await other.next('room_left');
    await owner.next('room_changed', (p) => p.object.user_count === 0);
    expect(await lobby.quiet(200, (f) => JSON.stringify(f).includes(hidden.uuid))).toEqual([]);
    expect(await original.quiet(0, (f) => JSON.stringify(f).includes(hidden.uuid))).toEqual([]);
    // deleted: only its owner hears
    owner.call('delete_room', { uuid: hidden.uuid });
    await owner.next('room_deleted', (p) => p.object.uuid === hidden.uuid);
    expect(await other.quiet(200, (f) => f.payload.message === 'room_deleted')).toEqual([]);
  });

  it('change_room_settings: the owner only; a change of visibility is told to all', async () => {
    const [owner, other] = [await connect(), await connect()];
    const room = await createRoom(owner);
    other.drain();
    const denied = await refused(other, 'change_room_settings', { uuid: room.uuid, locked: true });
    expect(denied.message).toBe('not_room_owner');
    expect(
      (await refused(owner, 'change_room_settings', { uuid: crypto.randomUUID() })).message,
    ).toBe('no_specified_room');
    expect(
      (await refused(owner, 'change_room_settings', { uuid: room.uuid, visibility: 'hidden' }))
        .message,
    ).toBe('not_valid_visibility');

    const id = owner.call('change_room_settings', { uuid: room.uuid, locked: true });
    const locked = await owner.next('room_changed', (p) => p.id === id);
    expect(locked.object).toMatchObject({ locked: true, visibility: 'public' });
    expect((await other.next('room_changed')).object.locked).toBe(true);

    owner.call('change_room_settings', { uuid: room.uuid, visibility: 'unlisted' });
    // told to all once, so that lists drop it; then never again
    expect((await other.next('room_changed')).object.visibility).toBe('unlisted');
    expect(await listedRooms(other)).toEqual([]);
    owner.call('change_name', { uuid: room.uuid, name: 'quiet now' });
    await owner.next('room_changed', (p) => p.object.name === 'quiet now');
    expect(await other.quiet(200, (f) => f.payload.message === 'room_changed')).toEqual([]);
    owner.call('change_room_settings', { uuid: room.uuid, visibility: 'public' });
    expect((await other.next('room_changed')).object).toMatchObject({
      name: 'quiet now',
      visibility: 'public',
    });
    expect(await listedRooms(other)).toEqual([room.uuid]);
  });

  it('a locked room: every owner-only call from another is refused and changes nothing; the owner may', async () => {
    const [owner, other] = [await connect(), await connect()];
    const room = await createRoom(owner, { name: 'gallery', color: '#112233' });
    for (const c of [owner, other]) await enterRoom(c, room.uuid);
    const line = (uuid: string) => ({ uuid, points: [1, 2, 3, 4], color: '#000', tool: 'pen' });
    const [ownerLine, otherLine] = [crypto.randomUUID(), crypto.randomUUID()];
    owner.call('change_draw_line', line(ownerLine));
    other.call('change_draw_line', line(otherLine));
    await other.next('draw_line_changed', (p) => p.object.uuid === ownerLine);
    await other.next('draw_line_changed', (p) => p.object.uuid === otherLine);

    // unlocked: anyone may, as in the original
    other.call('change_name', { uuid: room.uuid, name: 'gallery!' });
    await other.next('room_changed', (p) => p.object.name === 'gallery!');
    owner.call('change_room_settings', { uuid: room.uuid, locked: true });
    await other.next('room_changed', (p) => p.object.locked);
    // the throttle's trailing room_changed (the same state) passes first
    await owner.quiet(150);
    other.drain();
    owner.drain();

    const attempts: [string, Record<string, unknown>][] = [
      ['change_name', { uuid: room.uuid, name: 'vandalized' }],
      ['change_color', { uuid: room.uuid, color: '#ff0000' }],
      ['delete_room', { uuid: room.uuid }],
      ['reset_drawing', {}],
      ['delete_draw_line', { uuid: ownerLine }],
      ['change_room_settings', { uuid: room.uuid, locked: false }],
      ['kick_user', { uuid: room.uuid, user: owner.user.uuid }],
    ];
    for (const [call, fields] of attempts) {
      const error = await refused(other, call, fields);
      expect(error.message, call).toBe('not_room_owner');
      expect(error.detail, call).toBeTruthy();
    }
    // nothing changed anywhere
    expect(await owner.quiet(200)).toEqual([]);
    other.call('get_drawing', {});
    const drawing = (await other.next('drawing_got')).object;
    expect(drawing.lines.map((l) => l.uuid).sort()).toEqual([ownerLine, otherLine].sort());
    other.call('enter_room', { uuid: room.uuid });
    expect((await other.next('room_entered')).object).toMatchObject({
      name: 'gallery!',
      color: '#112233',
      locked: true,
    });
    await other.next('drawing_got');

    // others still talk and draw, and delete their own lines
    other.call('create_message', { body: 'still here' });
    await owner.next('message_created');
    other.call('delete_draw_line', { uuid: otherLine });
    await owner.next('draw_line_deleted', (p) => p.uuid === otherLine);

    // the owner may do all of it
    owner.call('change_name', { uuid: room.uuid, name: 'mine' });
    await other.next('room_changed', (p) => p.object.name === 'mine');
    owner.call('delete_draw_line', { uuid: ownerLine });
    await other.next('draw_line_deleted');
    owner.call('reset_drawing', {});
    await other.next('drawing_got');
  });

  it('kick_user: out at once, barred by identity and address until the end, in after', async () => {
    const owner = await connect('127.0.0.2');
    const troll = await connect('127.0.0.3');
    const bystander = await connect('127.0.0.4');
    const room = await createRoom(owner);
    for (const c of [owner, troll, bystander]) await enterRoom(c, room.uuid);

    expect(
      (await refused(bystander, 'kick_user', { uuid: room.uuid, user: troll.user.uuid })).message,
    ).toBe('not_room_owner');
    for (const user of [owner.user.uuid, crypto.randomUUID()]) {
      expect((await refused(owner, 'kick_user', { uuid: room.uuid, user })).message).toBe(
        'no_specified_user',
      );
    }
    expect(
      (await refused(owner, 'kick_user', { uuid: room.uuid, user: troll.user.uuid, minutes: 0 }))
        .message,
    ).toBe('not_sufficient_data');
    owner.drain();
    bystander.drain();

    const kickedAt = Date.now();
    const id = owner.call('kick_user', { uuid: room.uuid, user: troll.user.uuid, minutes: 1 });
    const answer = await owner.next('room_changed', (p) => p.id === id);
    expect(answer.object.users.map((u) => u.uuid)).not.toContain(troll.user.uuid);
    expect((await bystander.next('room_changed')).object.user_count).toBe(2);
    const kicked = await troll.next('user_kicked');
    expect(kicked.room_uuid).toBe(room.uuid);
    const until = Date.parse(kicked.until);
    expect(until - kickedAt).toBeGreaterThanOrEqual(KICK_MINUTE_MS - 50);
    expect(until - kickedAt).toBeLessThan(KICK_MINUTE_MS + 2000);
    expect((await troll.next('room_left')).object.uuid).toBe(room.uuid);
    expect(troll.pending('message_created')).toEqual([]);
    // no longer in the room: its messages go nowhere
    expect((await refused(troll, 'create_message', { body: 'still here?' })).message).toBe(
      'no_selected_room',
    );
    expect(
      (await refused(owner, 'kick_user', { uuid: room.uuid, user: troll.user.uuid })).message,
    ).toBe('no_specified_user');

    // barred: the identity, and a fresh identity from the same address
    const again = await refused(troll, 'enter_room', { uuid: room.uuid });
    expect(again).toMatchObject({ message: 'user_banned', until: kicked.until });
    const fresh = await connect('127.0.0.3');
    expect(fresh.user.uuid).not.toBe(troll.user.uuid);
    expect(await refused(fresh, 'enter_room', { uuid: room.uuid })).toMatchObject({
      message: 'user_banned',
      until: kicked.until,
    });
    // another address is not, nor the owner, nor another room
    const neighbour = await connect('127.0.0.5');
    await enterRoom(neighbour, room.uuid);
    const elsewhere = await createRoom(owner);
    await enterRoom(troll, elsewhere.uuid);

    // after the end, both get in
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now() + 50)));
    await enterRoom(fresh, room.uuid);
    await enterRoom(troll, room.uuid);
    owner.drain();
    troll.call('create_message', { body: 'sorry' });
    expect((await owner.next('message_created')).object.body).toBe('sorry');
  });

  it('an original client kicked is told room_left only, and barred', async () => {
    const owner = await connect('127.0.0.2');
    const original = await TestClient.connect(server.url, {
      version: 1,
      localAddress: '127.0.0.7',
    });
    clients.push(original);
    const room = await createRoom(owner);
    await enterRoom(original, room.uuid);
    owner.call('kick_user', { uuid: room.uuid, user: original.user.uuid });
    expect((await original.next('room_left')).object.uuid).toBe(room.uuid);
    expect(original.received.map((f) => f.payload.message)).not.toContain('user_kicked');
    expect((await refused(original, 'enter_room', { uuid: room.uuid })).message).toBe(
      'user_banned',
    );
  });
});
