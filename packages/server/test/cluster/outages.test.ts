import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Room } from '@chat/protocol';
import { TestClient } from '../helpers/client.ts';
import {
  clusterServicesOrSkip,
  Deployment,
  health,
  waitFor,
  type NodeProcess,
} from '../helpers/cluster.ts';
import { targetOf, TcpProxy } from '../helpers/proxy.ts';

const services = clusterServicesOrSkip();

const LEASE_MS = 1500;
type Frame = TestClient['received'][number];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a message every few milliseconds, through an outage and after it. */
class Chatter {
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
}

function created(c: TestClient): Message[] {
  return c.received.flatMap((f) =>
    f.type === 'result' && f.payload.message === 'message_created'
      ? [(f.payload as { object: Message }).object]
      : [],
  );
}

/** The whole history of the client's room, in seq order. */
async function history(c: TestClient): Promise<Message[]> {
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
async function expectNothingLost(
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

describe.skipIf(!services)('outages of Redis and PostgreSQL', () => {
  let deployment: Deployment;
  const proxies: TcpProxy[] = [];
  const clients: TestClient[] = [];

  beforeAll(() => {
    deployment = new Deployment(services!);
  });
  afterAll(async () => {
    for (const c of clients) c.ws.terminate();
    await deployment?.dispose();
    await Promise.all(proxies.map((p) => p.close()));
  });

  async function connect(node: NodeProcess): Promise<TestClient> {
    const c = await TestClient.connect(node.url);
    clients.push(c);
    return c;
  }

  /** Two nodes, four clients in one room: a sender and a watcher on A, a watcher and a leaver on B. */
  async function setUp(opts: { storage?: string; bus?: string }) {
    const args = ['--lease-ms', String(LEASE_MS)];
    const [a, b] = await Promise.all([
      deployment.start(`A-${proxies.length}`, { ...opts, args }),
      deployment.start(`B-${proxies.length}`, { ...opts, args }),
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

  it('Redis away: nodes stay up, refuse changes with unavailable, report it, and recover by themselves', async () => {
    const redis = await TcpProxy.start(targetOf(services!.redisUrl, 6379));
    proxies.push(redis);
    const { a, b, room, sender, watchA, watchB, leaver, noFalseLeave } = await setUp({
      bus: deployment.bus(redis.route(services!.redisUrl)),
    });
    const chatter = new Chatter(sender);
    chatter.start();
    await waitFor('messages before the outage', () => chatter.acked() >= 5);

    redis.cut();
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

    redis.restore();
    await bothHealth([a, b], 200, { ok: true, bus: true, storage: true });
    const before = chatter.acked();
    await waitFor('messages after the outage', () => chatter.acked() >= before + 5);
    await chatter.stop();
    await watchB.next(
      'room_changed',
      (p) => p.object.uuid === room && p.object.user_count === 3,
      10_000,
    );

    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await expectNothingLost(chatter, [sender, watchA, watchB], /other nodes/);
    noFalseLeave();
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it('Redis away from one node only: the others go on, and when it returns its clients get the rooms and drawings they missed', async () => {
    const redis = await TcpProxy.start(targetOf(services!.redisUrl, 6379));
    proxies.push(redis);
    const [a, b] = await Promise.all([
      deployment.start('A-alone', { bus: deployment.bus(redis.route(services!.redisUrl)) }),
      deployment.start('B-alone'),
    ]);
    const [inRoomA, lobbyA, onB] = [await connect(a), await connect(a), await connect(b)];
    onB.call('create_room', { name: 'before' });
    const room = (await onB.next('room_created')).object.uuid;
    await lobbyA.next('room_created', (p) => p.object.uuid === room);
    for (const c of [inRoomA, onB]) {
      c.call('enter_room', { uuid: room });
      await c.next('drawing_got');
    }
    await inRoomA.next('room_changed', (p) => p.object.uuid === room && p.object.user_count === 2);

    redis.cut();
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

    redis.restore();
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

  it('PostgreSQL away longer than a lease: nodes stay up, answer unavailable, report it, and recover by themselves', async () => {
    const postgres = await TcpProxy.start(targetOf(services!.databaseUrl, 5432));
    proxies.push(postgres);
    const { a, b, room, sender, watchA, watchB, leaver, noFalseLeave } = await setUp({
      storage: deployment.storage(postgres.route(services!.databaseUrl)),
    });
    const chatter = new Chatter(sender);
    chatter.start();
    await waitFor('messages before the outage', () => chatter.acked() >= 5);

    postgres.cut();
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
    // every lease lapses meanwhile: no node may take the others for dead afterwards
    await sleep(2 * LEASE_MS);

    postgres.restore();
    await bothHealth([a, b], 200, { ok: true, bus: true, storage: true });
    const before = chatter.acked();
    await waitFor('messages after the outage', () => chatter.acked() >= before + 5, 15_000);
    await chatter.stop();
    await watchB.next(
      'room_changed',
      (p) => p.object.uuid === room && p.object.user_count === 3,
      10_000,
    );
    // a lease later, nobody was reaped by mistake
    await sleep(2 * LEASE_MS);

    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await expectNothingLost(chatter, [sender, watchA, watchB], /database/);
    noFalseLeave();
    await Promise.all([a.stop(), b.stop()]);
  }, 60_000);

  it('a node cut off from PostgreSQL for longer than its lease is taken for dead, and puts its users back when it returns', async () => {
    const postgres = await TcpProxy.start(targetOf(services!.databaseUrl, 5432));
    proxies.push(postgres);
    const args = ['--lease-ms', String(LEASE_MS)];
    const [a, b] = await Promise.all([
      deployment.start('A-cut', {
        storage: deployment.storage(postgres.route(services!.databaseUrl)),
        args,
      }),
      deployment.start('B-whole', { args }),
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

    postgres.cut();
    // B takes A for dead once A's lease ends
    const gone = await onB.next('room_changed', count(1), 10_000);
    expect(gone.object.users.map((u) => u.uuid)).toEqual([onB.user.uuid]);
    expect(await health(a.url)).toMatchObject({ status: 503, body: { storage: false } });

    postgres.restore();
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
