import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';
import { RedisBus, type OnReceived, type Routing } from './redis/redisBus.ts';
import { PlainTransport, ShardedTransport } from './redis/transports.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** The channel of the nodes of one deployment, unless the URL names another with `?channel=`. */
const DEFAULT_CHANNEL = 'chat:events';

/** A bus spec, read: what `--bus` names. */
export type BusSpec =
  | { kind: 'local' }
  | { kind: 'redis'; url: string; channel: string; routing: Routing }
  | {
      kind: 'redis-cluster';
      nodes: { host: string; port: number }[];
      channel: string;
      routing: Routing;
    };

/** `?channel=` and `?routing=` of a bus URL. */
function busOptions(params: URLSearchParams): { channel: string; routing: Routing } {
  const channel = params.get('channel') ?? DEFAULT_CHANNEL;
  const routing = params.get('routing') ?? 'topics';
  if (routing !== 'topics' && routing !== 'single') {
    throw new Error(`The bus routing "${routing}" is not supported: use topics or single.`);
  }
  return { channel, routing };
}

/**
 * Reads `local`, `redis://...` or `redis-cluster://host:port,host:port,...` (`?channel=NAME`;
 * `?routing=single` puts every event on one channel, as before topics, to compare); throws
 * with a sentence that says what is accepted.
 */
export function parseBusSpec(spec: string): BusSpec {
  if (spec === 'local') return { kind: 'local' };
  if (/^rediss?:\/\//.test(spec)) {
    const url = new URL(spec);
    const options = busOptions(url.searchParams);
    url.searchParams.delete('channel');
    url.searchParams.delete('routing');
    return { kind: 'redis', url: url.toString(), ...options };
  }
  const cluster = /^redis-cluster:\/\/([^?/]+)\/?(?:\?(.*))?$/.exec(spec);
  if (cluster) {
    const nodes = cluster[1]!.split(',').map((hostPort) => {
      const m = /^([^:]+):(\d{1,5})$/.exec(hostPort.trim());
      if (!m) throw new Error(`The Redis Cluster node "${hostPort}" is not host:port.`);
      return { host: m[1]!, port: Number(m[2]) };
    });
    return { kind: 'redis-cluster', nodes, ...busOptions(new URLSearchParams(cluster[2] ?? '')) };
  }
  throw new Error(
    `The bus "${spec}" is not supported: use local, redis://host:port or redis-cluster://host:port,host:port.`,
  );
}

/** `local` (one node), or `redis://...` to share events between nodes. */
export async function openBus(spec: string, log: Logger, onReceived?: OnReceived): Promise<Bus> {
  const read = parseBusSpec(spec);
  if (read.kind === 'local') return new LocalBus();
  const transport =
    read.kind === 'redis'
      ? new PlainTransport(read.url, log)
      : new ShardedTransport(read.nodes, log);
  return RedisBus.open(transport, read.channel, log, {
    routing: read.routing,
    ...(onReceived ? { onReceived } : {}),
  });
}
