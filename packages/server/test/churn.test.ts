import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { TestClient } from './helpers/client.ts';
import { testServer, type TestServer } from './helpers/server.ts';

/**
 * Convergence under churn: clients chat and draw while each, at random steps, drops and
 * comes back with its token, re-enters the room and fills the gap with list_messages {after}.
 * At the end every client's history and drawing equal the server's, nothing missing or doubled.
 */

type Action =
  | { kind: 'say'; who: number }
  | { kind: 'line'; who: number }
  | { kind: 'stroke'; who: number; chunks: number }
  | { kind: 'undo'; who: number }
  | { kind: 'drop'; who: number };

/**
 * Runs that once failed, replayed first (fast-check's seed and path). Seed 648, run 72 caught
 * the check itself reading a client's drawing before other clients' last strokes had reached
 * it (the runs either side are replayed too, in case the count was from 1).
 */
const REGRESSIONS: { seed: number; path: string }[] = [
  { seed: 648, path: '71' },
  { seed: 648, path: '72' },
];

class Member {
  client!: TestClient;
  readonly history = new Map<number, Message>();
  readonly lines = new Map<string, number[]>();
  readonly mine: string[] = [];
  duplicates = 0;
  private seen = 0;
  private n = 0;

  constructor(
    private readonly url: string,
    readonly index: number,
    private readonly room: string,
  ) {}

  async join(token?: string): Promise<void> {
    this.client = await TestClient.connect(this.url, token ? { token } : {});
    this.seen = this.client.received.length;
    this.client.call('enter_room', { uuid: this.room });
    const page = await this.client.next('messages_listed');
    const drawing = await this.client.next('drawing_got');
    const lastBefore = Math.max(0, ...this.history.keys());
    for (const m of page.list) this.history.set(m.seq, m);
    this.lines.clear();
    for (const l of drawing.object.lines) this.lines.set(l.uuid, [...l.points]);
    // fill the gap between what was seen before the drop and the page just received
    let after = lastBefore;
    for (;;) {
      this.client.call('list_messages', { after, limit: 200 });
      const fill = await this.client.next('messages_listed', (p) => p.id !== undefined);
      for (const m of fill.list) this.history.set(m.seq, m);
      if (!fill.has_more || fill.list.length === 0) break;
      after = fill.list.at(-1)!.seq;
    }
  }

  /** Applies the live frames received since the last call. */
  absorb(): void {
    const frames = this.client.received.slice(this.seen);
    this.seen = this.client.received.length;
    for (const f of frames) {
      const p = f.payload;
      if (p.message === 'message_created') {
        if (this.liveSeqs.has(p.object.seq)) this.duplicates++;
        this.liveSeqs.add(p.object.seq);
        this.history.set(p.object.seq, p.object);
      } else if (p.message === 'draw_line_changed')
        this.lines.set(p.object.uuid, [...p.object.points]);
      else if (p.message === 'draw_points_appended')
        this.lines.set(p.uuid, [...(this.lines.get(p.uuid) ?? []), ...p.points]);
      else if (p.message === 'draw_line_deleted') this.lines.delete(p.uuid);
      else if (p.message === 'drawing_got' && p.id === undefined) {
        this.lines.clear();
        for (const l of p.object.lines) this.lines.set(l.uuid, [...l.points]);
      }
    }
  }
  private liveSeqs = new Set<number>();

  async act(a: Action): Promise<void> {
    const c = this.client;
    const uuid = randomUUID();
    this.n++;
    if (a.kind === 'say') c.call('create_message', { body: `${this.index}:${this.n}` });
    else if (a.kind === 'line') {
      c.call('change_draw_line', {
        uuid,
        points: [this.n, 1, this.n, 2],
        color: '#000',
        tool: 'pen',
      });
      this.mine.push(uuid);
    } else if (a.kind === 'stroke') {
      const all: number[] = [];
      for (let k = 0; k < a.chunks; k++) {
        const pts = [k, this.index, k + 1, this.index];
        all.push(...pts);
        c.call('append_draw_points', {
          uuid,
          points: pts,
          ...(k === 0 ? { color: '#f00', tool: 'pen' } : {}),
        });
      }
      c.call('change_draw_line', { uuid, points: all, color: '#f00', tool: 'pen' });
      this.mine.push(uuid);
    } else if (a.kind === 'undo') {
      const last = this.mine.pop();
      if (last) c.call('delete_draw_line', { uuid: last });
    } else {
      await c.sync();
      this.absorb();
      await c.close();
      this.liveSeqs.clear();
      await this.join(c.token);
    }
  }
}

