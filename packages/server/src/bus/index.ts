import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';
import { RedisBus } from './redis/redisBus.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** The channel of the nodes of one deployment, unless the URL names another with `?channel=`. */
const DEFAULT_CHANNEL = 'chat:events';

/** `local` (one node), or `redis://...` to share events between nodes. */
export async function openBus(spec: string, log: Logger): Promise<Bus> {
  if (spec === 'local') return new LocalBus();
  if (/^rediss?:\/\//.test(spec)) {
    const url = new URL(spec);
    const channel = url.searchParams.get('channel') ?? DEFAULT_CHANNEL;
    url.searchParams.delete('channel');
    return RedisBus.open(url.toString(), channel, log);
  }
  throw new Error(`The bus "${spec}" is not supported: use local or redis://host:port.`);
}
