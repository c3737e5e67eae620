import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, enterRoom, listedRooms, refused } from '../helpers/calls.ts';
import { TestClient } from '../helpers/client.ts';
import {
  SETUPS,
  clusterServicesOrSkip,
  openDeployment,
  type Deployment,
  type NodeProcess,
} from '../helpers/cluster.ts';

const services = clusterServicesOrSkip();

/** A kick's minute, at test speed. */
const KICK_MINUTE_MS = 1500;

/**
 * The attacker's suite of rooms with owners, on two nodes: the owner on one, everyone else
 * on either, each client from its own loopback address unless it shares one on purpose.
 */
describe.skipIf(!services).each(SETUPS)('rooms with owners across two nodes (%s)', (setup) => {
  let deployment: Deployment;
  let a: NodeProcess;
  let b: NodeProcess;
  const clients: TestClient[] = [];
  let nextAddress = 10;

  async function connect(node: NodeProcess, from = `127.0.1.${nextAddress++}`) {
    const c = await TestClient.connect(node.url, { localAddress: from });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    deployment = await openDeployment(services!, setup);
    const args = ['--kick-minute-ms', String(KICK_MINUTE_MS), '--address-rooms-per-hour', '30'];
    [a, b] = await Promise.all([deployment.start('A', { args }), deployment.start('B', { args })]);
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await deployment?.dispose();
  });

  it('a locked room: every owner-only call from another node is refused and changes nothing anywhere', async () => {
    const [owner, attacker, watcher] = [await connect(a), await connect(b), await connect(a)];
    const room = await createRoom(owner, { name: 'locked on A' });
    for (const c of [owner, attacker]) await enterRoom(c, room.uuid);
    const line = crypto.randomUUID();
    owner.call('change_draw_line', { uuid: line, points: [1, 2], color: '#000', tool: 'pen' });
    await attacker.next('draw_line_changed');
    owner.call('change_room_settings', { uuid: room.uuid, locked: true });
    await attacker.next('room_changed', (p) => p.object.uuid === room.uuid && p.object.locked);
    await watcher.next('room_changed', (p) => p.object.uuid === room.uuid && p.object.locked);
    // the throttle's trailing room_changed (the same state) passes first
    await watcher.quiet(150);
    for (const c of [owner, attacker, watcher]) c.drain();

    for (const [call, fields] of [
      ['change_name', { uuid: room.uuid, name: 'pwned' }],
      ['change_color', { uuid: room.uuid, color: '#ff0000' }],
      ['delete_room', { uuid: room.uuid }],
      ['reset_drawing', {}],
      ['delete_draw_line', { uuid: line }],
      ['change_room_settings', { uuid: room.uuid, locked: false, visibility: 'unlisted' }],
      ['kick_user', { uuid: room.uuid, user: owner.user.uuid }],
    ] as const) {
      expect((await refused(attacker, call, fields)).message, call).toBe('not_room_owner');
    }
    expect(await watcher.quiet(300)).toEqual([]);
    expect(await owner.quiet(0)).toEqual([]);
    const seen = await connect(a);
    await enterRoom(seen, room.uuid);
    seen.call('get_drawing', {});
    expect((await seen.next('drawing_got')).object.lines.map((l) => l.uuid)).toEqual([line]);
    expect(await listedRooms(seen, 'locked on A')).toEqual([room.uuid]);
  });

  it('an unlisted room made on A is invisible on both nodes to a second user, yet entered by its link', async () => {
    const owner = await connect(a);
    const [stranger, lobbyA, lobbyB] = [await connect(b), await connect(a), await connect(b)];
    const hidden = await createRoom(owner, { name: 'hideout', visibility: 'unlisted' });
    for (const c of [stranger, lobbyA]) expect(await listedRooms(c, 'hideout')).toEqual([]);
    expect(await listedRooms(stranger)).not.toContain(hidden.uuid);
    expect(await listedRooms(owner, 'hideout')).toEqual([hidden.uuid]);
    // the owner hears of its changes on any node; its members too
    await enterRoom(stranger, hidden.uuid);
    const joined = await owner.next('room_changed', (p) => p.object.uuid === hidden.uuid);
    expect(joined.object.users.map((u) => u.uuid)).toEqual([stranger.user.uuid]);
    stranger.call('change_name', { uuid: hidden.uuid, name: 'hideout 2' });
    await owner.next('room_changed', (p) => p.object.name === 'hideout 2');
    for (const c of [lobbyA, lobbyB]) {
      expect(await c.quiet(200, (f) => JSON.stringify(f).includes(hidden.uuid))).toEqual([]);
    }
  });

  it('a kicked user on B, with a fresh identity from the same address on A, stays out until the end and gets in after', async () => {
    const owner = await connect(a);
    const troll = await connect(b, '127.0.2.1');
    const room = await createRoom(owner, { name: 'kicks' });
    for (const c of [owner, troll]) await enterRoom(c, room.uuid);
    owner.drain();
    const id = owner.call('kick_user', { uuid: room.uuid, user: troll.user.uuid, minutes: 2 });
    const answer = await owner.next('room_changed', (p) => p.id === id);
    expect(answer.object.users.map((u) => u.uuid)).toEqual([owner.user.uuid]);
    const kicked = await troll.next('user_kicked');
    await troll.next('room_left');
    const until = Date.parse(kicked.until);

    for (const [node, who] of [
      [a, await connect(a, '127.0.2.1')],
      [b, await connect(b, '127.0.2.1')],
    ] as const) {
      expect(await refused(who, 'enter_room', { uuid: room.uuid }), node.name).toMatchObject({
        message: 'user_banned',
        until: kicked.until,
      });
    }
    expect(await refused(troll, 'enter_room', { uuid: room.uuid })).toMatchObject({
      message: 'user_banned',
    });
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now() + 100)));
    const later = await connect(a, '127.0.2.1');
    await enterRoom(later, room.uuid);
    await enterRoom(troll, room.uuid);
  });

  it('the room quota refuses the 31st room from one address, on each node', async () => {
    const maker = await connect(b);
    for (let i = 1; i <= 30; i++) await createRoom(maker, { name: `quota ${i}` });
    const error = await refused(maker, 'create_room', { name: 'one too many' });
    expect(error.message).toBe('rate_limited');
    expect(error.retry_after_ms).toBeGreaterThan(0);
    expect(await listedRooms(maker, 'one too many')).toEqual([]);
  });
});