describe('convergence under churn', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer('sqlite');
  });
  afterAll(async () => {
    await server.dispose();
  });

  const action = (clients: number) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ kind: fc.constant('say' as const), who: fc.nat(clients - 1) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant('line' as const), who: fc.nat(clients - 1) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('stroke' as const),
          who: fc.nat(clients - 1),
          chunks: fc.integer({ min: 1, max: 6 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('undo' as const), who: fc.nat(clients - 1) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant('drop' as const), who: fc.nat(clients - 1) }),
      },
    );
  const scenario = fc.integer({ min: 4, max: 8 }).chain((clients) =>
    fc.record({
      clients: fc.constant(clients),
      steps: fc.array(action(clients), { minLength: 20, maxLength: 80 }),
    }),
  );

  async function run({ clients, steps }: { clients: number; steps: Action[] }): Promise<void> {
    const admin = await TestClient.connect(server.url);
    admin.call('create_room', { name: 'churn' });
    const room = (await admin.next('room_created')).object.uuid;
    const members = Array.from({ length: clients }, (_, i) => new Member(server.url, i, room));
    for (const m of members) await m.join();
    // several actions in flight at once, from different clients
    for (let i = 0; i < steps.length; i += 3) {
      const batch = steps.slice(i, i + 3);
      const byMember = new Map<number, Action[]>();
      for (const a of batch) byMember.set(a.who, [...(byMember.get(a.who) ?? []), a]);
      await Promise.all(
        [...byMember].map(async ([who, actions]) => {
          for (const a of actions) await members[who]!.act(a);
        }),
      );
    }
    // every call handled (one round trip each) ...
    await Promise.all(members.map((m) => m.client.sync()));
    // ... then a second round trip: every broadcast they caused is now in each socket
    for (const m of members) {
      await m.client.sync();
      m.absorb();
    }
    // the server's truth, read by a fresh client
    admin.call('enter_room', { uuid: room });
    const drawing = (await admin.next('drawing_got')).object;
    const truth: Message[] = [];
    for (let after = 0; ;) {
      admin.call('list_messages', { after, limit: 200 });
      const page = await admin.next('messages_listed', (p) => p.id !== undefined);
      truth.push(...page.list);
      if (!page.has_more) break;
      after = page.list.at(-1)!.seq;
    }
    expect(truth.map((m) => m.seq)).toEqual(truth.map((_, i) => i + 1));
    const said = steps.filter((s) => s.kind === 'say').length;
    expect(truth).toHaveLength(said);
    const lines = Object.fromEntries(drawing.lines.map((l) => [l.uuid, l.points]));
    // every member's live stream needs all frames through the last seq
    for (const m of members) {
      if (truth.length > 0 && !m.history.has(truth.length)) {
        await m.client.next('message_created', (p) => p.object.seq === truth.length);
        m.absorb();
      }
      expect(m.duplicates, `member ${m.index} got a message twice`).toBe(0);
      expect(
        [...m.history.values()].sort((a, b) => a.seq - b.seq).map((x) => [x.seq, x.uuid]),
      ).toEqual(truth.map((x) => [x.seq, x.uuid]));
      expect(Object.fromEntries(m.lines)).toEqual(lines);
    }
    await Promise.all([admin, ...members.map((m) => m.client)].map((c) => c.close()));
  }

  it('every client ends with the server history and drawing', async () => {
    for (const { seed, path } of REGRESSIONS)
      await fc.assert(fc.asyncProperty(scenario, run), { seed, path, numRuns: 1 });
    await fc.assert(fc.asyncProperty(scenario, run), {
      numRuns: Number(process.env.CHURN_RUNS ?? 30),
      seed: Number(process.env.CHURN_SEED ?? Date.now() % 1_000_000),
      endOnFailure: true,
    });
  }, 240_000);
});
