/**
 * Hot room on PostgreSQL: one room written from N node processes (4) at once, S users (5) on
 * each node sending as fast as they can (closed loop: send, wait for one's own copy, send
 * again): messages/s committed, and the time from send until every member has a message.
 * Then the same hot room while 50 quiet rooms (2 users each, each room's users on one node,
 * the rooms spread over the nodes) send 1 message a second each: the quiet rooms' latency.
 * Run against this checkout ("after") and, when BENCH_HOT_BEFORE names the directory of
 * another checkout (the parent of the per-room batches, 0f720bb), against that one too
 * ("before"), alternating, in the same run; nodes started alike from each one's CLI.
 */
import type { MessageCopies } from '../lib/commands.ts';
import {
  CHECKOUT,
  Deployment,
  RedisInfo,
  WindowMeter,
  commitOf,
  generatorProblems,
  servicesUnreachable,
  type BenchNode,
} from '../lib/deployment.ts';
import { Histogram } from '../lib/histogram.ts';
import { waitForQuietMachine, type GeneratorChild, type Options } from '../lib/processes.ts';
import { compare, envInt, fmt, log, median, sleep, type CompareRow } from '../lib/report.ts';
import { attempt, leastDisturbed, type ScenarioOutput } from '../lib/scenario.ts';

/** The generator's step of closed-loop messages. */
const LOOP_STEP = -1;
const DRAIN_MS = 10_000;
const QUIET_DRAIN_MS = 30_000;

interface Sizes {
  nodes: number;
  sendersPerNode: number;
  quietRooms: number;
  quietRoomSize: number;
  /** Messages a second per quiet room. */
  quietRate: number;
  durationMs: number;
  /** Before each phase, wait up to this long for other programs to go quiet. */
  quietMaxMs: number;
  /** A phase during which other programs took more than `limit` % of a core is measured again, up to `tries` times. */
  tries: number;
  limit: number;
}

interface Version {
  label: 'before' | 'after';
  root: string;
  commit: string;
}

/** Send → the last member's copy, per message, from every generator's copies of `step`. */
function untilEveryone(parts: MessageCopies[], step: number, members: number) {
  const merged = new Map<string, [number, number]>();
  const prefix = `${step}:`;
  for (const p of parts) {
    p.keys.forEach((key, i) => {
      if (!key.startsWith(prefix)) return;
      const m = merged.get(key);
      if (m) {
        m[0] += p.copies[i]!;
        m[1] = Math.max(m[1], p.lastMs[i]!);
      } else merged.set(key, [p.copies[i]!, p.lastMs[i]!]);
    });
  }
  const h = new Histogram();
  let incomplete = 0;
  for (const [n, ms] of merged.values()) {
    if (n >= members) h.record(ms);
    else incomplete++;
  }
  return { ...h.summary(), incomplete };
}

interface Phase {
  /** Hot room: messages committed (back to their sender) per second of the window. */
  perSec: number;
  /** Send → each member's copy. */
  deliveryP50: number;
  deliveryP99: number;
  /** Send → the last member's copy. */
  everyoneP50: number;
  everyoneP99: number;
  /** Messages some member never got (after the drain). */
  incomplete: number;
  unconfirmed: number;
  confirmed: number;
  nodesCpu: number;
  postgresCpu: number;
  /** Other programs on the machine, % of a core. */
  othersCpu: number;
  /** The nodes' mean storage.messages.add time (chat_storage_seconds), ms. */
  addMeanMs: number;
  /** Transactions committed in the database per second (other programs' included). */
  commitsPerSec: number;
  /** The machine's load before the phase (% of a core), after waiting for it to go quiet. */
  busyBefore: number;
  /** Other programs' CPU in each attempt (leastDisturbed): this phase is the least disturbed. */
  attempts?: number[];
}

interface HotRun {
  version: Version['label'];
  run: number;
  alone: Phase;
  withQuiet: Phase;
  quiet: {
    sentPerSec: number;
    p50: number;
    p99: number;
    everyoneP99: number;
    missing: number;
  };
  stored: number;
}

