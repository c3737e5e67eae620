import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, postgresUrlOrSkip, testSchemaName } from './postgres.ts';
import { FAST_FLAGS, GENEROUS_FLAGS, startServerProcess, type ServerProcess } from './process.ts';
import {
  createDatabase,
  dropDatabase,
  PGBOUNCER,
  startPgBouncer,
  type PgBouncer,
} from './pgbouncer.ts';
import { startRedisCluster, type RedisCluster } from './redisCluster.ts';

export { waitFor } from './wait.ts';

/** The shared services of the cluster tests. */
export interface ClusterServices {
  databaseUrl: string;
  redisUrl: string;
}

/**
 * `DATABASE_URL` and `REDIS_URL`. Without them the cluster tests are skipped, with the
 * reason printed, except under CI (`CI=true`), where this throws so that the run fails.
 */
export function clusterServicesOrSkip(): ClusterServices | undefined {
  const databaseUrl = postgresUrlOrSkip();
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (process.env.CI === 'true') {
      throw new Error('REDIS_URL is not set, and CI must run the cluster tests.');
    }
    console.warn('Skipping the cluster tests: REDIS_URL is not set.');
  }
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : undefined;
}

/** One node process, started with the CLI. */
export type NodeProcess = ServerProcess;

/**
 * The nodes of one test file: its own PostgreSQL schema and Redis channel (named alike),
 * so parallel runs never see each other.
 */
export class Deployment {
  readonly schema = testSchemaName();
  private readonly nodes: NodeProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'chat-cluster-'));

  constructor(
    readonly services: ClusterServices,
    /** The services started for this deployment alone. */
    readonly own: {
      /** A Redis Cluster of the deployment's own, its bus instead of `services.redisUrl`. */
      redisCluster?: RedisCluster;
      /** PgBouncer in front of PostgreSQL: the deployment has a database of its own behind it. */
      pgbouncer?: PgBouncer;
    } = {},
  ) {}

  /** The storage spec of this deployment, through `databaseUrl` (a proxy) when given. */
  storage(databaseUrl = this.services.databaseUrl): string {
    // through PgBouncer nothing set per session survives: a database, not a search_path
    if (this.own.pgbouncer) return this.own.pgbouncer.url(this.schema);
    const u = new URL(databaseUrl);
    u.searchParams.set('schema', this.schema);
    return u.toString();
  }

  /** The bus spec of this deployment, through `redisUrl` (a proxy) when given. */
  bus(redisUrl = this.services.redisUrl): string {
    const cluster = this.own.redisCluster;
    if (cluster) return `${cluster.spec}?channel=${this.schema}`;
    const u = new URL(redisUrl);
    u.searchParams.set('channel', this.schema);
    return u.toString();
  }

  /** Starts a node; resolves once it listens. */
  async start(
    name: string,
    opts: { storage?: string; bus?: string; args?: string[] } = {},
  ): Promise<NodeProcess> {
    const node = await startServerProcess(
      name,
      [
        ...['--storage', opts.storage ?? this.storage(), '--bus', opts.bus ?? this.bus()],
        ...['--node-id', name, ...GENEROUS_FLAGS, ...FAST_FLAGS],
        ...(opts.args ?? []),
      ],
      this.dir,
    );
    this.nodes.push(node);
    return node;
  }

  /** Stops every node and drops the schema. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await this.own.redisCluster?.stop();
    if (this.own.pgbouncer) {
      await this.own.pgbouncer.stop();
      await dropDatabase(this.services.databaseUrl, this.schema);
    } else await dropSchema(this.services.databaseUrl, this.schema);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * What the cluster suites run on: plain Redis pub/sub and PostgreSQL; a Redis Cluster's
 * sharded pub/sub (started for the file); PostgreSQL through PgBouncer in transaction pooling
 * mode (started for the file, with a database of the deployment's own).
 */
export type Setup = 'redis' | 'redis-cluster' | 'pgbouncer';
export const SETUPS: Setup[] = [
  'redis',
  ...available('redis-cluster', 'redis-server'),
  ...available('pgbouncer', PGBOUNCER),
];

/**
 * The setup when its program runs here; without it the setup is skipped, with the reason
 * printed, except under CI, where the program must be there (.ci/run installs it).
 */
function available(setup: Setup, program: string): Setup[] {
  try {
    execFileSync(program, ['--version'], { stdio: 'ignore' });
    return [setup];
  } catch {
    if (process.env.CI === 'true')
      throw new Error(`${program} is missing, and CI must run the ${setup} tests.`);
    console.warn(`Skipping the cluster tests on ${setup}: ${program} is not installed.`);
    return [];
  }
}

/**
 * A deployment on that setup. `proxied`: the services it starts of its own are reached
 * through proxies a test can cut (see RedisCluster.proxies, PgBouncer.upstream).
 */
export async function openDeployment(
  services: ClusterServices,
  setup: Setup,
  opts: { proxied?: boolean } = {},
): Promise<Deployment> {
  if (setup === 'redis') return new Deployment(services);
  if (setup === 'redis-cluster') {
    return new Deployment(services, { redisCluster: await startRedisCluster(3, opts) });
  }
  const pgbouncer = await startPgBouncer(services.databaseUrl, opts);
  const deployment = new Deployment(services, { pgbouncer });
  await createDatabase(services.databaseUrl, deployment.schema);
  return deployment;
}

/** GET /healthz of a node. */
export async function health(
  url: string,
): Promise<{ status: number; body: { ok: boolean; storage: boolean; bus: boolean } }> {
  const res = await fetch(`${url}/healthz`);
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; storage: boolean; bus: boolean },
  };
}
