import type { Logger } from '../logger.ts';
import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';
import { RedisBus } from './redis/redisBus.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** `local` (one node), or `redis://...` to share events between nodes. */
export async function openBus(spec: string, log: Logger): Promise<Bus> {
  if (spec === 'local') return new LocalBus();
  if (/^rediss?:\/\//.test(spec)) return RedisBus.open(spec, log);
  throw new Error(`The bus "${spec}" is not supported: use local or redis://host:port.`);
}
