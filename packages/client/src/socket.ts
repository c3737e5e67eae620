import ReconnectingWebSocket from 'partysocket/ws';

/** What the client needs of a reconnecting socket; partysocket's by default, a fake in tests. */
export interface SocketLike {
  send(data: string): void;
  /** Closes for good (until reconnect()). */
  close(code?: number, reason?: string): void;
  /** Closes the current connection, if any, and connects again at once. */
  reconnect(code?: number, reason?: string): void;
}

export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
}

/** Where and how to connect; asked again before every connection attempt. */
export interface SocketTarget {
  url: () => string;
  protocols: () => string[];
  /** Whether to reconnect after a close with this code. */
  shouldReconnect: (code: number) => boolean;
}

export type SocketFactory = (target: SocketTarget, handlers: SocketHandlers) => SocketLike;

/** A WebSocket class: the browser's, or the `ws` package's in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => object;

export interface ReconnectOptions {
  /** Delay before the first retry (default 400 to 1000 ms, at random). */
  minDelayMs?: number;
  /** Longest delay between retries (default 15 s). */
  maxDelayMs?: number;
  /** Each failed retry multiplies the delay by this (default 1.6). */
  growFactor?: number;
  /** An opening handshake that takes longer is given up and retried (default 5 s). */
  connectionTimeoutMs?: number;
}

/**
 * Sockets made by partysocket's ReconnectingWebSocket: reconnects with backoff. reconnect()
 * starts a fresh one: partysocket's own waits out a wait between attempts already under way
 * (its next attempt is locked in), so "Reconnect now" would not connect until the backoff's.
 */
export function partySocket(
  options: { WebSocket?: WebSocketConstructor; reconnect?: ReconnectOptions } = {},
): SocketFactory {
  return (target, handlers) => {
    const r = options.reconnect ?? {};
    const settings = {
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      minReconnectionDelay: r.minDelayMs ?? 400 + Math.random() * 600,
      // attempts at most 2 to 3 s apart (jittered per socket): a server back from a restart
      // has its clients within about a second of their next attempt
      maxReconnectionDelay: r.maxDelayMs ?? 2_000 + Math.random() * 1_000,
      reconnectionDelayGrowFactor: r.growFactor ?? 1.6,
      connectionTimeout: r.connectionTimeoutMs ?? 5_000,
      // the client keeps its own outbox: nothing is buffered in the socket
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (ev: { code: number }) => target.shouldReconnect(ev.code),
    };
    const make = () => {
      const made = new ReconnectingWebSocket(target.url, target.protocols, settings);
      made.onopen = () => handlers.open();
      made.onmessage = (ev) => handlers.message(ev.data);
      made.onclose = (ev) => handlers.close(ev.code, ev.reason);
      return made;
    };
    let socket = make();
    return {
      send: (data) => void socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      reconnect: (code, reason) => {
        const old = socket;
        old.onopen = null;
        old.onmessage = null;
        // an open connection (or an attempt) is closed first: the client hears of it
        old.close(code, reason);
        old.onclose = null;
        socket = make();
      },
    };
  };
}
