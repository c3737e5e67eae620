import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { RedisBus } from '../src/bus/redis/redisBus.ts';
import type { Transport } from '../src/bus/redis/transports.ts';
import { waitFor } from './helpers/wait.ts';

/**
 * A subscription that fails although the subscriber is connected (a Redis Cluster's shard
 * group stuck, seen with ioredis 5.11) cannot be made to happen on demand with a real Redis:
 * this transport fails the subscriptions it is told to, and records what the bus asks of it.
 */
class FlakyTransport implements Transport {
  failures = 0;
  subscribed: string[][] = [];
  private subscriber: (up: boolean) => void = () => {};
  async connect(): Promise<void> {}
  async publish(): Promise<void> {}
  async subscribe(channels: string[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('No sharded subscriber for slot');
    }
    this.subscribed.push(channels);
  }
  async unsubscribe(): Promise<void> {}
  onMessage(): void {}
  onSubscriber(handler: (up: boolean) => void): void {
    this.subscriber = handler;
  }
  /** The subscriber reconnects (false, then true). */
  bounce(): void {
    this.subscriber(false);
    this.subscriber(true);
  }
  lost(): void {
    this.subscriber(false);
  }
  publisherReady(): boolean {
    return true;
  }
  async close(): Promise<void> {}
}

describe('RedisBus', () => {
  it('subscribes again, to every topic, until it succeeds after a reconnection; ready only then', async () => {
    const t = new FlakyTransport();
    const bus = await RedisBus.open(t, 'chat', pino({ level: 'silent' }));
    await bus.join('room:r1');
    let caughtUp = 0;
    bus.onReconnect(() => caughtUp++);
    t.failures = 2;
    t.bounce();
    expect(bus.ready()).toBe(false);
    await waitFor('the bus subscribed again', () => bus.ready(), 5_000);
    expect(t.failures).toBe(0);
    expect(t.subscribed.at(-1)?.sort()).toEqual(['chat:lobby', 'chat:room:r1']);
    expect(caughtUp).toBe(1);
    await bus.close();
  });

  it('stops trying once the subscriber is lost again, and starts over when it is back', async () => {
    const t = new FlakyTransport();
    const bus = await RedisBus.open(t, 'chat', pino({ level: 'silent' }));
    t.failures = 1;
    t.bounce();
    t.failures = 0;
    // lost before the retry: no subscription while it is away
    t.lost();
    const before = t.subscribed.length;
    await new Promise((r) => setTimeout(r, 1_300));
    expect(t.subscribed.length).toBe(before);
    expect(bus.ready()).toBe(false);
    t.bounce();
    await waitFor('the bus subscribed again', () => bus.ready(), 5_000);
    await bus.close();
  });
});
