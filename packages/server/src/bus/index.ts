import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';
import { RedisBus, type OnReceived, type Routing } from './redis/redisBus.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** The channel of the nodes of one deployment, unless the URL names another with `?channel=`. */
const DEFAULT_CHANNEL = 'chat:events';

/** A bus spec, read: what `--bus` names. */
export type BusSpec =
  { kind: 'local' } | { kind: 'redis'; url: string; channel: string; routing: Routing };

/**
 * Reads `local` or `redis://...` (`?channel=NAME`; `?routing=single` puts every event on one
 * channel, as before topics, to compare); throws with a sentence that says what is accepted.
 */
export function parseBusSpec(spec: string): BusSpec {
  if (spec === 'local') return { kind: 'local' };
  if (/^rediss?:\/\//.test(spec)) {
    const url = new URL(spec);
    const channel = url.searchParams.get('channel') ?? DEFAULT_CHANNEL;
    const routing = url.searchParams.get('routing') ?? 'topics';
    if (routing !== 'topics' && routing !== 'single') {
      throw new Error(`The bus routing "${routing}" is not supported: use topics or single.`);
    }
    url.searchParams.delete('channel');
    url.searchParams.delete('routing');
    return { kind: 'redis', url: url.toString(), channel, routing };
  }
  throw new Error(`The bus "${spec}" is not supported: use local or redis://host:port.`);
}

/** `local` (one node), or `redis://...` to share events between nodes. */
export async function openBus(spec: string, log: Logger, onReceived?: OnReceived): Promise<Bus> {
  const read = parseBusSpec(spec);
  if (read.kind === 'local') return new LocalBus();
  return RedisBus.open(read.url, read.channel, log, {
    routing: read.routing,
    ...(onReceived ? { onReceived } : {}),
  });
}
