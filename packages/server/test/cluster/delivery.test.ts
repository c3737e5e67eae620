import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import {
  SETUPS,
  clusterServicesOrSkip,
  openDeployment,
  type Deployment,
  waitFor,
  type NodeProcess,
} from '../helpers/cluster.ts';

const services = clusterServicesOrSkip();

const CLIENTS_PER_NODE = 10;
const MESSAGES_EACH = 100;
const TOTAL = 2 * CLIENTS_PER_NODE * MESSAGES_EACH;

/** The message_created frames a client received, in arrival order. */
function created(c: TestClient): { object: Message; id?: string }[] {
  return c.received.flatMap((f) =>
    f.type === 'result' && f.payload.message === 'message_created'
      ? [f.payload as { object: Message; id?: string }]
      : [],
  );
}

describe.skipIf(!services).each(SETUPS)('two nodes on PostgreSQL and Redis (%s)', (setup) => {
  let deployment: Deployment;
  let nodes: NodeProcess[];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    deployment = await openDeployment(services!, setup);
    nodes = await Promise.all([deployment.start('A'), deployment.start('B')]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await deployment?.dispose();
  });

  it(`delivers ${TOTAL} messages sent at once from ${2 * CLIENTS_PER_NODE} clients to every client exactly once, in seq order`, async () => {
    for (const node of nodes) {
      for (let i = 0; i < CLIENTS_PER_NODE; i++) clients.push(await TestClient.connect(node.url));
    }
    const first = clients[0]!;
    first.call('create_room', { name: 'busy' });
    const room = (await first.next('room_created')).object.uuid;
    await Promise.all(
      clients.map(async (c) => {
        c.call('enter_room', { uuid: room });
        await c.next('drawing_got', () => true, 10_000);
      }),
    );

    const started = Date.now();
    for (const c of clients) {
      for (let i = 0; i < MESSAGES_EACH; i++) {
        c.call('create_message', { body: `${c.user.uuid} ${i}` }, `m${i}`);
      }
    }
    await waitFor(
      `${TOTAL} messages at every client`,
      () => clients.every((c) => created(c).length >= TOTAL),
      60_000,
    );
    const elapsed = Date.now() - started;
    // anything doubled would be on its way by now
    await new Promise((r) => setTimeout(r, 300));

    const all = Array.from({ length: TOTAL }, (_, i) => i + 1);
    for (const c of clients) {
      const frames = created(c);
      expect(frames.map((f) => f.object.seq)).toEqual(all);
      // its own 200, each acknowledged once with its call id, in the order sent
      const own = frames.filter((f) => f.id !== undefined);
      expect(own.map((f) => f.id)).toEqual(
        Array.from({ length: MESSAGES_EACH }, (_, i) => `m${i}`),
      );
      expect(own.map((f) => f.object.body)).toEqual(
        Array.from({ length: MESSAGES_EACH }, (_, i) => `${c.user.uuid} ${i}`),
      );
      expect(c.received.filter((f) => f.type === 'error')).toEqual([]);
    }
    let fills = 0;
    for (const n of nodes) {
      const metrics = await (await fetch(`${n.url}/metrics`)).text();
      fills += Number(/^chat_gap_fills_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    }
    console.log(
      `cluster: ${TOTAL} messages to ${clients.length} clients on 2 nodes in ${elapsed} ms; ${fills} filled from storage`,
    );
  }, 90_000);
});
