import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import {
  SETUPS,
  clusterServicesOrSkip,
  openDeployment,
  type Deployment,
  type NodeProcess,
} from '../helpers/cluster.ts';

const services = clusterServicesOrSkip();

/** Events a node received from the bus so far (its /metrics). */
async function busEvents(node: NodeProcess): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('chat_bus_received_total '));
  return Number(line?.split(' ')[1]);
}

/** The seqs of the messages a client was given: its history pages and live ones, in order. */
function seqsSeen(c: TestClient, room: string): number[] {
  return c.received.flatMap((f) => {
    if (f.type !== 'result') return [];
    const p = f.payload;
    if (p.message === 'messages_listed' && p.room_uuid === room) return p.list.map((m) => m.seq);
    if (p.message === 'message_created' && p.object.room_uuid === room) return [p.object.seq];
    return [];
  });
}

/** Events routed by topic: a node hears a room's events only while one of its connections is in it. */
describe.skipIf(!services).each(SETUPS)('events routed by topic, on two nodes (%s)', (setup) => {
  let deployment: Deployment;
  let a: NodeProcess;
  let b: NodeProcess;
  const clients: TestClient[] = [];

  async function connect(node: NodeProcess): Promise<TestClient> {
    const c = await TestClient.connect(node.url);
    clients.push(c);
    return c;
  }

  async function enter(c: TestClient, room: string): Promise<void> {
    c.call('enter_room', { uuid: room });
    await c.next('drawing_got');
  }

  beforeAll(async () => {
    deployment = await openDeployment(services!, setup);
    // a room's count goes to the lobby once a second, as by default (tests shorten it elsewhere)
    const args = ['--room-change-interval-ms', '1000'];
    [a, b] = await Promise.all([deployment.start('A', { args }), deployment.start('B', { args })]);
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await deployment?.dispose();
  });

  it("a node with nobody in a room does not receive the room's messages; it does once someone enters", async () => {
    const [talker, listener] = [await connect(a), await connect(a)];
    const lobbyOnB = await connect(b);
    talker.call('create_room', { name: 'busy on A' });
    const room = (await talker.next('room_created')).object.uuid;
    for (const c of [talker, listener]) await enter(c, room);
    const before = await busEvents(b);
    const N = 60;
    for (let i = 0; i < N; i++) talker.call('create_message', { body: `m${i}` });
    await listener.next('message_created', (p) => p.object.body === `m${N - 1}`);
    // B hears the lobby (the room's count, at most one change a second), not the messages
    const heard = (await busEvents(b)) - before;
    expect(heard).toBeLessThan(N / 2);
    expect(lobbyOnB.pending('message_created')).toEqual([]);

    // once its client is in the room, B hears every message
    const inside = await connect(b);
    await enter(inside, room);
    const entered = await busEvents(b);
    talker.call('create_message', { body: 'now B hears' });
    expect((await inside.next('message_created')).object.body).toBe('now B hears');
    expect((await busEvents(b)) - entered).toBeGreaterThanOrEqual(1);
  });

  it("a room's moving count reaches a node only while someone there is in no room (the room list)", async () => {
    const c = await deployment.start('C', { args: ['--room-change-interval-ms', '200'] });
    const talker = await connect(a);
    talker.call('create_room', { name: 'counted' });
    const room = (await talker.next('room_created')).object.uuid;
    await enter(talker, room);
    // C's one client is in a room of its own: C shows no room list
    const elsewhere = await connect(c);
    elsewhere.call('create_room', { name: 'elsewhere' });
    const own = (await elsewhere.next('room_created')).object.uuid;
    await enter(elsewhere, own);
    // the rooms of the tests before settle (a trailing room_changed comes within the interval)
    let settled = await busEvents(c);
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_100));
      const now = await busEvents(c);
      if (now === settled) break;
      settled = now;
    }
    const send = async (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        talker.call('create_message', { body: `${tag}${i}` });
        await talker.next('message_created', (p) => p.object.body === `${tag}${i}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const before = settled;
    await send(20, 'unseen');
    await new Promise((r) => setTimeout(r, 1_200)); // a trailing count would have come by now
    expect((await busEvents(c)) - before).toBe(0);

    // back in the lobby, it is shown the room's count as it moves
    elsewhere.call('leave_room', {});
    await elsewhere.next('room_left');
    elsewhere.drain();
    await send(5, 'seen');
    const changed = await elsewhere.next(
      'room_changed',
      (p) => p.object.uuid === room && p.object.sum >= 21,
    );
    expect(changed.object.sum).toBeLessThanOrEqual(25);
  });

  it('a client entering on a node new to the room while messages flow misses none and gets none twice', async () => {
    const talker = await connect(a);
    talker.call('create_room', { name: 'flowing' });
    const room = (await talker.next('room_created')).object.uuid;
    await enter(talker, room);
    const N = 300;
    let sent = 0;
    const flow = (async () => {
      // a steady stream, a few at a time, so that B's subscription lands in its middle
      while (sent < N) {
        for (let i = 0; i < 5 && sent < N; i++)
          talker.call('create_message', { body: `f${sent++}` });
        await talker.next('message_created', (p) => p.object.body === `f${sent - 1}`);
      }
    })();
    while (sent < N / 3) await new Promise((r) => setTimeout(r, 5));
    const newcomer = await connect(b);
    await enter(newcomer, room);
    await flow;
    await newcomer.next(
      'message_created',
      (p: { object: Message }) => p.object.body === `f${N - 1}`,
    );
    const seqs = seqsSeen(newcomer, room);
    expect(seqs[0]).toBeLessThan(N / 2);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(seqs.at(-1)).toBe(N);
  });
});