/** The hot room's closed loop for `durationMs` on `hot`, nodes read over the window. */
async function hotPhase<T = undefined>(
  on: { hot: GeneratorChild[]; all: GeneratorChild[]; nodes: BenchNode[]; redis: RedisInfo },
  members: number,
  z: Sizes,
  start: () => Promise<T> = async () => undefined as T,
): Promise<{ phase: Phase; alongside: T }> {
  const { hot } = on;
  const { busy } = await waitForQuietMachine(z.quietMaxMs);
  const durationMs = z.durationMs;
  const meter = await WindowMeter.start(on.nodes, on.all, on.redis);
  const alongside = start();
  const loop = Promise.all(
    hot.map((g) =>
      g.request('closedLoop', { durationMs, drainMs: DRAIN_MS, bodyBytes: 100, roomSize: members }),
    ),
  );
  await sleep(durationMs);
  const use = await meter.stop();
  const results = await loop;
  const beside = await alongside;
  const copies = await Promise.all(hot.map((g) => g.request('takeCopies', {})));
  const every = untilEveryone(copies, LOOP_STEP, members);
  const lat = Histogram.from(...results.map((r) => r.latency)).summary();
  const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((x, r) => x + f(r), 0);
  const phase: Phase = {
    perSec: (sum((r) => r.confirmed) * 1000) / durationMs,
    deliveryP50: lat.p50,
    deliveryP99: lat.p99,
    everyoneP50: every.p50,
    everyoneP99: every.p99,
    incomplete: every.incomplete,
    unconfirmed: sum((r) => r.unconfirmed),
    confirmed: sum((r) => r.totalConfirmed),
    nodesCpu: use.nodesCpu,
    postgresCpu: use.postgresCpu,
    othersCpu: use.othersCpu,
    addMeanMs: median(use.nodes.map((r) => r.addMeanMs)),
    commitsPerSec: use.commitsPerSec,
    busyBefore: busy,
  };
  return { phase, alongside: beside };
}

