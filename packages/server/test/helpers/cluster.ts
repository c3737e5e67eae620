import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, postgresUrlOrSkip, testSchemaName } from './postgres.ts';
import { FAST_FLAGS, GENEROUS_FLAGS, startServerProcess, type ServerProcess } from './process.ts';
import { startRedisCluster, type RedisCluster } from './redisCluster.ts';

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
    /** A Redis Cluster of the deployment's own, its bus instead of `services.redisUrl`. */
    private readonly redisCluster?: RedisCluster,
  ) {}

  /** The storage spec of this deployment, through `databaseUrl` (a proxy) when given. */
  storage(databaseUrl = this.services.databaseUrl): string {
    const u = new URL(databaseUrl);
    u.searchParams.set('schema', this.schema);
    return u.toString();
  }

  /** The bus spec of this deployment, through `redisUrl` (a proxy) when given. */
  bus(redisUrl = this.services.redisUrl): string {
    if (this.redisCluster) return `${this.redisCluster.spec}?channel=${this.schema}`;
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
    await dropSchema(this.services.databaseUrl, this.schema);
    await this.redisCluster?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The buses the cluster suites run on: plain Redis pub/sub, and a Redis Cluster's sharded pub/sub. */
export const BUS_KINDS = ['redis', 'redis-cluster'] as const;
export type BusKind = (typeof BUS_KINDS)[number];

/** A deployment on that bus (a Redis Cluster of its own, started here, for `redis-cluster`). */
export async function openDeployment(services: ClusterServices, bus: BusKind): Promise<Deployment> {
  return new Deployment(services, bus === 'redis' ? undefined : await startRedisCluster());
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

/** Resolves once `check` returns true (polled), or rejects after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
