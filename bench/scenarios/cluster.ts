/**
 * Many nodes: N node processes (8) on PostgreSQL and Redis, R rooms (50) of S users (5) per
 * node, each node's users in that node's rooms (rooms mostly local to a node), every user
 * sending one message every I ms (10,000). Per node: events and characters received from the
 * bus, frames delivered, CPU; Redis's output. Measured with `?routing=single` (every event on
 * one channel: every node receives everything, as before topics) and with topics (a room's
 * events on its own channel), in the same run; a fresh schema and channel for each.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Histogram } from '../lib/histogram.ts';
import { waitForQuietMachine, type GeneratorChild, type Options } from '../lib/processes.ts';
import {
  CHECKOUT,
  Deployment,
  REDIS_URL,
  WindowMeter,
  commitOf,
  generatorProblems,
  servicesUnreachable,
  type NodeRates,
  type WindowUse,
} from '../lib/deployment.ts';
import { compare, envInt, fmt, log, median, sleep, table, type CompareRow } from '../lib/report.ts';
import { attempt, leastDisturbed, type ScenarioOutput } from '../lib/scenario.ts';

type Routing = 'single' | 'topics';
/** How long the last messages may take to reach everyone before they count as lost. */
const DRAIN_MS = 30_000;

interface Sizes {
  nodes: number;
  roomsPerNode: number;
  roomSize: number;
  intervalMs: number;
  warmMs: number;
  windowMs: number;
  generators: number;
  /** Before sending, wait up to this long for other programs to go quiet. */
  quietMaxMs: number;
  /** A room's users send one after another (their room_changed fold into one), not spread out. */
  burst: boolean;
  /** A window during which other programs took more than `limit` % of a core is measured again, up to `tries` times. */
  tries: number;
  limit: number;
  /** Bus-cost phase: events a second published to every node, and for how long each kind (0: none). */
  floodRate: number;
  floodMs: number;
}

interface ModeRun extends WindowUse {
  routing: Routing;
  run: number;
  /** Messages sent per second, all users. */
  sentPerSec: number;
  /** The machine's load before sending (% of a core), after waiting up to quietMaxMs. */
  busyBefore: number;
  /** Other programs' CPU in each attempt (leastDisturbed): this run is the least disturbed. */
  attempts?: number[];
  /** Topics runs: what a bus event costs (the lobby flooded with copies of real events). */
  busCost?: BusCost;
  p50: number;
  p99: number;
  missing: number;
}

/** A node's figure, the median of the nodes. */
const perNode = (r: ModeRun, f: (n: NodeRates) => number) => median(r.nodes.map(f));

