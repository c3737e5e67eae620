import { describe, expect, it } from 'vitest';
import type { Room } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import { clusterServicesOrSkip, health, SETUPS, waitFor } from '../helpers/cluster.ts';
import {
  Chatter,
  expectNothingLost,
  LEASE_MS,
  LEASE_TICK_MS,
  outageSuite,
  sleep,
  type Outage,
} from './outageSuite.ts';

const services = clusterServicesOrSkip();

describe.skipIf(!services).each(SETUPS)('outages of PostgreSQL (%s)', (setup) => {
  const suite = outageSuite(services!, setup);
  const { connect, setUp, bothHealth } = suite;

  /** PostgreSQL taken away from every node of a test, or from one. */
  async function postgresOutage(scope: 'all' | 'one'): Promise<Outage> {
    const upstream = suite.deployment.own.pgbouncer?.upstream;
    if (upstream && scope === 'all') {
      // PostgreSQL away behind PgBouncer: the nodes' connections to PgBouncer stay up
      return { opts: {}, cut: async () => upstream.cut(), restore: async () => upstream.restore() };
    }
    // a proxy between the nodes started through it and what they connect to: PostgreSQL, or
    // PgBouncer (one node cut off from it, the others not)
    const storage = suite.deployment.storage();
    const proxy = await suite.proxyTo(storage, 5432);
    return {
      opts: { storage: proxy.route(storage) },
      cut: async () => proxy.cut(),
      restore: async () => proxy.restore(),
    };
  }

  it('PostgreSQL away longer than a lease: nodes stay up, answer unavailable, report it, and recover by themselves', async () => {
    const postgres = await postgresOutage('all');
    const { a, b, room, sender, watchA, watchB, leaver, noFalseLeave } = await setUp(postgres.opts);
    const chatter = new Chatter(sender);
    chatter.start();
    await waitFor('messages before the outage', () => chatter.acked() >= 5);

    await postgres.cut([a, b]);
    await bothHealth([a, b], 503, { ok: false, bus: true, storage: false });
    watchB.call('create_room', { name: 'refused' });
    const error = await watchB.error();
    expect(error).toMatchObject({ message: 'unavailable', call: 'create_room' });
    expect(error.detail).toMatch(/database/);
    // a new connection cannot get a user: told so, then closed
    const refused = await TestClient.open(b.url);
    expect(await refused.error(10_000)).toMatchObject({ message: 'unavailable' });
    expect(await refused.closed).toBe(1011);
    // a leave during the outage is made once the database is back
    await leaver.close();
    // every lease lapses meanwhile (the last renewals were at most a lease ago): no node may
    // take the others for dead afterwards
    await sleep(LEASE_MS + LEASE_TICK_MS);
    // through PgBouncer a room's batch of messages may wait for a server until its
    // query_wait_timeout (helpers/pgbouncer.ts) before it fails
    await waitFor('a message refused', () => chatter.refused() > 0, 10_000);

    await postgres.restore();
    await bothHealth([a, b], 200, { ok: true, bus: true, storage: true });
    const before = chatter.acked();
    await waitFor('messages after the outage', () => chatter.acked() >= before + 5, 15_000);
    await chatter.stop();
    await watchB.next(
      'room_changed',
      (p) => p.object.uuid === room && p.object.user_count === 3,
      10_000,
    );
    // a node reaps once it has been well for a lease, at a renewal (the first within a tick of
    // the database's return): after that, nobody was reaped by mistake
    await sleep(LEASE_MS + 2 * LEASE_TICK_MS);

    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await expectNothingLost(chatter, [sender, watchA, watchB], /database/);
    noFalseLeave();
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it('a node cut off from PostgreSQL for longer than its lease is taken for dead, and puts its users back when it returns', async () => {
    const postgres = await postgresOutage('one');
    const args = ['--lease-ms', String(LEASE_MS)];
    const [a, b] = await Promise.all([
      suite.start('A-cut', { ...postgres.opts, args }),
      suite.start('B-whole', { args }),
    ]);
    const [onA, onB] = [await connect(a), await connect(b)];
    onB.call('create_room', { name: 'partition' });
    const room = (await onB.next('room_created')).object.uuid;
    for (const c of [onA, onB]) {
      c.call('enter_room', { uuid: room });
      await c.next('drawing_got');
    }
    const count = (n: number) => (p: { object: Room }) =>
      p.object.uuid === room && p.object.user_count === n;
    await onB.next('room_changed', count(2));
    onB.drain();

    await postgres.cut([a]);
    // B takes A for dead once A's lease ends
    const gone = await onB.next('room_changed', count(1), 10_000);
    expect(gone.object.users.map((u) => u.uuid)).toEqual([onB.user.uuid]);
    expect(await health(a.url)).toMatchObject({ status: 503, body: { storage: false } });

    await postgres.restore();
    const back = await onB.next('room_changed', count(2), 10_000);
    expect(back.object.users.map((u) => u.uuid).sort()).toEqual(
      [onA.user.uuid, onB.user.uuid].sort(),
    );
    // A's user never noticed: still connected, still in the room
    expect(onA.closeCode).toBeUndefined();
    onA.call('create_message', { body: 'I am back' });
    expect((await onB.next('message_created')).object.body).toBe('I am back');
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);
});
