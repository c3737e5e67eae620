import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  createConnection,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that a test can cut: every connection through it is dropped
 * and new ones are closed as soon as they open, until it is restored. This is how the
 * tests take PostgreSQL or Redis away from a node without touching the real services.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  /** The client ends of the connections through it. */
  private readonly clients = new Set<Socket>();
  /** Cut for everyone (true), for the processes of these pids, or not cut. */
  private isCut: boolean | Set<number> = false;

  private constructor(
    private readonly server: Server,
    /** Where the proxy listens. */
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** `url` (a postgres:// or redis:// URL) going through this proxy instead. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.isCut = true;
    for (const s of this.sockets) s.destroy();
  }

  /**
   * Drops the connections of one process and refuses its new ones. (They are told by their
   * owner: a Redis Cluster's clients follow the addresses its servers announce, the same for
   * every client, so no proxy can stand in front of one node process alone.)
   */
  cutProcess(pid: number): void {
    if (this.isCut === true) return;
    this.isCut = new Set([...(this.isCut || []), pid]);
    for (const c of this.clients) if (this.refuses(c)) c.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refuses(client: Socket): boolean {
    const cut = this.isCut;
    if (typeof cut === 'boolean') return cut;
    return [...cut].some((pid) => holds(pid, client.remotePort!, this.port));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.refuses(client)) {
      client.destroy();
      return;
    }
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    const upstream = createConnection(target.port, target.host);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  }
}

/**
 * Whether process `pid` holds the connection from local `port` to local `to` (Linux: the
 * socket's inode in /proc/net/tcp, among the process's open files).
 */
function holds(pid: number, port: number, to: number): boolean {
  const hex = (p: number) => `:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  let inode: string | undefined;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(hex(port)) && cols[2]?.endsWith(hex(to))) inode = cols[9];
  }
  if (inode === undefined) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // the process has exited
  }
  return fds.some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
    } catch {
      return false;
    }
  });
}

/** Host and port of a service URL (defaults as its clients apply them). */
export function targetOf(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: u.port === '' ? defaultPort : Number(u.port) };
}