async function measure(
  routing: Routing,
  run: number,
  z: Sizes,
  problems: string[],
): Promise<ModeRun> {
  const dep = new Deployment(undefined, routing);
  return dep.use(async () => {
    const names = Array.from({ length: z.nodes * z.roomsPerNode }, (_, i) => `cluster ${i}`);
    const rooms = await dep.seedRooms(names);
    const nodes = await dep.start(z.nodes);
    const gens = await dep.generators(z.generators);
    await waitForQuietMachine(z.quietMaxMs);
    const t0 = performance.now();
    // node i's users, in node i's rooms, on generator i % G. A generator's users send in the
    // order they were opened: spread, a room's users are equal steps apart in that cycle
    // (independent users); burst, one after another. Users in no room hear every room's
    // room_changed: opening a few at a time, each in its room at once, keeps the setup short.
    const perNodeUsers = z.roomsPerNode * z.roomSize;
    const clientsOf = gens.map(() => 0);
    await Promise.all(
      gens.map(async (g, gi) => {
        const mine = nodes.map((_, i) => i).filter((i) => i % gens.length === gi);
        const join = async (i: number, perRoom: number) => {
          const count = z.roomsPerNode * perRoom;
          const o = await g.request('open', {
            url: nodes[i]!.url,
            kind: 'chat',
            count,
            // each new user is a row: few at a time, so that none waits 5 s for the pool
            concurrency: 10,
          });
          if (o.failed > 0)
            problems.push(`cluster: ${o.failed} connections failed: ${o.errors.join('; ')}`);
          await g.request('enter', {
            rooms: rooms.slice(i * z.roomsPerNode, (i + 1) * z.roomsPerNode),
            from: o.first,
            count,
            perRoom,
            concurrency: 50,
          });
          clientsOf[gi]! += count;
        };
        if (z.burst) for (const i of mine) await join(i, z.roomSize);
        else for (let k = 0; k < z.roomSize; k++) for (const i of mine) await join(i, 1);
      }),
    );
    // the trailing room_changed of the entries (1 s apart at most)
    await sleep(1500);
    log(
      `  ${routing}: ${z.nodes} nodes, ${z.nodes * perNodeUsers} users in their rooms after ${fmt((performance.now() - t0) / 1000)} s`,
    );

    const redis = await dep.redisInfo();
    // one window (generator step `step`): every user sends for warm + window, read over the window
    const window = async (step: number): Promise<ModeRun> => {
      const quiet = await waitForQuietMachine(z.quietMaxMs);
      await Promise.all(gens.map((g) => g.request('stepPrepare', { step })));
      const sending = Promise.all(
        gens.map((g, gi) =>
          g.request('stepSend', {
            step,
            rate: (clientsOf[gi]! * 1000) / z.intervalMs,
            durationMs: z.warmMs + z.windowMs,
            bodyBytes: 100,
          }),
        ),
      );
      await sleep(z.warmMs);
      const meter = await WindowMeter.start(nodes, gens, redis);
      await sleep(z.windowMs);
      const use = await meter.stop();
      const sends = await sending;
      const sent = sends.reduce((x, s) => x + s.sent, 0);
      const expected = sent * z.roomSize;
      const drainUntil = performance.now() + DRAIN_MS;
      while (performance.now() < drainUntil) {
        const got = await Promise.all(gens.map((g) => g.request('stepReceived', { step })));
        if (got.reduce((x, y) => x + y, 0) >= expected) break;
        await sleep(100);
      }
      const ends = await Promise.all(
        gens.map((g, gi) =>
          g.request('stepEnd', { step, expectedPerMessage: z.roomSize, sent: sends[gi]!.sent }),
        ),
      );
      const lat = Histogram.from(...ends.map((e) => e.latency)).summary();
      const missing = ends.reduce((x, e) => x + e.missing, 0);
      if (missing > 0)
        problems.push(
          `cluster ${routing} run ${run}: ${missing} of ${expected} deliveries had not arrived ${DRAIN_MS / 1000} s after sending`,
        );
      const r: ModeRun = {
        ...use,
        routing,
        run,
        sentPerSec: (sent * 1000) / Math.max(...sends.map((x) => x.sendMs)),
        busyBefore: quiet.busy,
        p50: lat.p50,
        p99: lat.p99,
        missing,
      };
      log(
        `  ${routing} run ${run}: ${fmt(r.sentPerSec)} msg/s; per node ${fmt(perNode(r, (n) => n.busEventsPerSec))} bus events/s, ` +
          `${fmt(perNode(r, (n) => n.busCharsPerSec) / 1000)} KB/s, ${fmt(perNode(r, (n) => n.cpu))}% CPU; ` +
          `Redis out ${fmt(r.redisOutPerSec / 1000)} KB/s; p99 ${fmt(r.p99, 2)} ms; ` +
          `PostgreSQL ${fmt(r.postgresCpu)}%, other programs ${fmt(r.othersCpu)}% of a core; ` +
          `gap fills ${r.nodes.reduce((x, n) => x + n.gapFills, 0)}, refused ${r.nodes.reduce((x, n) => x + n.unavailable, 0)}`,
      );
      return r;
    };
    const r = await leastDisturbed(`${routing} run ${run}`, z, window);
    problems.push(...(await generatorProblems(gens, `cluster ${routing}`)));
    if (routing === 'topics' && z.floodRate > 0) {
      r.busCost = await leastDisturbed(`bus cost run ${run}`, z, () =>
        busCost(dep, gens, z.floodRate, z.floodMs),
      );
      log(
        `  bus cost run ${run}: a node spends ${fmt(r.busCost.roomEventMicros)} µs more per message_created and ` +
          `${fmt(r.busCost.lobbyEventMicros)} µs more per room_changed it holds nobody for ` +
          `(${fmt(r.busCost.roomEventMicrosAtRate)} and ${fmt(r.busCost.lobbyEventMicrosAtRate)} µs each at ${fmt(z.floodRate)}/s); ` +
          `Redis ${fmt(r.busCost.redisMicros, 2)} µs more per event to one subscriber (${fmt(r.busCost.redisMicrosAtRate, 2)} at the rate); ` +
          `other programs ${fmt(r.busCost.othersCpu)}%`,
      );
    }
    return r;
  });
}

