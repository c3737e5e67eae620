import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/index.ts';
import { STORAGE_LIMITS, type Storage } from '../src/storage/storage.ts';
import type { WebSocket } from 'ws';
import type { Room } from '@chat/protocol';
import { openRaw, TestClient } from './helpers/client.ts';
import { built, startServerProcess, type ServerProcess } from './helpers/process.ts';

/**
 * The attacks of the hardening issue, each with the figure it sees (the bounds asserted are
 * those of the fuzz test, loose enough for a loaded machine; the figures printed are the
 * measurement). The server runs in its
 * own process with its default limits, so what is measured is its event loop and nothing of
 * the test's; attackers connect from addresses of their own (127.0.0.x), as they would.
 */
const dir = mkdtempSync(join(tmpdir(), 'chat-attacks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function connect(url: string, localAddress = '127.0.0.1'): Promise<TestClient> {
  const c = await TestClient.connect(url, { localAddress });
  clients.push(c);
  return c;
}

async function room(storage: Storage, name: string, created = new Date().toISOString()) {
  return storage.rooms.create({
    uuid: randomUUID(),
    name,
    color: '#fff',
    created,
    drawing_uuid: randomUUID(),
  });
}

/**
 * The server's event loop since the last call: how long it was blocked at most and at the
 * 99th percentile, in ms (Prometheus' loop delay samples every 10 ms; that interval is
 * taken off). /metrics resets the sampler each time it is read.
 */
async function loopBlocked(url: string): Promise<{ max: number; p99: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => {
    const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
    return Math.max(0, Number(m?.[1] ?? NaN) * 1000 - 10);
  };
  return {
    max: read('nodejs_eventloop_lag_max_seconds'),
    p99: read('nodejs_eventloop_lag_p99_seconds'),
  };
}

/**
 * An honest client that reads only the frames answering its own calls: it parses none of the
 * traffic around it, so that its round trips measure the server, not this process (the clients
 * entering the largest drawing below keep their frames as text for the same reason).
 */
class Pinger {
  /** Messages of others received, counted without parsing them. */
  others = 0;
  private waiting: { id: string; resolve: (frame: string) => void } | undefined;
  private sent = 0;
  private readonly prefix = randomUUID().slice(0, 8);

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      const frame = d.toString('utf8');
      if (this.waiting && frame.includes(`"id":"${this.waiting.id}"`)) this.waiting.resolve(frame);
      else if (frame.includes('"message_created"') && !frame.includes('"body":"ping '))
        this.others++;
    });
  }

  static async open(url: string): Promise<Pinger> {
    return new Pinger(await openRaw(url, { path: '/ws?v=2' }));
  }

  /** Sends a call; resolves with the frame carrying its id. */
  call(message: string, fields: object): Promise<string> {
    const id = `${this.prefix}-${++this.sent}`;
    return new Promise((resolve) => {
      this.waiting = { id, resolve };
      this.ws.send(JSON.stringify({ type: 'call', payload: { message, id, ...fields } }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Round trips of honest clients' messages for `ms`: each sends one after another, every 10 ms
 * (its rate limit). Several clients, so that a p99 rests on hundreds of samples, not a few.
 */
async function roundTrips(pingers: Pinger[], ms: number): Promise<number[]> {
  const end = performance.now() + ms;
  const each = await Promise.all(
    pingers.map(async (p) => {
      const times: number[] = [];
      for (let i = 0; performance.now() < end; i++) {
        const t = performance.now();
        await p.call('create_message', { body: `ping ${i}` });
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
      return times;
    }),
  );
  return each.flat();
}

const percentile = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const median = (xs: number[]) => percentile(xs, 50);
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Honest clients in a room of their own, with their idle round trips as the baseline. */
async function honest(url: string) {
  const clients = await Promise.all([1, 2, 3, 4].map(() => Pinger.open(url)));
  const created = await clients[0]!.call('create_room', { name: 'honest' });
  const own = (JSON.parse(created) as { payload: { object: Room } }).payload.object;
  await Promise.all(clients.map((p) => p.call('enter_room', { uuid: own.uuid })));
  await roundTrips(clients, 300); // warm up
  await loopBlocked(url);
  const idle = await roundTrips(clients, 1500);
  const idleLoop = await loopBlocked(url);
  /** Messages of others the first honest client received so far. */
  const stored = () => clients[0]!.others;
  return { clients, room: own, idle, idleLoop, stored };
}

/** Keeps `attacker` sending `call` in a closed loop for as long as `running()`, within its budget. */
async function keepCalling(
  attacker: TestClient,
  running: () => boolean,
  call: () => void,
): Promise<{ answered: number; limited: number }> {
  let answered = 0;
  let limited = 0;
  while (running()) {
    call();
    const f = await attacker.take(() => true, 30_000);
    attacker.drain();
    if (f.type === 'error' && f.payload.message === 'rate_limited') {
      limited++;
      await new Promise((r) => setTimeout(r, f.payload.retry_after_ms ?? 10));
    } else answered++;
  }
  return { answered, limited };
}

describe('attacks', () => {
  /**
   * One server for the attacks, with default limits, on a SQLite file made first: 2,000 rooms
   * whose names a long search matches, and a room with the largest drawing allowed (5,000
   * lines, 2,000,000 characters) and 50 messages as long in JSON as a message can be.
   */
  let server: ServerProcess;
  let url = '';
  let board = '';
  let lines = 0;
  let h: Awaited<ReturnType<typeof honest>>;
  beforeAll(async () => {
    const file = join(dir, 'attacks.db');
    const s = await openStorage(`sqlite:${file}`, STORAGE_LIMITS);
    for (let i = 0; i < 2000; i++) await room(s, 'ab'.repeat(32));
    const r = await room(s, 'full board');
    board = r.uuid;
    const user = randomUUID();
    // lines of 28 numbers while they fit, then shorter ones, until 5,000 lines
    for (let n = 28; n > 0;) {
      const points = Array.from({ length: n }, () => Math.round(Math.random() * 1e7) / 1000);
      const put = await s.drawings.putLine(r.uuid, {
        uuid: randomUUID(),
        name: 'x',
        points,
        tool: 'pen',
        color: '#112233',
        user_uuid: user,
      });
      if (put.ok) lines++;
      else if (lines === STORAGE_LIMITS.drawingLines) break;
      else n -= 2;
    }
    // JSON writes these as 6 bytes a character
    const author = { uuid: user, name: 'n', room_uuid: r.uuid };
    await Promise.all(
      Array.from({ length: 50 }, () =>
        s.messages.add({
          uuid: randomUUID(),
          room_uuid: r.uuid,
          body: '\u0001'.repeat(10_000),
          user: author,
          created: new Date().toISOString(),
        }),
      ),
    );
    await s.close();
    server = await startServerProcess('server', ['--storage', `sqlite:${file}`], dir);
    url = server.url;
    // the same honest clients, and their idle baseline, for every attack
    h = await honest(url);
  }, 60_000);
  afterAll(async () => {
    for (const p of h.clients) p.close();
    await server.stop();
  });

  it('a search as long as allowed, against 2,000 names made to match it, blocks nobody', async () => {
    // 5 connections from one address, each searching as fast as its budget allows
    const queries = ['ab'.repeat(100), 'ba'.repeat(100), `${'ab'.repeat(99)}x`, 'a'.repeat(200)];
    const attackers = await Promise.all([1, 2, 3, 4, 5].map(() => connect(url, '127.0.0.2')));
    let running = true;
    const attacking = attackers.map((a, k) =>
      keepCalling(
        a,
        () => running,
        () => a.call('list_rooms', { query: queries[k % queries.length] }),
      ),
    );
    const during = await roundTrips(h.clients, 1500);
    const loop = await loopBlocked(url);
    running = false;
    const done = await Promise.all(attacking);
    const searches = done.reduce((n, d) => n + d.answered, 0);
    // a query past 200 code points is refused before it reaches storage
    const longer = await connect(url, '127.0.0.4');
    longer.call('list_rooms', { query: 'ab'.repeat(49_000) });
    expect((await longer.error()).message).toBe('not_valid_query');
    console.info(
      `search attack: ${searches} maximal searches over 2,000 matching names in 1.5 s from one address; ` +
        `honest round trip p99 ${ms(percentile(h.idle, 99))} idle, ${ms(percentile(during, 99))} during; ` +
        `server loop blocked at most ${ms(loop.max)} (p99 ${ms(loop.p99)}; idle ${ms(h.idleLoop.max)})`,
    );
    expect(searches).toBeGreaterThan(20);
    expect(loop.p99).toBeLessThan(50);
    expect(percentile(during, 99)).toBeLessThan(Math.max(4 * percentile(h.idle, 99), 50));
  }, 60_000);

  it('the largest drawing allowed, with the longest history page beside it, entered by 10 at once', async () => {
    const target = board;
    // the entering clients keep their frames as text: parsing 30 MB here would slow the honest
    // client's own process and be counted against the server (they are ours: ?v=2)
    const entering = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const ws = await openRaw(url, { localAddress: '127.0.0.3', path: '/ws?v=2' });
        const frames: string[] = [];
        ws.on('message', (d: Buffer) => frames.push(d.toString('utf8')));
        return { ws, frames };
      }),
    );
    const t0 = performance.now();
    for (const { ws } of entering) {
      ws.send(JSON.stringify({ type: 'call', payload: { message: 'enter_room', uuid: target } }));
    }
    const arrived = (frames: string[]) => frames.some((f) => f.includes('"drawing_got"'));
    const times: number[] = [];
    const [during] = await Promise.all([
      roundTrips(h.clients, 1500),
      Promise.all(
        entering.map(async ({ frames }) => {
          while (!arrived(frames)) await new Promise((r) => setTimeout(r, 5));
          times.push(performance.now() - t0);
        }),
      ),
    ]);
    const loop = await loopBlocked(url);
    const of = (frames: string[], name: string) =>
      JSON.parse(frames.find((f) => f.includes(`"${name}"`))!) as {
        payload: Record<string, unknown>;
      };
    const page = of(entering[0]!.frames, 'messages_listed').payload as { list: unknown[] };
    const drawing = of(entering[0]!.frames, 'drawing_got').payload as {
      object: { lines: unknown[] };
    };
    const frame = JSON.stringify(drawing).length;
    const pageBytes = Buffer.byteLength(JSON.stringify(page));
    for (const { ws, frames } of entering) {
      expect(frames.find((f) => f.includes('"drawing_got"'))!.length).toBeGreaterThan(frame);
      // none was closed for a full send queue
      expect(ws.readyState).toBe(ws.OPEN);
      ws.close();
    }
    expect(drawing.object.lines).toHaveLength(lines);
    console.info(
      `drawing attack: ${lines} lines, drawing_got of ${(frame / 1e6).toFixed(2)} MB beside a history ` +
        `page of ${(pageBytes / 1e6).toFixed(2)} MB, entered by 10 at once: all had it in ` +
        `${ms(Math.max(...times))}; honest round trip p99 ${ms(percentile(h.idle, 99))} idle, ` +
        `${ms(percentile(during, 99))} during; server loop blocked at most ${ms(loop.max)} (p99 ${ms(loop.p99)})`,
    );
    expect(lines).toBe(STORAGE_LIMITS.drawingLines);
    expect(frame).toBeGreaterThan(0.99 * STORAGE_LIMITS.drawingChars);
    expect(pageBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(loop.p99).toBeLessThan(50);
  }, 60_000);

  it('10 flooders sending 10 KB messages at their limit, beside an honest client in their room', async () => {
    const flood = fork(built('flooder'), [url, h.room.uuid, '10', '10'], { execArgv: [] });
    // measured once every flooder has spent its address's burst: at the limit it can keep
    await new Promise((resolve, reject) => {
      flood.once('message', resolve);
      flood.once('error', reject);
    });
    // flooded seconds at the flooders' steady limit, between idle seconds before and after;
    // each side's p99 is the median of three windows': one window's p99 is its few slowest
    // round trips, which a single stall of a shared machine moves either way
    const before = h.stored();
    const during: number[][] = [];
    for (let i = 0; i < 3; i++) during.push(await roundTrips(h.clients, 1000));
    const inWindow = h.stored() - before;
    const loop = await loopBlocked(url);
    flood.send('stop');
    const { refused } = await new Promise<{ refused: number }>((r) => flood.once('message', r));
    const idle = [h.idle, await roundTrips(h.clients, 1000), await roundTrips(h.clients, 1000)];
    const p99 = (windows: number[][]) => median(windows.map((w) => percentile(w, 99)));
    const p50 = (windows: number[][]) => median(windows.map((w) => percentile(w, 50)));
    console.info(
      `flood: 10 flooders on 10 addresses, once their bursts were spent, stored ${inWindow} ` +
        `messages of 10 KB in 3 s of flooding (${refused} refused with rate_limited in all); ` +
        `honest round trip p50/p99 (median of 3 windows) ${ms(p50(idle))}/${ms(p99(idle))} idle, ` +
        `${ms(p50(during))}/${ms(p99(during))} flooded; server loop blocked at most ${ms(loop.max)}`,
    );
    // 64 KB/s an address: in 3 s about 10 x 192 KB of 10 KB messages
    expect(inWindow).toBeLessThan(10 * ((3.5 * 64 * 1024) / 10_000));
    expect(refused).toBeGreaterThan(0);
    // within 2x of idle; the 2 ms beside it is the scheduling of three busy processes on two
    // cores (flooders, server, this one), which moves a p99 of 4 ms by that much either way
    expect(p99(during)).toBeLessThanOrEqual(2 * p99(idle) + 2);
  }, 60_000);
});
