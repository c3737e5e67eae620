import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { addressKey } from '../hub/quotas.ts';

export interface SocketLimits {
  /** Open sockets in all. */
  maxSockets: number;
  /** Open sockets of one address (see addressKey). */
  maxPerAddress: number;
}

/** How long a refused socket may take to read its answer before it is destroyed. */
const REFUSED_LINGER_MS = 1000;
/** At most one log line about refused sockets per this many milliseconds. */
const LOG_EVERY_MS = 10_000;

/** The address a counted socket counts under, kept on the socket. */
const ADDRESS = Symbol('address');
type Counted = Socket & { [ADDRESS]?: string };

export interface SocketGuard {
  /** Whether this socket was refused at accept (its answer is already on its way). */
  refused(socket: Socket): boolean;
  /** Open sockets now. */
  readonly open: number;
}

/**
 * Counts every socket from the moment it is accepted, before any HTTP is read, so that
 * sockets that never finish a request (slowloris) count too: past the cap of its address
 * a socket is answered 429, past the server's cap 503, and closed. The server's cap is
 * kept below the descriptor limit, so the database, Redis and static files always get one.
 */
export function guardSockets(
  server: Server,
  limits: SocketLimits,
  log: Logger,
  metrics: Metrics,
): SocketGuard {
  let open = 0;
  const perAddress = new Map<string, number>();
  const refusedSockets = new WeakSet<Socket>();
  let refusedSinceLog = 0;
  let lastLog = 0;

  const refuse = (socket: Socket, status: string, reason: string, address: string) => {
    refusedSockets.add(socket);
    metrics.refusedSockets.inc({ reason });
    refusedSinceLog++;
    const now = Date.now();
    if (now - lastLog >= LOG_EVERY_MS) {
      log.warn(
        { reason, address, refused: refusedSinceLog, open, limits },
        'refusing sockets: too many open',
      );
      lastLog = now;
      refusedSinceLog = 0;
    }
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
  };

  // before the HTTP server's own listener: a refused socket is answered before it is read
  server.prependListener('connection', (socket: Socket) => {
    const address = addressKey(socket.remoteAddress);
    const mine = perAddress.get(address) ?? 0;
    if (open >= limits.maxSockets)
      return refuse(socket, '503 Service Unavailable', 'server', address);
    if (mine >= limits.maxPerAddress) {
      return refuse(socket, '429 Too Many Requests', 'address', address);
    }
    open++;
    perAddress.set(address, mine + 1);
    (socket as Counted)[ADDRESS] = address;
    socket.on('close', uncount);
  });

  // one listener for all sockets (`this` is the socket): no closure per connection
  function uncount(this: Counted): void {
    open--;
    const address = this[ADDRESS]!;
    const n = (perAddress.get(address) ?? 1) - 1;
    if (n > 0) perAddress.set(address, n);
    else perAddress.delete(address);
  }

  return {
    refused: (socket) => refusedSockets.has(socket),
    get open() {
      return open;
    },
  };
}
