import { describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { roomTopic } from '../../src/bus/topics.ts';
import { TestClient } from '../helpers/client.ts';
import { clusterServicesOrSkip, health, SETUPS, waitFor } from '../helpers/cluster.ts';
import { Chatter, expectNothingLost, outageSuite, sleep, type Outage } from './outageSuite.ts';

const services = clusterServicesOrSkip();

/**
 * After an outage, once both nodes say they are well: the chatter's messages go through
 * again, and the watcher hears the room's users as they are now (a leave made meanwhile).
 */
async function recovered(chatter: Chatter, watcher: TestClient, room: string) {
  const before = chatter.acked();
  await waitFor('messages after the outage', () => chatter.acked() >= before + 5);
  await chatter.stop();
  await watcher.next(
    'room_changed',
    (p) => p.object.uuid === room && p.object.user_count === 3,
    10_000,
  );
}

describe.skipIf(!services).each(SETUPS)('outages of Redis (%s)', (setup) => {
  const suite = outageSuite(services!, setup);
  const { connect, setUp, bothHealth } = suite;

  /** Redis taken away from every node of a test, or from one. */
  async function redisOutage(scope: 'all' | 'one'): Promise<Outage> {
    const cluster = suite.deployment.own.redisCluster;
    if (!cluster) {
      // one Redis: a proxy between it and the nodes started through it
      const proxy = await suite.proxyTo(services!.redisUrl, 6379);
      return {
        opts: { bus: suite.deployment.bus(proxy.route(services!.redisUrl)) },
        cut: async () => proxy.cut(),
        restore: async () => proxy.restore(),
      };
    }
    if (scope === 'all') {
      // the whole cluster crashes, and comes back from its config files (slots and all)
      return { opts: {}, cut: () => cluster.kill(), restore: () => cluster.restart() };
    }
    // every node reaches the cluster through the proxies its servers announce: one node's
    // connections are dropped there, and refused until restored
    return {
      opts: {},
      cut: async (nodes) => {
        for (const proxy of cluster.proxies) for (const n of nodes) proxy.cutProcess(n.child.pid!);
      },
      restore: async () => {
        for (const proxy of cluster.proxies) proxy.restore();
      },
    };
  }

  it('Redis away: nodes stay up, refuse changes with unavailable, report it, and recover by themselves', async () => {
    const redis = await redisOutage('all');
    const { a, b, room, sender, watchA, watchB, leaver, noFalseLeave } = await setUp(redis.opts);
    const chatter = new Chatter(sender);
    chatter.start();
    await waitFor('messages before the outage', () => chatter.acked() >= 5);

    await redis.cut([a, b]);
    await bothHealth([a, b], 503, { ok: false, bus: false, storage: true });
    watchB.call('create_room', { name: 'refused' });
    const error = await watchB.error();
    expect(error).toMatchObject({ message: 'unavailable', call: 'create_room' });
    expect(error.detail).toMatch(/other nodes/);
    // answered from storage alone: still works
    const listed = watchB.call('list_rooms', {});
    await watchB.next('rooms_listed', (p) => p.id === listed);
    // resuming must end the older session wherever it is: refused while the bus is away
    const resume = await TestClient.open(b.url, { token: watchA.token });
    expect(await resume.error()).toMatchObject({ message: 'unavailable' });
    expect(await resume.closed).toBe(1011);
    // a leave during the outage is announced once the bus is back
    await leaver.close();
    await sleep(1000);

    await redis.restore();
    await bothHealth([a, b], 200, { ok: true, bus: true, storage: true });
    await recovered(chatter, watchB, room);

    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await expectNothingLost(chatter, [sender, watchA, watchB], /other nodes/);
    noFalseLeave();
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it('Redis away from one node only: the others go on, and when it returns its clients get the rooms and drawings they missed', async () => {
    const redis = await redisOutage('one');
    const [a, b] = await Promise.all([suite.start('A-alone', redis.opts), suite.start('B-alone')]);
    const [inRoomA, lobbyA, onB] = [await connect(a), await connect(a), await connect(b)];
    onB.call('create_room', { name: 'before' });
    const room = (await onB.next('room_created')).object.uuid;
    await lobbyA.next('room_created', (p) => p.object.uuid === room);
    for (const c of [inRoomA, onB]) {
      c.call('enter_room', { uuid: room });
      await c.next('drawing_got');
    }
    await inRoomA.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 2);

    await redis.cut([a]);
    await waitFor('A without its bus', async () => (await health(a.url)).body.bus === false);
    expect(await health(b.url)).toMatchObject({ status: 200 });
    // B goes on: a new room, a rename, a line and a message that A's clients cannot hear of
    onB.call('create_room', { name: 'made while A was away' });
    const made = (await onB.next('room_created')).object;
    onB.call('change_name', { uuid: room, name: 'renamed while A was away' });
    await onB.next('room_changed', (p) => p.object.name === 'renamed while A was away');
    const drawn = {
      uuid: crypto.randomUUID(),
      name: 'l',
      points: [1, 2, 3, 4],
      tool: 'pen',
      color: '#000000',
    };
    onB.call('change_draw_line', drawn);
    await onB.next('draw_line_changed');
    onB.call('create_message', { body: 'said while A was away' });
    await onB.next('message_created');
    await sleep(300);
    expect(
      inRoomA
        .pending('room_changed')
        .some((f) => (f.payload as { object: Room }).object.name === 'renamed while A was away'),
    ).toBe(false);
    expect(lobbyA.pending('room_created')).toHaveLength(0);

    await redis.restore();
    const listed = await lobbyA.next('rooms_listed', (p) => p.id === undefined, 15_000);
    expect(listed.list.map((r) => r.uuid)).toEqual(expect.arrayContaining([made.uuid, room]));
    expect(listed.list.find((r) => r.uuid === room)?.name).toBe('renamed while A was away');
    const changed = await inRoomA.next(
      'room_changed',
      (p) => p.object.name === 'renamed while A was away',
    );
    expect(changed.object.user_count).toBe(2);
    const drawing = await inRoomA.next('drawing_got', (p) => p.object.room_uuid === room);
    expect(drawing.object.lines.map((l) => l.uuid)).toEqual([drawn.uuid]);
    const message = await inRoomA.next(
      'message_created',
      (p) => p.object.body === 'said while A was away',
    );
    expect(message.object.seq).toBe(1);
    // the room list a client in a room holds is fresh too
    expect(
      (await inRoomA.next('rooms_listed', (p) => p.id === undefined)).list.map((r) => r.uuid),
    ).toContain(made.uuid);
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  // a Redis Cluster also fails a shard at a time, while the others serve on
  if (setup === 'redis-cluster') {
    it('one shard of the cluster away: the nodes that hear a channel on it refuse changes, report it, and recover by themselves', async () => {
      const cluster = suite.deployment.own.redisCluster!;
      const { a, b, room, sender, watchA, watchB, leaver, noFalseLeave } = await setUp({});
      const shard = await cluster.serverOf(`${suite.deployment.schema}:${roomTopic(room)}`);
      const chatter = new Chatter(sender);
      chatter.start();
      await waitFor('messages before the outage', () => chatter.acked() >= 5);

      await cluster.kill([shard]);
      // both hear the room's channel, on that shard
      await bothHealth([a, b], 503, { ok: false, bus: false, storage: true });
      watchB.call('create_room', { name: 'refused' });
      expect(await watchB.error()).toMatchObject({ message: 'unavailable', call: 'create_room' });
      await leaver.close();
      await sleep(1000);

      await cluster.restart([shard]);
      await bothHealth([a, b], 200, { ok: true, bus: true, storage: true });
      await recovered(chatter, watchB, room);

      await expectNothingLost(chatter, [sender, watchA, watchB], /other nodes/);
      noFalseLeave();
      await Promise.all([a.stop(), b.stop()]);
    }, 60_000);
  }
});