async function measure(
  version: Version,
  run: number,
  z: Sizes,
  quick: boolean,
  problems: string[],
  findings: string[],
): Promise<HotRun> {
  const dep = new Deployment(version.root);
  return dep.use(async () => {
    const [hotRoom, ...quietRooms] = await dep.seedRooms([
      'hot room',
      ...Array.from({ length: z.quietRooms }, (_, i) => `quiet ${i}`),
    ]);
    const nodes = await dep.start(z.nodes);
    const gens = await dep.generators(3);
    const hot = gens.slice(0, 2);
    const quietGen = gens[2]!;
    // the hot room's users: S on every node, nodes split over two generators
    await Promise.all(
      hot.map(async (g, gi) => {
        for (let i = gi; i < z.nodes; i += hot.length) {
          const o = await g.request('open', {
            url: nodes[i]!.url,
            kind: 'chat',
            count: z.sendersPerNode,
            concurrency: 50,
          });
          await g.request('enter', {
            rooms: [hotRoom!],
            from: o.first,
            count: z.sendersPerNode,
            perRoom: z.sendersPerNode,
            concurrency: 50,
          });
        }
      }),
    );
    // quiet room q: its users on node q % N
    for (let i = 0; i < z.nodes; i++) {
      const mine = quietRooms.filter((_, q) => q % z.nodes === i);
      if (mine.length === 0) continue;
      const count = mine.length * z.quietRoomSize;
      const o = await quietGen.request('open', {
        url: nodes[i]!.url,
        kind: 'chat',
        count,
        concurrency: 50,
      });
      await quietGen.request('enter', {
        rooms: mine,
        from: o.first,
        count,
        perRoom: z.quietRoomSize,
        concurrency: 50,
      });
    }
    for (const p of await Promise.all(gens.map((g) => g.request('problems', {}))))
      if (p.open === 0) throw new Error('hot room: a generator has no open connection');
    await sleep(1500);
    await Promise.all(gens.map((g) => g.request('trackCopies', { on: true })));
    const members = z.nodes * z.sendersPerNode;
    const redis = await dep.redisInfo();
    const on = { hot, all: gens, nodes, redis };

    const slow = quick ? problems : findings;
    let confirmed = 0;
    /** Checks a phase's hot-room messages: back to the sender, at every member. */
    const checked = (name: string, p: Phase): Phase => {
      confirmed += p.confirmed;
      if (p.unconfirmed > 0)
        slow.push(
          `hot room ${version.label} run ${run} ${name}: ${p.unconfirmed} messages had not come back to their sender ${DRAIN_MS / 1000} s after the window`,
        );
      if (p.incomplete > 0)
        slow.push(
          `hot room ${version.label} run ${run} ${name}: ${p.incomplete} messages had not reached every member ${DRAIN_MS / 1000} s after the window`,
        );
      return p;
    };
    const what = `${version.label} run ${run}`;
    const alone = await leastDisturbed(`${what} alone`, z, async () =>
      checked('alone', (await hotPhase(on, members, z)).phase),
    );
    // the quiet rooms send their step (one per attempt) while the hot room's loop runs
    const besideQuiet = async (step: number) => {
      await quietGen.request('stepPrepare', { step });
      const { phase, alongside } = await hotPhase(on, members, z, () =>
        quietGen.request('stepSend', {
          step,
          rate: z.quietRooms * z.quietRate,
          durationMs: z.durationMs,
          bodyBytes: 100,
        }),
      );
      const { sent, sendMs } = alongside;
      const until = performance.now() + QUIET_DRAIN_MS;
      while (
        performance.now() < until &&
        (await quietGen.request('stepReceived', { step })) < sent * z.quietRoomSize
      )
        await sleep(100);
      const end = await quietGen.request('stepEnd', {
        step,
        expectedPerMessage: z.quietRoomSize,
        sent,
      });
      if (end.missing > 0)
        problems.push(
          `hot room ${what}: ${end.missing} quiet-room deliveries had not arrived ${QUIET_DRAIN_MS / 1000} s after sending`,
        );
      const every = untilEveryone(
        [await quietGen.request('takeCopies', {})],
        step,
        z.quietRoomSize,
      );
      const lat = Histogram.from(end.latency).summary();
      return {
        othersCpu: phase.othersCpu,
        withQuiet: checked('with quiet rooms', phase),
        quiet: {
          sentPerSec: (sent * 1000) / sendMs,
          p50: lat.p50,
          p99: lat.p99,
          everyoneP99: every.p99,
          missing: end.missing,
        },
      };
    };
    const { withQuiet, quiet, attempts } = await leastDisturbed(
      `${what} with quiet rooms`,
      z,
      besideQuiet,
    );
    const stored = await dep.roomSum(hotRoom!);
    const r: HotRun = {
      version: version.label,
      run,
      alone,
      withQuiet: { ...withQuiet, attempts },
      quiet,
      stored,
    };
    log(
      `  ${what}: hot alone ${fmt(alone.perSec)} msg/s, p99 to everyone ${fmt(alone.everyoneP99, 1)} ms; ` +
        `with quiet rooms ${fmt(withQuiet.perSec)} msg/s, p99 ${fmt(withQuiet.everyoneP99, 1)} ms; ` +
        `quiet p50 ${fmt(quiet.p50, 1)} p99 ${fmt(quiet.p99, 1)} ms; ` +
        `CPU nodes ${fmt(alone.nodesCpu)}%, PostgreSQL ${fmt(alone.postgresCpu)}%, other programs ${fmt(alone.othersCpu)}% / ${fmt(withQuiet.othersCpu)}%`,
    );
    if (stored < confirmed)
      problems.push(`hot room ${what}: ${confirmed} confirmed but ${stored} stored`);
    problems.push(...(await generatorProblems(gens, `hot room ${version.label}`)));
    return r;
  });
}

