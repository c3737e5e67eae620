import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';
import { RedisBus } from './redis/redisBus.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** The channel of the nodes of one deployment, unless the URL names another with `?channel=`. */
const DEFAULT_CHANNEL = 'chat:events';

/** A bus spec, read: what `--bus` names. */
export type BusSpec = { kind: 'local' } | { kind: 'redis'; url: string; channel: string };

/** Reads `local` or `redis://...` (`?channel=NAME`); throws with a sentence that says what is accepted. */
export function parseBusSpec(spec: string): BusSpec {
  if (spec === 'local') return { kind: 'local' };
  if (/^rediss?:\/\//.test(spec)) {
    const url = new URL(spec);
    const channel = url.searchParams.get('channel') ?? DEFAULT_CHANNEL;
    url.searchParams.delete('channel');
    return { kind: 'redis', url: url.toString(), channel };
  }
  throw new Error(`The bus "${spec}" is not supported: use local or redis://host:port.`);
}

/** `local` (one node), or `redis://...` to share events between nodes. */
export async function openBus(spec: string, log: Logger): Promise<Bus> {
  const read = parseBusSpec(spec);
  return read.kind === 'local' ? new LocalBus() : RedisBus.open(read.url, read.channel, log);
}