/**
 * What receiving bus events costs a node that holds nobody they are for, and Redis: the
 * marginal cost of one more event a second (between rate / 4 and rate, so the fixed cost of
 * waking up is left out), and the cost per event at `rate` above idle.
 */
interface BusCost {
  /** Node CPU per message_created of a room it does not hold (parsed, dropped), µs. */
  roomEventMicros: number;
  roomEventMicrosAtRate: number;
  /** Node CPU per room_changed of a room it does not hold (parsed, a frame made for nobody), µs. */
  lobbyEventMicros: number;
  lobbyEventMicrosAtRate: number;
  /** Redis CPU per event to one subscriber, µs. */
  redisMicros: number;
  redisMicrosAtRate: number;
  /** Bytes Redis writes per room_changed to one subscriber. */
  redisBytes: number;
  /** The real events caught, in characters: a message_created (100-byte body), a room_changed. */
  roomEventChars: number;
  lobbyEventChars: number;
  othersCpu: number;
}

/**
 * Measures BusCost on a topics deployment: catches one real message_created and one real
 * room_changed from the bus (1.5 s of sending), then publishes copies of each, for a room no
 * node holds, on the lobby (which every node hears) at rate / 4 and at rate a second for `ms`
 * each, beside an idle stretch as long.
 */
