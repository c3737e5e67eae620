import { newId } from '../ids.ts';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  CLOSE_CODES,
  ERROR_DETAILS,
  errorFrame,
  peekCall,
  PROTOCOL_VERSION,
  SOCKET_PATHS,
  SUBPROTOCOL,
  TOKEN_PARAM,
  tokenFromProtocols,
  VERSION_PARAM,
  type ErrorPayload,
} from '@chat/protocol';
import type { Dispatcher } from '../chat/dispatch.ts';
import type { Sessions } from '../chat/sessions.ts';
import type { Config } from '../config.ts';
import type { AddressQuotas } from '../hub/quotas.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Connection } from '../hub/connection.ts';
import { addressKey } from '../hub/quotas.ts';
import { RateLimit } from '../hub/rateLimit.ts';
import type { SocketGuard } from './sockets.ts';

/**
 * Bytes of one frame the socket accepts: frames up to this are read and, when over the
 * character limit, answered with data_too_long; anything larger is closed with 1009, so a
 * client cannot make the server buffer without bound.
 */
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Refused calls in a row after which a flooding connection is closed. */
const FLOOD_STRIKES = 50;

export interface WebSocketEndpoint {
  /** Resolves when every connection has closed and its user has left its room. */
  close(): Promise<void>;
}

/** The WebSocket endpoint on `/` (where the original client connects) and `/ws`. */
/** What the endpoint serves connections with. */
export interface EndpointDeps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  quotas: AddressQuotas;
  sessions: Sessions;
  dispatcher: Dispatcher;
}

