import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { waitFor } from './wait.ts';
import { withClient } from './postgres.ts';
import { targetOf, TcpProxy } from './proxy.ts';
import { freePort } from './redisCluster.ts';

/** Debian puts pgbouncer in /usr/sbin, which a user's PATH may lack. */
export const PGBOUNCER = existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer';

/** PgBouncer in transaction pooling mode in front of the test PostgreSQL, for one test file. */
export interface PgBouncer {
  /** The URL of `database` through PgBouncer. */
  url(database: string): string;
  /** With `proxied`: the proxy between PgBouncer and PostgreSQL, which a test can cut. */
  upstream?: TcpProxy;
  stop(): Promise<void>;
}

/**
 * Starts Debian's pgbouncer on a port of its own: every database of the server behind it
 * (`*`), trust authentication, `pool_mode = transaction` (a server connection serves one
 * transaction of a client, then another client's: nothing a session sets survives).
 */
export async function startPgBouncer(
  directUrl: string,
  opts: { proxied?: boolean } = {},
): Promise<PgBouncer> {
  const target = new URL(directUrl);
  const upstream = opts.proxied ? await TcpProxy.start(targetOf(directUrl, 5432)) : undefined;
  const server = upstream
    ? `host=127.0.0.1 port=${upstream.port}`
    : `host=${target.hostname} port=${target.port || 5432}`;
  const user = decodeURIComponent(target.username) || 'postgres';
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'chat-pgbouncer-'));
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = ${server}`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 2000',
      'default_pool_size = 20',
      // PostgreSQL away: a transaction waiting for a server fails after 5 s, as a node's
      // connection attempt does directly (by default it waits 120 s: calls hang that long),
      // and a failed login is tried again after 1 s (by default 15 s: the nodes' recovery waits)
      'query_wait_timeout = 5',
      'server_login_retry = 1',
      // node-postgres sends these; PgBouncer answers them itself
      'ignore_startup_parameters = extra_float_digits',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
    ].join('\n'),
  );
  // pgbouncer refuses to run as root: it drops to the postgres user (-u), which must read its files
  const root = process.getuid?.() === 0;
  if (root) {
    const { uid, gid } = postgresIds();
    for (const f of ['', 'users.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid);
    chmodSync(dir, 0o755);
  }
  const child: ChildProcess = spawn(
    PGBOUNCER,
    [...(root ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')],
    { stdio: 'ignore' },
  );
  const url = (database: string) => {
    const u = new URL(directUrl);
    u.port = String(port);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const stop = async () => {
    child.kill('SIGKILL');
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('pgbouncer to answer', async () => {
      const client = new pg.Client({ connectionString: url(target.pathname.slice(1) || user) });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, upstream, stop };
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Creates a database of its own for a test file (through PgBouncer, no schema is set per session). */
export function createDatabase(directUrl: string, name: string): Promise<void> {
  return withClient(directUrl, async (client) => {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  });
}

export function dropDatabase(directUrl: string, name: string): Promise<void> {
  return withClient(directUrl, async (client) => {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  });
}