async function busCost(
  dep: Deployment,
  gens: GeneratorChild[],
  rate: number,
  ms: number,
): Promise<BusCost> {
  const sub = new Redis(REDIS_URL);
  const pub = new Redis(REDIS_URL);
  try {
    const caught = new Map<string, string>();
    sub.on('pmessage', (_pattern: string, _channel: string, data: string) => {
      const e = JSON.parse(data) as { kind: string; payload?: { message?: string } };
      const kind = e.kind === 'deliver' ? e.payload?.message : undefined;
      if ((kind === 'message_created' || kind === 'room_changed') && !caught.has(kind))
        caught.set(kind, data);
    });
    await sub.psubscribe(`${dep.schema}:*`);
    const step = 1000;
    await Promise.all(gens.map((g) => g.request('stepPrepare', { step })));
    await Promise.all(
      gens.map((g) => g.request('stepSend', { step, rate: 50, durationMs: 1500, bodyBytes: 100 })),
    );
    await sleep(1500);
    await sub.punsubscribe();
    const sample = (kind: string) => {
      const data = caught.get(kind);
      if (!data) throw new Error(`no ${kind} seen on the bus`);
      // its room, wherever the event names it (a copy for the room list names no audience room)
      const { object } = (JSON.parse(data) as { payload: { object: Record<string, string> } })
        .payload;
      return data.replaceAll(object.room_uuid ?? object.uuid!, randomUUID());
    };
    const lobby = `${dep.schema}:lobby`;
    const redis = await dep.redisInfo();
    const over = async (event?: string, perSecond = 0) => {
      const meter = await WindowMeter.start(dep.nodes, gens, redis);
      const t0 = performance.now();
      for (let sent = 0; performance.now() - t0 < ms; await sleep(5)) {
        const due = Math.floor(((performance.now() - t0) * perSecond) / 1000);
        if (event === undefined || due <= sent) continue;
        const p = pub.pipeline();
        for (; sent < due; sent++) p.publish(lobby, event);
        await p.exec();
      }
      return meter.stop();
    };
    const idle = await over();
    const kinds = { room: sample('message_created'), lobby: sample('room_changed') };
    const low: Record<string, WindowUse> = {};
    const high: Record<string, WindowUse> = {};
    for (const [k, event] of Object.entries(kinds)) {
      low[k] = await over(event, rate / 4);
      high[k] = await over(event, rate);
    }
    // a node's CPU per event, median of the nodes: marginal (low -> high), and at rate above idle
    const nodeMicros = (a: WindowUse, b: WindowUse) =>
      median(
        b.nodes.map((n, i) => {
          const m = a.nodes[i]!;
          return ((n.cpu - m.cpu) / 100 / (n.busEventsPerSec - m.busEventsPerSec)) * 1e6;
        }),
      );
    const sent = (w: WindowUse) => w.nodes.reduce((x, n) => x + n.busEventsPerSec, 0);
    const redisMicros = (a: WindowUse, b: WindowUse) =>
      ((b.redisCpu - a.redisCpu) / 100 / (sent(b) - sent(a))) * 1e6;
    const windows = [idle, ...Object.values(low), ...Object.values(high)];
    return {
      roomEventMicros: nodeMicros(low.room!, high.room!),
      roomEventMicrosAtRate: nodeMicros(idle, high.room!),
      lobbyEventMicros: nodeMicros(low.lobby!, high.lobby!),
      lobbyEventMicrosAtRate: nodeMicros(idle, high.lobby!),
      redisMicros: redisMicros(low.lobby!, high.lobby!),
      redisMicrosAtRate: redisMicros(idle, high.lobby!),
      redisBytes: (high.lobby!.redisOutPerSec - idle.redisOutPerSec) / sent(high.lobby!),
      roomEventChars: kinds.room.length,
      lobbyEventChars: kinds.lobby.length,
      othersCpu: Math.max(...windows.map((w) => w.othersCpu)),
    };
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
}

/**
 * What the routings carry, from the two of one run: with single routing every node receives
 * all M messages and all L room events besides (a room's count moving, mostly: the room
 * list's); with topics, where every user is in a room, a node receives its own rooms'
 * (M + L) / N.
 */
function perEvent(single: ModeRun, topics: ModeRun, nodes: number) {
  const m = single.sentPerSec;
  const roomEventsPerSec = perNode(single, (n) => n.busEventsPerSec) - m;
  const totalEvents = (r: ModeRun) => r.nodes.reduce((x, n) => x + n.busEventsPerSec, 0);
  return {
    lobbyEventsPerSec: roomEventsPerSec,
    /** Bytes Redis writes per event it sends to one subscriber (payload, channel, RESP framing). */
    redisBytesPerDelivery: single.redisOutPerSec / totalEvents(single),
    redisBytesPerDeliveryTopics: topics.redisOutPerSec / totalEvents(topics),
    expectedEventsPerNode: (m + roomEventsPerSec) / nodes,
    topicsEventsPerNode: perNode(topics, (n) => n.busEventsPerSec),
  };
}
type PerEvent = ReturnType<typeof perEvent>;

export async function cluster(opts: Options): Promise<ScenarioOutput> {
  const z: Sizes = {
    nodes: envInt('BENCH_CLUSTER_NODES', opts.quick ? 2 : 8),
    roomsPerNode: envInt('BENCH_CLUSTER_ROOMS', opts.quick ? 5 : 50),
    roomSize: envInt('BENCH_CLUSTER_ROOM_SIZE', 5),
    intervalMs: envInt('BENCH_CLUSTER_INTERVAL_MS', opts.quick ? 2000 : 10_000),
    warmMs: envInt('BENCH_CLUSTER_WARM_MS', opts.quick ? 1000 : 3000),
    windowMs: envInt('BENCH_CLUSTER_MS', opts.quick ? 2000 : 20_000),
    generators: envInt('BENCH_GENERATORS', 2),
    quietMaxMs: envInt('BENCH_QUIET_MAX_MS', opts.quick ? 0 : 10_000),
    burst: envInt('BENCH_CLUSTER_BURST', 0) === 1,
    tries: envInt('BENCH_TRIES', opts.quick ? 1 : 3),
    limit: envInt('BENCH_OTHERS_MAX', 50),
    floodRate: envInt('BENCH_CLUSTER_FLOOD_RATE', opts.quick ? 400 : 4000),
    floodMs: envInt('BENCH_CLUSTER_FLOOD_MS', opts.quick ? 1000 : 5000),
  };
  const problems: string[] = [];
  const findings: string[] = [];
  const why = await servicesUnreachable();
  if (why !== undefined) {
    log(`cluster skipped: ${why}`);
    return {
      tables: [`cluster: skipped (${why})`],
      targets: [],
      problems: [],
      data: { skipped: why },
    };
  }

  const runs: ModeRun[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    log(
      `cluster run ${run}/${opts.runs}: ${z.nodes} nodes x ${z.roomsPerNode} rooms x ${z.roomSize} users, ` +
        `1 message per user every ${z.intervalMs / 1000} s, ${z.windowMs / 1000} s window`,
    );
    // the order alternates, so that a drift of the machine's load favours neither
    const order: Routing[] = run % 2 === 1 ? ['single', 'topics'] : ['topics', 'single'];
    for (const routing of order) {
      const r = await attempt(problems, `cluster ${routing} run ${run}`, () =>
        measure(routing, run, z, problems),
      );
      if (r) runs.push(r);
    }
  }

  const of = (routing: Routing) => runs.filter((r) => r.routing === routing);
  const columns: CompareRow<ModeRun>[] = [
    ['messages/s sent (all nodes)', (r) => r.sentPerSec, 1],
    ['per node: bus events/s', (r) => perNode(r, (n) => n.busEventsPerSec), 1],
    ['per node: bus KB/s', (r) => perNode(r, (n) => n.busCharsPerSec) / 1000, 1],
    ['per node: frames delivered/s', (r) => perNode(r, (n) => n.deliveriesPerSec), 1],
    ['per node: CPU % of a core', (r) => perNode(r, (n) => n.cpu), 2],
    ['Redis output KB/s', (r) => r.redisOutPerSec / 1000, 1],
    ['Redis CPU % of a core', (r) => r.redisCpu, 2],
    ['all nodes: CPU % of a core', (r) => r.nodesCpu, 1],
    ['PostgreSQL CPU % of a core', (r) => r.postgresCpu, 1],
    ['other programs: CPU % of a core', (r) => r.othersCpu, 0],
    ['latency p50 ms', (r) => r.p50, 2],
    ['latency p99 ms', (r) => r.p99, 2],
  ];
  const compared = compare(
    [
      { name: 'single', label: 'single (before)', runs: of('single') },
      { name: 'topics', label: 'topics (after)', runs: of('topics') },
    ],
    0,
    columns,
  );

  const costs: PerEvent[] = of('single').flatMap((s) => {
    const t = of('topics').find((x) => x.run === s.run);
    return t ? [perEvent(s, t, z.nodes)] : [];
  });
  const c = (f: (p: PerEvent) => number) => median(costs.map(f));
  const flood = of('topics').flatMap((r) => (r.busCost ? [r.busCost] : []));
  const f = (g: (b: BusCost) => number) => median(flood.map(g));
  const costTable = table(
    ['per-event cost', 'median', 'from'],
    [
      [
        'room event (message_created) on the bus, characters',
        fmt(f((b) => b.roomEventChars)),
        'flood',
      ],
      [
        'lobby event (room_changed) on the bus, characters',
        fmt(f((b) => b.lobbyEventChars)),
        'flood',
      ],
      [
        "room_changed events/s in the cluster (rooms' counts, mostly)",
        fmt(c((p) => p.lobbyEventsPerSec)),
        'routings',
      ],
      [
        'Redis bytes out per event to one subscriber, single',
        fmt(c((p) => p.redisBytesPerDelivery)),
        'routings',
      ],
      [
        'Redis bytes out per event to one subscriber, topics',
        fmt(c((p) => p.redisBytesPerDeliveryTopics)),
        'routings',
      ],
      [
        'node µs per message_created of a room it does not hold: marginal',
        fmt(f((b) => b.roomEventMicros)),
        'flood',
      ],
      [`... at ${fmt(z.floodRate)}/s, above idle`, fmt(f((b) => b.roomEventMicrosAtRate)), 'flood'],
      [
        'node µs per room_changed of a room it does not hold: marginal',
        fmt(f((b) => b.lobbyEventMicros)),
        'flood',
      ],
      [
        `... at ${fmt(z.floodRate)}/s, above idle`,
        fmt(f((b) => b.lobbyEventMicrosAtRate)),
        'flood',
      ],
      [
        'Redis µs per event to one subscriber: marginal',
        fmt(
          f((b) => b.redisMicros),
          2,
        ),
        'flood',
      ],
      [
        `... at ${fmt(z.floodRate)}/s to each node, above idle`,
        fmt(
          f((b) => b.redisMicrosAtRate),
          2,
        ),
        'flood',
      ],
      ['Redis bytes out per room_changed to one subscriber', fmt(f((b) => b.redisBytes)), 'flood'],
    ],
  );

  const last = runs.filter((r) => r.run === opts.runs);
  const nodeRows = Array.from({ length: z.nodes }, (_, i) => {
    const cell = (routing: Routing, f: (n: NodeRates) => number, digits = 1) => {
      const n = last.find((r) => r.routing === routing)?.nodes[i];
      return n ? fmt(f(n), digits) : '-';
    };
    return [
      `node-${i + 1}`,
      cell('single', (n) => n.busEventsPerSec),
      cell('topics', (n) => n.busEventsPerSec),
      cell('single', (n) => n.busCharsPerSec / 1000),
      cell('topics', (n) => n.busCharsPerSec / 1000),
      cell('single', (n) => n.deliveriesPerSec),
      cell('topics', (n) => n.deliveriesPerSec),
      cell('single', (n) => n.cpu, 2),
      cell('topics', (n) => n.cpu, 2),
    ];
  });
  const nodeTable = table(
    [
      'node (last run)',
      'events/s single',
      'events/s topics',
      'KB/s single',
      'KB/s topics',
      'frames/s single',
      'frames/s topics',
      'CPU % single',
      'CPU % topics',
    ],
    nodeRows,
  );

  const others = median(runs.map((r) => r.othersCpu));
  const clients = Math.max(...runs.map((r) => r.redisClients));
  const extra = c((p) => p.topicsEventsPerNode - p.expectedEventsPerNode);
  if (extra > 0.2 * c((p) => p.expectedEventsPerNode))
    findings.push(
      `with topics a node receives ${fmt(extra)} events/s more than its own rooms carry (${fmt(c((p) => p.expectedEventsPerNode))}/s): events of rooms it does not hold reach it`,
    );
  if (clients > 2 * z.nodes + 1)
    findings.push(
      `Redis had ${clients} clients during a window (ours: ${2 * z.nodes + 1}): its output and CPU include other programs' traffic`,
    );

  const summary = {
    ...z,
    server: commitOf(CHECKOUT),
    runs: opts.runs,
    single: compared.medians[0]!,
    topics: compared.medians[1]!,
    ratio: compared.ratios,
    perEvent: Object.fromEntries(
      Object.keys(costs[0] ?? {}).map((k) => [k, c((p) => p[k as keyof PerEvent])]),
    ),
    busCost: Object.fromEntries(
      Object.keys(flood[0] ?? {}).map((k) => [k, f((b) => b[k as keyof BusCost])]),
    ),
    othersCpu: others,
  };
  const users = z.nodes * z.roomsPerNode * z.roomSize;
  return {
    tables: [
      `cluster (server ${summary.server}), medians of ${opts.runs} run(s): ${z.nodes} nodes x ${z.roomsPerNode} rooms x ${z.roomSize} users ` +
        `(each node's users in that node's rooms), ${users} users each sending 1 message every ${z.intervalMs / 1000} s ` +
        `(${z.burst ? "a room's users one after another" : "a room's users spread over that time"}), ` +
        `${z.windowMs / 1000} s window after ${z.warmMs / 1000} s; "per node" is the median node; ` +
        `other programs on the machine took ${fmt(others)}% of a core (median of the windows):\n` +
        compared.text,
      costTable,
      nodeTable,
    ],
    targets: [
      {
        scenario: 'cluster',
        target: '(no target) bus input per node, single vs topics',
        measured: `${fmt(summary.single['per node: bus events/s'])} vs ${fmt(summary.topics['per node: bus events/s'])} events/s per node (${fmt(summary.ratio['per node: bus events/s'], 2)}x); Redis out ${fmt(summary.ratio['Redis output KB/s'], 2)}x`,
        met: null,
        distance: '-',
      },
    ],
    problems,
    findings,
    data: { summary, runs },
  };
}
