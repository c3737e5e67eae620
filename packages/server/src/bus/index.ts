import type { Bus } from './bus.ts';
import { LocalBus } from './local/localBus.ts';

export type { Bus, BusEvent, Delivery, Audience } from './bus.ts';

/** `local`, or `redis://...` to share events between nodes. */
export async function openBus(spec: string): Promise<Bus> {
  if (spec === 'local') return new LocalBus();
  throw new Error(`The bus "${spec}" is not supported yet: use local.`);
}
