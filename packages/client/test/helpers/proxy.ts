import {
  createConnection,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

type Flow = 'pass' | 'hold';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Server to client. */
  down: Flow;
  /** Client to server. */
  up: Flow;
}

/**
 * A TCP proxy on 127.0.0.1 in front of the chat server that a test can disturb: freeze the
 * connections through it (a server that stops answering), hold one direction, drop them
 * (a network cut), or refuse new ones for a while.
 */
export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, targetPort));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** The open connections stop passing anything, both ways (new ones work). */
  freeze(): void {
    for (const p of this.pairs) p.down = p.up = 'hold';
  }

  /** The open connections stop passing the server's frames to the client (new ones work). */
  holdDown(): void {
    for (const p of this.pairs) p.down = 'hold';
  }

  /** Cuts every open connection. */
  drop(): void {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
  }

  /** While on, new connections are closed as soon as they open. */
  refuse(on: boolean): void {
    this.refusing = on;
  }

  async close(): Promise<void> {
    this.refuse(true);
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection(targetPort, '127.0.0.1');
    const pair: Pair = { client, upstream, down: 'pass', up: 'pass' };
    this.pairs.add(pair);
    client.on('data', (chunk) => {
      if (pair.up === 'pass') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pair.down === 'pass') client.write(chunk);
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.pairs.delete(pair);
        to.destroy();
      });
    }
  }
}
