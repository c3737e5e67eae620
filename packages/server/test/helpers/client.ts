import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  socketProtocols,
  VERSION_PARAM,
  type ErrorPayload,
  type ResultName,
  type ResultPayload,
  type ServerStatement,
  type User,
} from '@chat/protocol';

type Frame = ServerStatement;

export interface OpenOptions {
  token?: string;
  /** How the token travels: `?token=` as the original client sends it (default), or as ours do. */
  tokenIn?: 'url' | 'protocol';
  path?: string;
  /** The address to connect from (any 127.x.y.z on Linux): another client on another address. */
  localAddress?: string;
  /** Headers of the upgrade request (a proxy's forwarding header). */
  headers?: Record<string, string>;
  /** 2 (default): ours, with `?v=2`; 1: an original client, without it. */
  version?: 1 | 2;
}
type Predicate = (f: Frame) => boolean;

/**
 * A client's view of the protocol, whatever carries it: frames received in order, with
 * helpers to await them, and calls made with ids unique to its identity.
 */
export abstract class ProtocolClient {
  readonly received: Frame[] = [];
  private readonly queue: Frame[] = [];
  private waiters: { pred: Predicate; resolve: (f: Frame) => void }[] = [];
  user!: User;
  token!: string;
  resumed!: boolean;
  closeCode: number | undefined;
  abstract readonly closed: Promise<number>;
  private nextId = 0;
  /** Call ids are unique per identity, across connections (a repeated message id is a resend). */
  private readonly idPrefix = Math.random().toString(36).slice(2, 10);

  /** Writes one frame to the server. */
  abstract sendRaw(data: string): void;
  abstract close(): Promise<number>;

  /** A frame from the server. */
  protected receive(frame: Frame): void {
    this.received.push(frame);
    const i = this.waiters.findIndex((w) => w.pred(frame));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w!.resolve(frame);
    } else this.queue.push(frame);
  }

  /** Consumes the greeting (user_created, rooms_listed). */
  protected async greeted(): Promise<void> {
    const created = await this.next('user_created');
    this.user = created.object;
    this.token = created.token;
    this.resumed = created.resumed;
    await this.next('rooms_listed');
  }

  /** Sends a call; returns the id it carries (one is generated unless `id: null`). */
  call(
    message: string,
    fields: Record<string, unknown> = {},
    id: string | null = `${this.idPrefix}-${++this.nextId}`,
  ): string | undefined {
    const payload = id === null ? { message, ...fields } : { message, ...fields, id };
    this.sendRaw(JSON.stringify({ type: 'call', payload }));
    return id ?? undefined;
  }

  /** The next frame (in arrival order) that matches; frames before it stay queued. */
  take(pred: Predicate, timeoutMs = 3000): Promise<Frame> {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = { pred, resolve: (f: Frame) => (clearTimeout(timer), resolve(f)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out waiting; queued: ${JSON.stringify(this.queue.map((f) => f.payload.message))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next result named `message` (optionally matching `where`). */
  async next<K extends ResultName>(
    message: K,
    where: (p: ResultPayload<K>) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<ResultPayload<K>> {
    const f = await this.take(
      (f) =>
        f.type === 'result' &&
        f.payload.message === message &&
        where(f.payload as unknown as ResultPayload<K>),
      timeoutMs,
    );
    return f.payload as unknown as ResultPayload<K>;
  }

  /** The next error statement. */
  async error(timeoutMs?: number): Promise<ErrorPayload> {
    const f = await this.take((f) => f.type === 'error', timeoutMs);
    return f.payload as ErrorPayload;
  }

  /** The oldest unconsumed frame, strictly in order. */
  async shift(timeoutMs?: number): Promise<Frame> {
    return this.take(() => true, timeoutMs);
  }

  /** Unconsumed frames named `message`. */
  pending(message?: string): Frame[] {
    return this.queue.filter((f) => message === undefined || f.payload.message === message);
  }

  /** Drops everything queued. */
  drain(): void {
    this.queue.length = 0;
  }

  /** Waits `ms` and asserts that no frame matching `pred` arrived meanwhile (queued or new). */
  async quiet(ms: number, pred: Predicate = () => true): Promise<Frame[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.filter(pred);
  }

  /**
   * A round trip: resolves once every call sent before it has been carried out. Their direct
   * answers came before it; a message's own copy comes back through the bus, and may follow.
   */
  async sync(timeoutMs?: number): Promise<void> {
    const id = this.call('get_drawing');
    await this.take((f) => (f.payload as { id?: string }).id === id, timeoutMs);
  }
}

/** A real WebSocket client speaking the chat protocol. */
export class TestClient extends ProtocolClient {
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => {
      this.receive(JSON.parse((data as Buffer).toString('utf8')) as Frame);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => resolve((this.closeCode = code))),
    );
  }

  /** Connects and consumes the greeting (user_created, rooms_listed). */
  static async connect(url: string, opts: OpenOptions = {}): Promise<TestClient> {
    const client = await TestClient.open(url, opts);
    await client.greeted();
    return client;
  }

  /** Opens the socket without consuming anything. */
  static async open(url: string, opts: OpenOptions = {}): Promise<TestClient> {
    const query = new URLSearchParams();
    if (opts.version !== 1) query.set(VERSION_PARAM, String(PROTOCOL_VERSION));
    if (opts.token !== undefined && opts.tokenIn !== 'protocol') query.set('token', opts.token);
    const search = query.size > 0 ? `?${query.toString()}` : '';
    const ws = new WebSocket(
      url.replace(/^http/, 'ws') + (opts.path ?? '/ws') + search,
      opts.tokenIn === 'protocol' ? socketProtocols(opts.token) : [],
      {
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
      },
    );
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  sendRaw(data: string): void {
    this.ws.send(data);
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

/** Rejects with the HTTP status when the server refuses the WebSocket upgrade. */
export function openRaw(
  url: string,
  opts: { path?: string; origin?: string; localAddress?: string; protocols?: string[] } = {},
): Promise<WebSocket> {
  const ws = new WebSocket(
    url.replace(/^http/, 'ws') + (opts.path ?? '/ws'),
    opts.protocols ?? [],
    {
      ...(opts.origin ? { origin: opts.origin } : {}),
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    },
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A line uuid (lines need UUIDs) named by a short label, the same for the same label. */
export function lineId(label: string): string {
  const hex = Buffer.from(label, 'utf8').toString('hex');
  if (hex.length > 12) throw new Error(`a line label is at most 6 bytes: ${label}`);
  return `00000000-0000-4000-8000-${hex.padStart(12, '0')}`;
}