export function attachWebSocket(
  server: Server,
  { config, log, metrics, quotas, sessions, dispatcher }: EndpointDeps,
  sockets: SocketGuard,
): WebSocketEndpoint {
  const traceFrames = log.isLevelEnabled('debug');
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(MAX_PAYLOAD_BYTES, config.maxFrameChars * 4 + 1024),
    perMessageDeflate: false,
    // `links` below tracks connections; a second set in ws would cost memory per connection
    clientTracking: false,
    // each socket is a Link: the connection's state in the socket object itself
    WebSocket: Link,
    // a client that offers subprotocols (ours: the token rides in one) gets SUBPROTOCOL back,
    // never the token; one that offers none gets none, as the original server did
    handleProtocols: () => SUBPROTOCOL,
  });
  /** Every open connection (idle ones cost memory: keep per-connection state small). */
  const links = new Set<Link>();
  let closing = false;

  const paths: ReadonlySet<string> = new Set(SOCKET_PATHS);
  const anyOrigin = config.allowedOrigins.includes('*');

  /**
   * Browsers send the page's Origin: only the server's own pages (and those the operator
   * allows) may open a socket with their visitors' browsers. Other clients send none.
   */
  function originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || anyOrigin || config.allowedOrigins.includes(origin)) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  /** Why an upgrade is refused, as an HTTP status line, or undefined to accept it. */
  function refusal(req: IncomingMessage, path: string): string | undefined {
    if (closing) return '503 Service Unavailable';
    if (!paths.has(path)) return '404 Not Found';
    if (!originAllowed(req)) return '403 Forbidden';
    return undefined;
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (sockets.refused(socket)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = addressKey(clientAddress(req, config.trustedProxyHeader));
    const refused = refusal(req, url.pathname);
    if (refused) {
      log.info(
        { address, path: url.pathname, origin: req.headers.origin, refused },
        'upgrade refused',
      );
      socket.end(`HTTP/1.1 ${refused}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    // ours send the token as a subprotocol (never in a URL); original clients as ?token=
    const offered = req.headers['sec-websocket-protocol']?.split(',').map((p) => p.trim());
    const token = tokenFromProtocols(offered ?? []) ?? url.searchParams.get(TOKEN_PARAM);
    // ?v=2: ours; without it an original client, given what the original server gave it
    const version = url.searchParams.get(VERSION_PARAM) === String(PROTOCOL_VERSION) ? 2 : 1;
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, token, address, version));
  });

  const pinger = setInterval(() => {
    for (const link of links) {
      if (!link.alive) {
        log.info({ session: link.session }, 'closing a connection that stopped answering pings');
        link.terminate();
        continue;
      }
      link.alive = false;
      link.ping();
    }
  }, config.pingIntervalMs);
  pinger.unref();

  // One set of listeners for all sockets (`this` is the socket): no closures per connection.
  function onPong(this: WebSocket): void {
    asLink(this).alive = true;
  }

  function onError(this: WebSocket, err: Error): void {
    log.warn({ err, session: asLink(this).session }, 'socket error');
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const link = asLink(this);
    // once stopping, calls that arrive are not started: the client resends after reconnecting
    if (closing) return;
    // every frame costs 1 before it is read; dearer calls pay the rest once parsed (dispatch);
    // what the connection itself may not spend costs its address nothing
    const wait = link.limit.take(1) || quotas.take(link.address, 'calls', 1);
    if (wait > 0) {
      const error: ErrorPayload = {
        message: 'rate_limited',
        detail: ERROR_DETAILS.rate_limited,
        retry_after_ms: wait,
        ...(isBinary ? {} : peekCall(rawText(data))),
      };
      metrics.errors.inc({ error: error.message });
      this.send(errorFrame(error));
      if (link.limit.strikes >= FLOOD_STRIKES && this.readyState === this.OPEN) {
        log.warn({ session: link.session, address: link.address }, 'closing a flooding connection');
        this.close(CLOSE_CODES.policyViolation, 'flooding');
      }
      return;
    }
    const frame = isBinary ? 'binary' : rawText(data);
    link.run(async () => {
      const conn = link.conn;
      if (!conn || conn.closed) return;
      if (traceFrames) log.debug({ session: link.session, frame }, 'in');
      await dispatcher.dispatch(conn, frame);
    });
  }

  function onClose(this: WebSocket, code: number): void {
    const link = asLink(this);
    const conn = link.conn;
    if (conn) sessions.closed(conn);
    log.info({ session: link.session, code }, 'disconnected');
    link.run(async () => {
      if (conn) await sessions.farewell(conn);
      links.delete(link);
    });
  }

  /** A new connection: identify its user, greet it, then serve its calls in order. */
  function open(ws: Link, token: string | null, address: string, version: 1 | 2): void {
    ws.session = newId();
    ws.address = address;
    ws.limit = new RateLimit(config.rateLimitPerSecond, config.rateLimitBurst);
    ws.log = log;
    const link = ws;
    links.add(link);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    link.run(async () => {
      const limit = ws.limit;
      link.conn = await sessions.open(ws, { session: ws.session, token, address, version, limit });
    });
  }

  return {
    async close() {
      closing = true;
      clearInterval(pinger);
      const within = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
      // calls already received finish and are answered; then every socket is closed with 1001
      await Promise.race([Promise.all([...links].map((l) => l.chain)), within(5000)]);
      for (const link of links) link.close(CLOSE_CODES.goingAway, 'server stopping');
      // each connection's user leaves its room (its farewell) before storage closes
      for (let waited = 0; links.size > 0 && waited < 3000; waited += 20) await within(20);
      for (const link of links) link.terminate();
      wss.close();
    },
  };
}

/**
 * A socket and what the endpoint keeps of its connection, in one object: idle connections
 * are most of a chat server's memory, so no extra objects or closures per connection.
 */
class Link extends WebSocket {
  session = '';
  address = '';
  limit!: RateLimit;
  log!: Logger;
  conn: Connection | undefined = undefined;
  alive = true;
  /** The connection's calls, run one after another, in order, as in the original server. */
  chain: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): void {
    this.chain = this.chain
      .then(task)
      .catch((err: unknown) =>
        this.log.error({ err, session: this.session }, 'connection task failed'),
      );
  }
}

/**
 * The client's address: the socket's, or behind a trusted proxy the one it names in `header`
 * (the last of a list: what that proxy appended, not what the client sent it).
 */
export function clientAddress(req: IncomingMessage, header: string): string | undefined {
  const named = header === '' ? undefined : req.headers[header];
  const value = Array.isArray(named) ? named.at(-1) : named;
  const last = value?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress;
}

/** Every socket of the endpoint is a Link (its `WebSocket` option). */
const asLink = (ws: WebSocket): Link => ws as Link;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
