import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dropSchema, postgresUrlOrSkip, testSchemaName } from './postgres.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
// nodes run from a temporary directory: load tsx from this repository
const TSX = new URL('../../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

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
export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Its log lines, parsed. */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * The nodes of one test file: its own PostgreSQL schema and Redis channel (named alike),
 * so parallel runs never see each other.
 */
export class Deployment {
  readonly schema = testSchemaName();
  private readonly nodes: NodeProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'chat-cluster-'));

  constructor(readonly services: ClusterServices) {}

  /** The storage spec of this deployment, through `databaseUrl` (a proxy) when given. */
  storage(databaseUrl = this.services.databaseUrl): string {
    const u = new URL(databaseUrl);
    u.searchParams.set('schema', this.schema);
    return u.toString();
  }

  /** The bus spec of this deployment, through `redisUrl` (a proxy) when given. */
  bus(redisUrl = this.services.redisUrl): string {
    const u = new URL(redisUrl);
    u.searchParams.set('channel', this.schema);
    return u.toString();
  }

  /** Starts a node; resolves once it listens. */
  async start(
    name: string,
    opts: { storage?: string; bus?: string; args?: string[] } = {},
  ): Promise<NodeProcess> {
    const args = [
      ...['--port', '0', '--storage', opts.storage ?? this.storage()],
      ...['--bus', opts.bus ?? this.bus(), '--node-id', name, '--log-level', 'info'],
      ...['--rate-burst', '1000'],
      ...(opts.args ?? []),
    ];
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let stopping = false;
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    void exited.then((code) => {
      // a node that dies on its own is a bug: say why
      if (!stopping && child.signalCode !== 'SIGKILL') {
        console.error(
          `node ${name} exited with ${code}:\n${stderr}\n${JSON.stringify(logs.slice(-20))}`,
        );
      }
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logs.push(entry);
        if (typeof entry.url === 'string') resolve(entry.url);
      });
      void exited.then((code) =>
        reject(new Error(`node ${name} exited with ${code}: ${stderr}${JSON.stringify(logs)}`)),
      );
    });
    const node: NodeProcess = {
      name,
      url,
      child,
      logs,
      exited,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        stopping = true;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
    this.nodes.push(node);
    return node;
  }

  /** Stops every node and drops the schema. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await dropSchema(this.services.databaseUrl, this.schema);
    rmSync(this.dir, { recursive: true, force: true });
  }
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
