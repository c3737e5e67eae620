/**
 * Many chat nodes on this machine (the cluster and hot-room scenarios): node processes
 * started with the server's CLI, of this checkout or of another (an older commit's worktree),
 * sharing PostgreSQL (a fresh schema, dropped after) and Redis (a channel of their own, named
 * like the schema); each node's /metrics, and Redis's INFO.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ROOM_COLORS } from '@chat/protocol';
import { openStorage } from '../../packages/server/src/storage/index.ts';
import { STORAGE_LIMITS } from '../../packages/server/src/storage/storage.ts';
import { dropSchema } from '../../packages/server/test/helpers/postgres.ts';
import { GENEROUS_FLAGS, startServerProcess } from '../../packages/server/test/helpers/process.ts';
import {
  CpuMeter,
  startGenerators,
  stopChildren,
  track,
  type GeneratorChild,
} from './processes.ts';
import { BENCH_DIR } from './report.ts';

/**
 * The checkout whose server is started: BENCH_SERVER_DIR (e.g. a worktree of a commit, when
 * this working tree is being edited), or this checkout.
 */
export const CHECKOUT = process.env.BENCH_SERVER_DIR || join(BENCH_DIR, '..');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The commit a checkout's server is at (`+changes`: its sources differ from it). */
export function commitOf(root: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  try {
    const dirty = git(
      'status',
      '--porcelain',
      '--',
      'packages/server/src',
      'packages/protocol/src',
    );
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** A URL without its password, for messages. */
export const masked = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@');

/** Why PostgreSQL cannot be used (undefined: it can). */
export async function postgresUnreachable(url = DATABASE_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why PostgreSQL or Redis cannot be used (undefined: both can). */
export async function servicesUnreachable(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let redisWhy: string | undefined;
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redisWhy = `Redis at ${masked(REDIS_URL)}: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    redis.disconnect();
  }
  const pgWhy = await postgresUnreachable();
  const why = [pgWhy && `PostgreSQL at ${masked(DATABASE_URL)}: ${pgWhy}`, redisWhy];
  return why.filter(Boolean).join('; ') || undefined;
}

/** Limits that one address with thousands of clients never reaches, and a deep send queue. */
const NODE_FLAGS = [
  ...GENEROUS_FLAGS,
  ...['--max-connections-per-ip', '1000000', '--max-buffered-bytes', String(256 << 20)],
];

export interface BenchNode {
  name: string;
  url: string;
  pid: number;
  exited: Promise<number | null>;
  /** Its first log lines at level error or fatal. */
  readonly errors: string[];
  /** SIGTERM (the CLI stops cleanly), SIGKILL after 10 s. */
  stop(): Promise<unknown>;
}

/**
 * `node --import tsx <root>/packages/server/src/main.ts --port 0 ...`, as `npm start` runs
 * the server (the tests' startServerProcess); resolves with its URL once it listens.
 */
export async function startNode(root: string, name: string, args: string[]): Promise<BenchNode> {
  const node = await startServerProcess(
    name,
    [
      ...['--host', '127.0.0.1', '--static-dir', '/nonexistent', '--node-id', name],
      ...NODE_FLAGS,
      ...args,
    ],
    root,
    {
      command: ['--import', 'tsx', join(root, 'packages/server/src/main.ts')],
      listenTimeoutMs: 60_000,
    },
  );
  return track({
    name,
    url: node.url,
    pid: node.child.pid ?? 0,
    exited: node.exited,
    get errors() {
      return node.logs
        .filter((entry) => entry.level === 50 || entry.level === 60)
        .slice(0, 10)
        .map((entry) => JSON.stringify(entry).slice(0, 500));
    },
    stop: () => node.stop(),
  });
}

/**
 * The nodes of one measurement: a PostgreSQL schema and a Redis channel of their own
 * (`bench_<random>`), `routing` on the bus (`single`: every event on one channel, as before
 * topics), nodes started from `root`.
 */
export class Deployment {
  readonly schema = `bench_${randomBytes(6).toString('hex')}`;
  readonly nodes: BenchNode[] = [];
  private readonly gens: GeneratorChild[] = [];
  private redis: RedisInfo | undefined;

  constructor(
    readonly root = CHECKOUT,
    readonly routing: 'topics' | 'single' = 'topics',
  ) {}

  get storage(): string {
    const u = new URL(DATABASE_URL);
    u.searchParams.set('schema', this.schema);
    return u.toString();
  }

  get bus(): string {
    const u = new URL(REDIS_URL);
    u.searchParams.set('channel', this.schema);
    if (this.routing === 'single') u.searchParams.set('routing', 'single');
    return u.toString();
  }

  /** Creates the schema (migrated by this checkout's storage) and rooms in it; their uuids. */
  async seedRooms(names: string[]): Promise<string[]> {
    const storage = await openStorage(this.storage, STORAGE_LIMITS);
    try {
      const base = Date.now();
      const uuids: string[] = [];
      for (const [i, name] of names.entries()) {
        const uuid = randomUUID();
        await storage.rooms.create({
          uuid,
          name,
          color: ROOM_COLORS[i % ROOM_COLORS.length]!,
          created: new Date(base + i).toISOString(),
          drawing_uuid: randomUUID(),
        });
        uuids.push(uuid);
      }
      return uuids;
    } finally {
      await storage.close();
    }
  }

  /** Starts `n` more nodes at once; resolves when all listen. */
  async start(n: number): Promise<BenchNode[]> {
    const first = this.nodes.length;
    const started = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        startNode(this.root, `node-${first + i + 1}`, [
          ...['--storage', this.storage, '--bus', this.bus],
        ]),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') this.nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return this.nodes.slice(first);
  }

  /** Messages stored in a room (its `sum`). */
  async roomSum(room: string): Promise<number> {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const r = await client.query<{ sum: number }>(
        `select sum from ${client.escapeIdentifier(this.schema)}.rooms where uuid = $1`,
        [room],
      );
      return Number(r.rows[0]?.sum ?? NaN);
    } finally {
      await client.end();
    }
  }

  /** `n` load generators, stopped with the deployment. */
  async generators(n: number): Promise<GeneratorChild[]> {
    const gens = await startGenerators(n);
    this.gens.push(...gens);
    return gens;
  }

  /** A reader of Redis's INFO, closed with the deployment. */
  async redisInfo(): Promise<RedisInfo> {
    return (this.redis ??= await RedisInfo.open());
  }

  /** Runs `measure`, then stops everything (generators, nodes) and drops the schema. */
  async use<T>(measure: () => Promise<T>): Promise<T> {
    try {
      return await measure();
    } catch (err) {
      throw this.explain(err);
    } finally {
      await this.dispose();
    }
  }

  /** `err`, with the error lines the nodes logged (why a node refused or closed a connection). */
  explain(err: unknown): Error {
    const lines = this.nodes.flatMap((n) => n.errors.map((e) => `${n.name}: ${e}`));
    const msg = err instanceof Error ? err.message : String(err);
    return new Error(lines.length ? `${msg}; the nodes logged:\n${lines.join('\n')}` : msg, {
      cause: err,
    });
  }

  /** Stops the generators and every node, drops the schema. */
  async dispose(): Promise<void> {
    this.redis?.close();
    await stopChildren(...this.gens);
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => undefined)));
    await dropSchema(DATABASE_URL, this.schema);
  }
}

/** What a node's /metrics counts, at one moment (`at`: performance.now()). */
export interface NodeCounters {
  at: number;
  busEvents: number;
  busChars: number;
  deliveries: number;
  cpuSeconds: number;
  /** chat_storage_seconds of messages.add: calls, and their seconds in all. */
  addCount: number;
  addSeconds: number;
  /** Messages delivered from storage because their bus copy was late (chat_gap_fills_total). */
  gapFills: number;
  /** Calls refused as `unavailable` (storage or bus away, or too slow). */
  unavailable: number;
}

/** Reads a node's /metrics (loopback only). */
export async function nodeCounters(node: BenchNode): Promise<NodeCounters> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  // a labelled series is absent until its first observation: 0 then
  const value = (series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  return {
    at: performance.now(),
    busEvents: value('chat_bus_received_total'),
    busChars: value('chat_bus_received_bytes_total'),
    deliveries: value('chat_deliveries_total'),
    cpuSeconds: value('process_cpu_seconds_total'),
    addCount: value('chat_storage_seconds_count{method="messages.add"}'),
    addSeconds: value('chat_storage_seconds_sum{method="messages.add"}'),
    gapFills: value('chat_gap_fills_total'),
    unavailable: value('chat_errors_total{error="unavailable"}'),
  };
}

/** Per second between two readings of one node; CPU in % of a core; mean messages.add in ms. */
export function nodeRates(a: NodeCounters, b: NodeCounters) {
  const s = (b.at - a.at) / 1000;
  return {
    busEventsPerSec: (b.busEvents - a.busEvents) / s,
    busCharsPerSec: (b.busChars - a.busChars) / s,
    deliveriesPerSec: (b.deliveries - a.deliveries) / s,
    cpu: ((b.cpuSeconds - a.cpuSeconds) / s) * 100,
    addMeanMs: ((b.addSeconds - a.addSeconds) / (b.addCount - a.addCount)) * 1000,
    gapFills: b.gapFills - a.gapFills,
    unavailable: b.unavailable - a.unavailable,
  };
}
export type NodeRates = ReturnType<typeof nodeRates>;

/** Redis's own counters (INFO): bytes out and in, CPU seconds, clients, at one moment. */
export interface RedisCounters {
  at: number;
  outputBytes: number;
  inputBytes: number;
  cpuSeconds: number;
  clients: number;
}

/** A connection that reads Redis's INFO. */
export class RedisInfo {
  private constructor(private readonly redis: Redis) {}

  static async open(url = REDIS_URL): Promise<RedisInfo> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    return new RedisInfo(redis);
  }

  async read(): Promise<RedisCounters> {
    const text = await this.redis.info();
    const at = performance.now();
    const field = (name: string) => Number(new RegExp(`^${name}:(\\S+)`, 'm').exec(text)?.[1]);
    return {
      at,
      outputBytes: field('total_net_output_bytes'),
      inputBytes: field('total_net_input_bytes'),
      cpuSeconds: field('used_cpu_user') + field('used_cpu_sys'),
      clients: field('connected_clients'),
    };
  }

  close(): void {
    this.redis.disconnect();
  }
}

/**
 * CPU seconds of every `postgres` process of this machine, and of those that ended (their
 * parent, the postmaster, counts its reaped children's); Linux, 0 elsewhere.
 */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      // after the name: state, ppid ...; utime, stime, cutime, cstime are fields 14 to 17
      const f = stat.slice(close + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // gone meanwhile
    }
  }
  // USER_HZ is 100 on Linux
  return ticks / 100;
}

/** Where the machine's CPU went over a window, % of a core, and the nodes' and Redis's rates. */
export interface WindowUse {
  nodes: NodeRates[];
  nodesCpu: number;
  generatorCpu: number;
  /** All `postgres` processes (other programs' queries included). */
  postgresCpu: number;
  /** Redis's own (INFO), other programs' traffic included. */
  redisCpu: number;
  redisOutPerSec: number;
  redisInPerSec: number;
  /** Redis's clients at the start (ours: 2 per node and the reader). */
  redisClients: number;
  /** Everything else on the machine: other programs. */
  othersCpu: number;
  /** Transactions committed in the database (pg_stat_database: other programs' included). */
  commitsPerSec: number;
}

/** Transactions committed in the database so far. */
async function commits(): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    // the statistics of this transaction's snapshot would stay frozen: read them afresh
    await client.query('select pg_stat_clear_snapshot()');
    const r = await client.query<{ n: string }>(
      'select xact_commit as n from pg_stat_database where datname = current_database()',
    );
    return Number(r.rows[0]?.n ?? NaN);
  } finally {
    await client.end();
  }
}

/** Reads the nodes, Redis, PostgreSQL and the machine at the start and end of a window. */
export class WindowMeter {
  private constructor(
    private readonly nodes: BenchNode[],
    private readonly redis: RedisInfo,
    private readonly cpu: CpuMeter,
    private readonly n0: NodeCounters[],
    private readonly r0: RedisCounters,
    private readonly pg0: { at: number; seconds: number; commits: number },
  ) {}

  static async start(
    nodes: BenchNode[],
    gens: GeneratorChild[],
    redis: RedisInfo,
  ): Promise<WindowMeter> {
    const [n0, r0] = await Promise.all([Promise.all(nodes.map(nodeCounters)), redis.read()]);
    const pg0 = { at: performance.now(), seconds: postgresCpuSeconds(), commits: await commits() };
    return new WindowMeter(nodes, redis, await CpuMeter.start(gens), n0, r0, pg0);
  }

  async stop(): Promise<WindowUse> {
    const [n1, r1] = await Promise.all([
      Promise.all(this.nodes.map(nodeCounters)),
      this.redis.read(),
    ]);
    const pg1 = { at: performance.now(), seconds: postgresCpuSeconds(), commits: await commits() };
    const cpu = await this.cpu.stop();
    const nodes = this.n0.map((a, i) => nodeRates(a, n1[i]!));
    const s = (r1.at - this.r0.at) / 1000;
    const nodesCpu = nodes.reduce((x, r) => x + r.cpu, 0);
    const pgSeconds = (pg1.at - this.pg0.at) / 1000;
    const postgresCpu = ((pg1.seconds - this.pg0.seconds) / pgSeconds) * 100;
    const redisCpu = ((r1.cpuSeconds - this.r0.cpuSeconds) / s) * 100;
    return {
      nodes,
      nodesCpu,
      generatorCpu: cpu.generator,
      postgresCpu,
      redisCpu,
      redisOutPerSec: (r1.outputBytes - this.r0.outputBytes) / s,
      redisInPerSec: (r1.inputBytes - this.r0.inputBytes) / s,
      redisClients: this.r0.clients,
      // CpuMeter's others: the machine less the generators
      othersCpu: Math.max(0, cpu.others - nodesCpu - postgresCpu - redisCpu),
      commitsPerSec: (pg1.commits - this.pg0.commits) / pgSeconds,
    };
  }
}

/** What the generators saw go wrong: connections the server closed, error frames. */
export async function generatorProblems(gens: GeneratorChild[], what: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of await Promise.all(gens.map((g) => g.request('problems', {})))) {
    if (p.unexpectedCloses > 0)
      out.push(`${what}: the server closed ${p.unexpectedCloses} connections`);
    if (p.errorFrames > 0)
      out.push(`${what}: ${p.errorFrames} error frames, e.g. ${p.errorSamples[0]}`);
  }
  return out;
}
