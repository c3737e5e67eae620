import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  ERROR_DETAILS,
  errorFrame,
  peekCall,
  type ErrorPayload,
} from '@chat/protocol';
import { ChatError, UNAVAILABLE, type Services } from '../chat/context.ts';
import { dispatch, farewell, greet, identify } from '../chat/sessions.ts';
import { Connection } from '../hub/connection.ts';
import { RateLimit } from '../hub/rateLimit.ts';

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
export function attachWebSocket(server: Server, services: Services): WebSocketEndpoint {
  const { config, log } = services;
  const traceFrames = log.isLevelEnabled('debug');
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Math.max(MAX_PAYLOAD_BYTES, config.maxFrameChars * 4 + 1024),
    perMessageDeflate: false,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const finished = new Set<Promise<void>>();
  /** Each open connection's queue of calls, to let calls in flight finish on stop. */
  const inFlight = new Map<WebSocket, () => Promise<void>>();
  let closing = false;

  const perAddress = new Map<string, number>();

  /** Why an upgrade is refused, as an HTTP status line, or undefined to accept it. */
  function refusal(req: IncomingMessage, url: URL, address: string): string | undefined {
    if (closing) return '503 Service Unavailable';
    if (url.pathname !== '/' && url.pathname !== '/ws') return '404 Not Found';
    const origin = req.headers.origin;
    if (config.allowedOrigins.length > 0 && (!origin || !config.allowedOrigins.includes(origin))) {
      return '403 Forbidden';
    }
    if ((perAddress.get(address) ?? 0) >= config.maxConnectionsPerIp)
      return '429 Too Many Requests';
    return undefined;
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = req.socket.remoteAddress ?? 'unknown';
    const refused = refusal(req, url, address);
    if (refused) {
      log.info(
        { address, path: url.pathname, origin: req.headers.origin, refused },
        'upgrade refused',
      );
      socket.end(`HTTP/1.1 ${refused}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      const done = serve(ws, url.searchParams.get('token'), address);
      finished.add(done);
      void done.finally(() => {
        finished.delete(done);
        const n = (perAddress.get(address) ?? 1) - 1;
        if (n > 0) perAddress.set(address, n);
        else perAddress.delete(address);
      });
    });
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        log.info('closing a connection that stopped answering pings');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, config.pingIntervalMs);
  pinger.unref();

  /** Runs one connection from open to close; resolves when it has left. */
  function serve(ws: WebSocket, token: string | null, address: string | undefined): Promise<void> {
    const session = randomUUID();
    const limit = new RateLimit(config.rateLimitPerSecond, config.rateLimitBurst);
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (err) => log.warn({ err, session }, 'socket error'));
    let conn: Connection | undefined;
    // calls of one connection run one after another, in order, as in the original server
    let chain: Promise<void> = identify(services, session, token).then(
      async (identity) => {
        conn = new Connection(session, identity.user, ws, {
          maxBufferedBytes: config.maxBufferedBytes,
          log,
          traceFrames,
        });
        if (ws.readyState !== ws.OPEN) conn.closed = true;
        services.hub.add(conn);
        services.metrics.connections.inc();
        log.info(
          { session, user: identity.user.uuid, resumed: identity.resumed, address },
          'connected',
        );
        await greet(services, conn, identity);
      },
      (err: unknown) => {
        const known = err instanceof ChatError;
        if (known) log.warn({ session, reason: err.detail }, 'refused a connection');
        else log.error({ err, session }, 'could not identify a connection');
        const detail = known ? (err.detail ?? ERROR_DETAILS.unavailable) : UNAVAILABLE.storage;
        ws.send(errorFrame({ message: 'unavailable', detail }));
        ws.close(1011, 'unavailable');
      },
    );
    inFlight.set(ws, () => chain);
    const run = (task: () => Promise<void>) => {
      chain = chain
        .then(task)
        .catch((err: unknown) => log.error({ err, session }, 'connection task failed'));
    };

    ws.on('message', (data: RawData, isBinary: boolean) => {
      // once stopping, calls that arrive are not started: the client resends after reconnecting
      if (closing) return;
      const taken = limit.take();
      if (!taken.ok) {
        const error: ErrorPayload = {
          message: 'rate_limited',
          detail: ERROR_DETAILS.rate_limited,
          retry_after_ms: taken.retryAfterMs,
          ...(isBinary ? {} : peekCall(rawText(data))),
        };
        services.metrics.errors.inc({ error: error.message });
        ws.send(errorFrame(error));
        if (limit.strikes >= FLOOD_STRIKES && ws.readyState === ws.OPEN) {
          log.warn({ session, address }, 'closing a flooding connection');
          ws.close(CLOSE_CODES.policyViolation, 'flooding');
        }
        return;
      }
      const frame = isBinary ? '' : rawText(data);
      run(async () => {
        if (!conn || conn.closed) return;
        if (traceFrames) log.debug({ session, frame }, 'in');
        await dispatch(services, conn, isBinary ? 'binary' : frame);
      });
    });

    return new Promise((resolve) => {
      ws.on('close', (code) => {
        inFlight.delete(ws);
        if (conn) {
          conn.closed = true;
          services.hub.remove(conn);
        }
        log.info({ session, code }, 'disconnected');
        if (conn) services.metrics.connections.dec();
        run(async () => {
          if (conn) await farewell(services, conn);
        });
        void chain.then(resolve);
      });
    });
  }

  return {
    async close() {
      closing = true;
      clearInterval(pinger);
      const within = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
      // calls already received finish and are answered; then every socket is closed with 1001
      await Promise.race([
        Promise.all([...inFlight.values()].map((chain) => chain())),
        within(5000),
      ]);
      for (const ws of wss.clients) ws.close(CLOSE_CODES.goingAway, 'server stopping');
      await Promise.race([Promise.all([...finished]), within(3000)]);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