export async function hotRoom(opts: Options): Promise<ScenarioOutput> {
  const z: Sizes = {
    nodes: envInt('BENCH_HOT_NODES', opts.quick ? 2 : 4),
    sendersPerNode: envInt('BENCH_HOT_SENDERS', opts.quick ? 2 : 5),
    quietRooms: envInt('BENCH_HOT_QUIET_ROOMS', opts.quick ? 4 : 50),
    quietRoomSize: 2,
    quietRate: envInt('BENCH_HOT_QUIET_RATE', 1),
    durationMs: envInt('BENCH_HOT_MS', opts.quick ? 1500 : 10_000),
    quietMaxMs: envInt('BENCH_QUIET_MAX_MS', opts.quick ? 0 : 10_000),
    tries: envInt('BENCH_TRIES', opts.quick ? 1 : 3),
    limit: envInt('BENCH_OTHERS_MAX', 50),
  };
  const problems: string[] = [];
  const findings: string[] = [];
  const why = await servicesUnreachable();
  if (why !== undefined) {
    log(`hot room skipped: ${why}`);
    return {
      tables: [`hot room: skipped (${why})`],
      targets: [],
      problems: [],
      data: { skipped: why },
    };
  }
  const versions: Version[] = [{ label: 'after', root: CHECKOUT, commit: commitOf(CHECKOUT) }];
  const beforeRoot = process.env.BENCH_HOT_BEFORE;
  if (beforeRoot)
    versions.unshift({ label: 'before', root: beforeRoot, commit: commitOf(beforeRoot) });
  else log('hot room: BENCH_HOT_BEFORE is not set: this checkout only (no before)');

  const runs: HotRun[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    log(
      `hot room run ${run}/${opts.runs}: ${z.nodes} nodes x ${z.sendersPerNode} senders in one room; ` +
        `then with ${z.quietRooms} quiet rooms at ${z.quietRate} msg/s each; ${z.durationMs / 1000} s each`,
    );
    const order = run % 2 === 1 ? versions : [...versions].reverse();
    for (const v of order) {
      const r = await attempt(problems, `hot room ${v.label} run ${run}`, () =>
        measure(v, run, z, opts.quick, problems, findings),
      );
      if (r) runs.push(r);
    }
  }

  const of = (label: Version['label']) => runs.filter((r) => r.version === label);
  const rows: CompareRow<HotRun>[] = [
    ['hot room alone: messages/s committed', (r) => r.alone.perSec, 0],
    ['hot room alone: p50 send → every member, ms', (r) => r.alone.everyoneP50, 1],
    ['hot room alone: p99 send → every member, ms', (r) => r.alone.everyoneP99, 1],
    ['hot room alone: p99 send → each copy, ms', (r) => r.alone.deliveryP99, 1],
    ['hot room alone: mean messages.add, ms', (r) => r.alone.addMeanMs, 2],
    ['hot room alone: PostgreSQL commits/s', (r) => r.alone.commitsPerSec, 0],
    ['hot room alone: nodes CPU, % of a core', (r) => r.alone.nodesCpu, 0],
    ['hot room alone: PostgreSQL CPU, % of a core', (r) => r.alone.postgresCpu, 0],
    ['hot room alone: other programs, % of a core', (r) => r.alone.othersCpu, 0],
    ['with quiet rooms: hot messages/s committed', (r) => r.withQuiet.perSec, 0],
    ['with quiet rooms: hot p99 send → every member, ms', (r) => r.withQuiet.everyoneP99, 1],
    ['quiet rooms: messages/s sent', (r) => r.quiet.sentPerSec, 0],
    ['quiet rooms: p50 send → each copy, ms', (r) => r.quiet.p50, 1],
    ['quiet rooms: p99 send → each copy, ms', (r) => r.quiet.p99, 1],
    ['quiet rooms: p99 send → both members, ms', (r) => r.quiet.everyoneP99, 1],
    ['with quiet rooms: mean messages.add, ms', (r) => r.withQuiet.addMeanMs, 2],
    ['with quiet rooms: other programs, % of a core', (r) => r.withQuiet.othersCpu, 0],
  ];
  const label = (v: Version['label']) => {
    const x = versions.find((y) => y.label === v);
    return x ? `${v} (${x.commit})` : `${v} (not run)`;
  };
  const compared = compare(
    [
      { name: 'before', label: label('before'), runs: of('before') },
      { name: 'after', label: label('after'), runs: of('after') },
    ],
    1,
    rows,
  );
  const summary = {
    ...z,
    runs: opts.runs,
    versions,
    before: compared.medians[0]!,
    after: compared.medians[1]!,
    ratio: compared.ratios,
  };
  const quietP99 = (v: Version['label']) => median(of(v).map((r) => r.quiet.p99));
  return {
    tables: [
      `hot room on PostgreSQL, medians of ${opts.runs} run(s): ${z.nodes} nodes x ${z.sendersPerNode} users in one room, ` +
        `each sending as fast as it can (closed loop), ${z.durationMs / 1000} s; then the same with ${z.quietRooms} ` +
        `quiet rooms of ${z.quietRoomSize} users (each room on one node) sending ${z.quietRate} msg/s each:\n` +
        compared.text,
    ],
    targets: [
      {
        scenario: 'hot room',
        target: '(no target) quiet rooms beside a hot room, p99',
        measured: of('before').length
          ? `before ${fmt(quietP99('before'), 1)} ms, after ${fmt(quietP99('after'), 1)} ms`
          : `after ${fmt(quietP99('after'), 1)} ms (before not run)`,
        met: null,
        distance: '-',
      },
    ],
    problems,
    findings,
    data: { summary, runs },
  };
}
