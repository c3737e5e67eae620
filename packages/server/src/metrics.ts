import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Storage } from './storage/storage.ts';

/** What /metrics reports, in Prometheus text. One registry per server. */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'chat_connections',
    help: 'Open WebSocket connections on this node',
    registers: [this.registry],
  });
  readonly calls = new Counter({
    name: 'chat_calls_total',
    help: 'Calls received, by name',
    labelNames: ['call'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'chat_errors_total',
    help: 'Error statements sent, by error',
    labelNames: ['error'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'chat_deliveries_total',
    help: 'Frames written to connections',
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'chat_sent_bytes_total',
    help: 'Characters of frames written to connections',
    registers: [this.registry],
  });
  readonly refusedSockets = new Counter({
    name: 'chat_refused_sockets_total',
    help: 'Sockets refused at accept, by reason (address: its cap; server: the cap of all)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly busEvents = new Counter({
    name: 'chat_bus_received_total',
    help: 'Events this node received from the bus (other nodes and its own)',
    registers: [this.registry],
  });
  readonly busBytes = new Counter({
    name: 'chat_bus_received_bytes_total',
    help: 'Characters of the events this node received from the bus',
    registers: [this.registry],
  });
  readonly gapFills = new Counter({
    name: 'chat_gap_fills_total',
    help: 'Messages delivered from storage because their bus copy was late or missed',
    registers: [this.registry],
  });
  readonly leaseFailures = new Counter({
    name: 'chat_lease_failures_total',
    help: "Failed renewals of this node's lease (storage unreachable)",
    registers: [this.registry],
  });
  readonly reapedNodes = new Counter({
    name: 'chat_reaped_nodes_total',
    help: 'Nodes whose lease ended and whose users this node removed from their rooms',
    registers: [this.registry],
  });
  readonly storageSeconds = new Histogram({
    name: 'chat_storage_seconds',
    help: 'Storage call latency, by method',
    labelNames: ['method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    // includes nodejs_eventloop_lag_seconds and process memory
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts `n` frames written, `chars` characters in all. */
  delivered(chars: number, n: number): void {
    if (n === 0) return;
    this.deliveries.inc(n);
    this.bytes.inc(chars);
  }

  /** The same storage, timing every call of every part (label `part.method`). */
  timed(storage: Storage): Storage {
    const histogram = this.storageSeconds;
    const wrap = <T extends object>(part: T, name: string): T =>
      new Proxy(part, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (typeof value !== 'function' || typeof key !== 'string') return value;
          const fn = value as (...args: unknown[]) => unknown;
          return (...args: unknown[]) => {
            const end = histogram.startTimer({ method: `${name}.${key}` });
            const result = fn.apply(target, args);
            if (result instanceof Promise) return result.finally(() => end());
            end();
            return result;
          };
        },
      });
    return {
      kind: storage.kind,
      identity: wrap(storage.identity, 'identity'),
      presence: wrap(storage.presence, 'presence'),
      rooms: wrap(storage.rooms, 'rooms'),
      messages: wrap(storage.messages, 'messages'),
      drawings: wrap(storage.drawings, 'drawings'),
      bans: wrap(storage.bans, 'bans'),
      secret: (name) => storage.secret(name),
      ping: () => storage.ping(),
      close: () => storage.close(),
    };
  }
}
