import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TcpProxy } from './proxy.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** A free TCP port of this machine. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A Redis Cluster of its own for a test file: its bus spec, and how to stop it. */
export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:P1,...`: what `--bus` takes. */
  spec: string;
  /** The ports of its redis-server processes. */
  ports: number[];
  /**
   * With `proxied`, one proxy per redis-server, whose port that server announces: every
   * client of the cluster reaches it through them (the servers talk among themselves directly).
   */
  proxies: TcpProxy[];
  /** Kills its redis-servers (a crash: no shutdown, pub/sub state gone): all, or those of these indexes. */
  kill(which?: number[]): Promise<void>;
  /**
   * Starts them again (all, or those of these indexes) from their cluster config files;
   * resolves once every slot is served.
   */
  restart(which?: number[]): Promise<void>;
  /** The index (in `ports`) of the server whose slots hold `key` (a key or a sharded channel). */
  serverOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-server processes in cluster mode (no replicas, nothing saved) on
 * ports of their own, joins them into one cluster, and resolves once every slot is served.
 */
export async function startRedisCluster(
  masters = 3,
  opts: { proxied?: boolean } = {},
): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const proxies = opts.proxied
    ? await Promise.all(ports.map((port) => TcpProxy.start({ host: '127.0.0.1', port })))
    : [];
  const args = (port: number, i: number) => [
    ...['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
    ...['--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir],
    ...['--save', '', '--appendonly', 'no'],
    ...(proxies[i] ? ['--cluster-announce-port', String(proxies[i].port)] : []),
  ];
  const servers: (ChildProcess | undefined)[] = [];
  const all = ports.map((_, i) => i);
  const spawnServers = (which: number[]) => {
    for (const i of which)
      servers[i] = spawn('redis-server', args(ports[i]!, i), { stdio: 'ignore' });
  };
  const kill = async (which = all) => {
    await Promise.all(
      which.map(async (i) => {
        const s = servers[i];
        if (s?.pid === undefined || s.exitCode !== null || s.signalCode !== null) return;
        const exited = new Promise((r) => s.once('exit', r));
        s.kill('SIGKILL');
        await exited;
      }),
    );
  };
  const cli = (port: number, ...args: string[]) =>
    run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  const served = async () => {
    for (const port of ports) {
      await waitFor(`cluster state ok on ${port}`, async () => {
        try {
          return (await cli(port, 'cluster', 'info')).stdout.includes('cluster_state:ok');
        } catch {
          return false;
        }
      });
    }
  };
  const stop = async () => {
    await kill();
    await Promise.all(proxies.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  spawnServers(all);
  try {
    for (const port of ports) {
      await waitFor(`redis-server on ${port}`, async () => {
        try {
          return (await cli(port, 'ping')).stdout.includes('PONG');
        } catch {
          return false;
        }
      });
    }
    await cli(
      ports[0]!,
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    );
    await served();
  } catch (err) {
    await stop();
    throw err;
  }
  const seeds = proxies.length > 0 ? proxies.map((p) => p.port) : ports;
  return {
    spec: `redis-cluster://${seeds.map((p) => `127.0.0.1:${p}`).join(',')}`,
    ports,
    proxies,
    kill,
    async restart(which = all) {
      await kill(which);
      spawnServers(which);
      await served();
    },
    async serverOf(key: string) {
      const slot = Number((await cli(ports[0]!, 'cluster', 'keyslot', key)).stdout);
      for (const [i, port] of ports.entries()) {
        const nodes = (await cli(port, 'cluster', 'nodes')).stdout.split('\n');
        const ranges = nodes
          .find((l) => l.includes('myself'))!
          .split(' ')
          .slice(8);
        for (const r of ranges) {
          const [from, to = from] = r.split('-').map(Number);
          if (slot >= from! && slot <= to!) return i;
        }
      }
      throw new Error(`no server of the cluster serves ${key}`);
    },
    stop,
  };
}
