import { isIPv6 } from 'node:net';
import { TokenBucket } from './rateLimit.ts';

/**
 * What one network address may spend over time, whatever the number of its connections:
 * call cost, new identities, new rooms, and bytes of messages.
 */
export type QuotaKind = 'calls' | 'users' | 'rooms' | 'bytes';

export interface Rate {
  perSecond: number;
  burst: number;
}

const SWEEP_MS = 60_000;

/**
 * Token buckets per address and kind, on this node. An address that spent nothing for a
 * while is forgotten (its buckets are full again), so the map holds the busy ones only.
 */
export class AddressQuotas {
  private readonly byAddress = new Map<string, Partial<Record<QuotaKind, TokenBucket>>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly rates: Record<QuotaKind, Rate>) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Spends `cost` of `kind` for `address`: 0, or the milliseconds until it could (nothing spent). */
  take(address: string, kind: QuotaKind, cost = 1): number {
    let buckets = this.byAddress.get(address);
    if (!buckets) this.byAddress.set(address, (buckets = {}));
    const rate = this.rates[kind];
    const bucket = (buckets[kind] ??= new TokenBucket(rate.perSecond, rate.burst));
    return bucket.take(cost);
  }

  /** Addresses known now (for tests and metrics). */
  get size(): number {
    return this.byAddress.size;
  }

  sweep(): void {
    const now = performance.now();
    for (const [address, buckets] of this.byAddress) {
      if (Object.values(buckets).every((b) => b.isFull(now))) this.byAddress.delete(address);
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.byAddress.clear();
  }
}

/**
 * The address quotas and caps count by: an IPv4 address as it is (also when it arrives
 * IPv4-mapped), an IPv6 address by its /64 network, which one subscriber usually holds
 * whole (counting single IPv6 addresses would let one machine be 2^64 addresses).
 */
export function addressKey(remote: string | undefined): string {
  if (remote === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped) return mapped[1]!;
  if (!isIPv6(remote)) return remote;
  const [head = '', tail = ''] = remote.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = remote.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
