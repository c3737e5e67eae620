import { afterAll, beforeAll, expect } from 'vitest';
import type { Message, Room } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import {
  health,
  openDeployment,
  waitFor,
  type ClusterServices,
  type Deployment,
  type NodeProcess,
  type Setup,
} from '../helpers/cluster.ts';
import { targetOf, TcpProxy } from '../helpers/proxy.ts';

export const LEASE_MS = 1500;
/** Nodes renew their leases every third of a lease (Presence). */
export const LEASE_TICK_MS = LEASE_MS / 3;
type Frame = TestClient['received'][number];
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a message every few milliseconds, through an outage and after it. */
export class Chatter {
  readonly ids: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly client: TestClient) {}

  start(): void {
    this.timer = setInterval(() => {
      const id = `chat-${this.ids.length}`;
      this.ids.push(id);
      this.client.call('create_message', { body: id }, id);
    }, 20);
  }

  /** Stops sending; resolves once every call sent is answered. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.client.sync();
    // a message's answer is its copy coming back through the bus (and in seq order), so it
    // may follow the answer of a later read
    await waitFor('an answer to every message call', () =>
      [...this.answers().values()].every((frames) => frames.length > 0),
    );
  }

  /** The message_created or error frames that answer each message call, by call id. */
  answers(): Map<string, Frame[]> {
    const byId = new Map<string, Frame[]>(this.ids.map((id) => [id, []]));
    for (const f of this.client.received) {
      if (f.type === 'result' && f.payload.message !== 'message_created') continue;
      const id = (f.payload as { id?: string }).id;
      if (id !== undefined) byId.get(id)?.push(f);
    }
    return byId;
  }

  acked(): number {
    return [...this.answers().values()].filter((a) => a[0]?.type === 'result').length;
  }

  refused(): number {
    return [...this.answers().values()].filter((a) => a[0]?.type === 'error').length;
  }
}

export function created(c: TestClient): Message[] {
  return c.received.flatMap((f) =>
    f.type === 'result' && f.payload.message === 'message_created'
      ? [(f.payload as { object: Message }).object]
      : [],
  );
}

/** The whole history of the client's room, in seq order. */
export async function history(c: TestClient): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const id = c.call('list_messages', { after: all.length, limit: 200 });
    const page = await c.next('messages_listed', (p) => p.id === id);
    all.push(...page.list);
    if (!page.has_more) return all;
  }
}

/**
 * Nothing acknowledged was lost: every message call got exactly one answer (its
 * message_created, or `unavailable`), every acknowledged message is stored, and every
 * watcher received every stored message exactly once, in seq order.
 */
export async function expectNothingLost(
  chatter: Chatter,
  watchers: TestClient[],
  detail: RegExp,
): Promise<void> {
  const answers = chatter.answers();
  const acked = new Set<string>();
  let refused = 0;
  for (const [id, frames] of answers) {
    expect(frames, id).toHaveLength(1);
    const f = frames[0]!;
    if (f.type === 'result') {
      expect(f.payload.message).toBe('message_created');
      acked.add(id);
    } else {
      expect(f.payload).toMatchObject({ message: 'unavailable', call: 'create_message', id });
      expect(f.payload.detail).toMatch(detail);
      refused++;
    }
  }
  expect(refused).toBeGreaterThan(0);
  const stored = await history(chatter.client);
  const bodies = new Set(stored.map((m) => m.body));
  for (const id of acked) expect(bodies.has(id), `acknowledged ${id} is stored`).toBe(true);
  const seqs = stored.map((_, i) => i + 1);
  expect(stored.map((m) => m.seq)).toEqual(seqs);
  for (const w of watchers) {
    await waitFor('every stored message at a watcher', () => created(w).length >= stored.length);
    expect(created(w).map((m) => m.seq)).toEqual(seqs);
  }
}

/**
 * A service taken away from nodes, and given back: PostgreSQL or Redis, from every node of
 * a test or from one, in the way that fits the setup (see the test files).
 */
export interface Outage {
  /** What the nodes that lose it are started with (`--bus`, `--storage`); none: the deployment's own. */
  opts: { bus?: string; storage?: string };
  /** Takes it away from `nodes` (the ones started with `opts`). */
  cut(nodes: NodeProcess[]): Promise<void>;
  restore(): Promise<void>;
}

/**
 * What the outage tests of a file share: their deployment on `setup` (its own services
 * behind proxies a test can cut), the proxies they start, and the clients they connect, all
 * let go after the file.
 */
export function outageSuite(services: ClusterServices, setup: Setup) {
  const proxies: TcpProxy[] = [];
  const clients: TestClient[] = [];
  let deployment: Deployment | undefined;
  let started = 0;
  beforeAll(async () => {
    deployment = await openDeployment(services, setup, { proxied: true });
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await deployment?.dispose();
    await Promise.all(proxies.map((p) => p.close()));
  });

  /** A proxy to `url`'s host and port, closed after the file. */
  async function proxyTo(url: string, defaultPort: number): Promise<TcpProxy> {
    const proxy = await TcpProxy.start(targetOf(url, defaultPort));
    proxies.push(proxy);
    return proxy;
  }

  async function connect(node: NodeProcess): Promise<TestClient> {
    const c = await TestClient.connect(node.url);
    clients.push(c);
    return c;
  }

  /** Starts a node with a name of its own in the file. */
  function start(name: string, opts: { storage?: string; bus?: string; args?: string[] } = {}) {
    return suite.deployment.start(`${name}-${started++}`, opts);
  }

  /** Two nodes, four clients in one room: a sender and a watcher on A, a watcher and a leaver on B. */
  async function setUp(opts: { storage?: string; bus?: string }) {
    const args = ['--lease-ms', String(LEASE_MS)];
    const [a, b] = await Promise.all([
      start('A', { ...opts, args }),
      start('B', { ...opts, args }),
    ]);
    const [sender, watchA, watchB, leaver] = [
      await connect(a),
      await connect(a),
      await connect(b),
      await connect(b),
    ];
    sender.call('create_room', { name: 'through the outage' });
    const room = (await sender.next('room_created')).object.uuid;
    for (const c of [sender, watchA, watchB, leaver]) {
      c.call('enter_room', { uuid: room });
      await c.next('drawing_got');
    }
    await watchB.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 4);
    const staying = [sender, watchA, watchB].map((c) => c.user.uuid);
    const from = watchB.received.length;
    /** No room_changed since all entered showed a connected user out of the room. */
    const noFalseLeave = () => {
      for (const f of watchB.received.slice(from)) {
        if (f.type !== 'result' || f.payload.message !== 'room_changed') continue;
        const r = (f.payload as { object: Room }).object;
        if (r.uuid !== room) continue;
        const inRoom = r.users.map((u) => u.uuid);
        for (const u of staying) expect(inRoom, 'a connected user left').toContain(u);
      }
    };
    return { a, b, room, sender, watchA, watchB, leaver, noFalseLeave };
  }

  async function bothHealth(nodes: NodeProcess[], status: number, body: object): Promise<void> {
    await waitFor(
      `/healthz ${status} ${JSON.stringify(body)}`,
      async () => {
        for (const n of nodes) {
          const h = await health(n.url);
          if (
            h.status !== status ||
            !Object.entries(body).every(([k, v]) => h.body[k as 'ok'] === v)
          )
            return false;
        }
        return true;
      },
      15_000,
    );
  }

  const suite = {
    get deployment(): Deployment {
      if (!deployment) throw new Error('the deployment is opened before the tests');
      return deployment;
    },
    proxyTo,
    connect,
    start,
    setUp,
    bothHealth,
  };
  return suite;
}
