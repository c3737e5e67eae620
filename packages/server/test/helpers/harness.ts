import type { WebSocket } from 'ws';
import type { ServerStatement } from '@chat/protocol';
import { createNode, type ChatNode } from '../../src/chat/node.ts';
import { DEFAULTS, type Config } from '../../src/config.ts';
import type { Connection } from '../../src/hub/connection.ts';
import { RateLimit } from '../../src/hub/rateLimit.ts';
import { newId } from '../../src/ids.ts';
import { ProtocolClient } from './client.ts';
import { FAST_TIMINGS, GENEROUS_LIMITS } from './server.ts';

/**
 * A node with no network: clients talk to it through in-memory sockets, so a call's test
 * costs what the call costs and nothing of TCP, HTTP or WebSocket framing. The same
 * sessions, dispatcher and hub as a served node; what the transport itself does (rate
 * limits on arrival, the upgrade, pings) is tested on real sockets.
 */
export class Harness {
  private readonly clients = new Set<InProcessClient>();

  private constructor(readonly node: ChatNode) {}

  static async start(config: Partial<Config> = {}): Promise<Harness> {
    const node = await createNode({
      ...DEFAULTS,
      storage: 'memory',
      logLevel: 'silent',
      ...GENEROUS_LIMITS,
      ...FAST_TIMINGS,
      ...config,
    });
    return new Harness(node);
  }

  /** A client, greeted (user_created and rooms_listed consumed). */
  async connect(
    opts: { token?: string; version?: 1 | 2; address?: string } = {},
  ): Promise<InProcessClient> {
    const client = new InProcessClient(this.node);
    this.clients.add(client);
    await client.open(opts);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.clients].map((c) => c.close()));
    await this.node.stop();
  }
}

/** The server's end of an in-memory socket: what a Connection writes, the client reads. */
class MemorySocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;

  constructor(
    private readonly deliver: (frame: string) => void,
    private readonly ended: (code: number) => void,
  ) {}

  send(frame: string): void {
    // later, as a socket would: never inside the server's own call
    if (this.readyState === this.OPEN) queueMicrotask(() => this.deliver(frame));
  }

  close(code = 1000): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 3;
    queueMicrotask(() => this.ended(code));
  }

  terminate(): void {
    this.close(1006);
  }
}

/** A client of a Harness: the same helpers as a WebSocket TestClient. */
export class InProcessClient extends ProtocolClient {
  readonly closed: Promise<number>;
  private end: (code: number) => void = () => {};
  private conn: Connection | undefined;
  private socket: MemorySocket | undefined;
  /** Calls of one connection run one after another, as the WebSocket endpoint runs them. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly node: ChatNode) {
    super();
    this.closed = new Promise((resolve) => (this.end = resolve));
  }

  async open(opts: { token?: string; version?: 1 | 2; address?: string }): Promise<void> {
    const socket = new MemorySocket(
      (frame) => this.receive(JSON.parse(frame) as ServerStatement),
      (code) => void this.ended(code),
    );
    this.socket = socket;
    const { config } = this.node;
    this.conn = await this.node.sessions.open(socket as unknown as WebSocket, {
      session: newId(),
      token: opts.token ?? null,
      address: opts.address ?? '127.0.0.1',
      version: opts.version ?? 2,
      limit: new RateLimit(config.rateLimitPerSecond, config.rateLimitBurst),
    });
    if (this.conn) await this.greeted();
  }

  sendRaw(data: string): void {
    const conn = this.conn;
    if (!conn || conn.closed) return;
    this.chain = this.chain.then(() => this.node.dispatcher.dispatch(conn, data));
  }

  /** The socket is gone: the server lets the connection go as it would on a close. */
  private async ended(code: number): Promise<void> {
    this.closeCode = code;
    const conn = this.conn;
    if (conn && !conn.closed) {
      this.node.sessions.closed(conn);
      await this.chain;
      await this.node.sessions.farewell(conn);
    }
    this.end(code);
  }

  close(): Promise<number> {
    this.socket?.close(1000);
    return this.closed;
  }
}
