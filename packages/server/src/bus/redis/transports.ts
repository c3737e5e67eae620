import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.ts';

/**
 * What RedisBus needs of Redis: publish to a channel, subscribe to channels, hear messages,
 * and know when the subscriber lost its subscriptions (and is back, to subscribe again).
 */
export interface Transport {
  connect(): Promise<void>;
  publish(channel: string, data: string): Promise<unknown>;
  subscribe(channels: string[]): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  onMessage(handler: (data: string) => void): void;
  /** The subscriptions are lost (false) or the subscriber can subscribe again (true). */
  onSubscriber(handler: (up: boolean) => void): void;
  publisherReady(): boolean;
  close(): Promise<void>;
}

const RETRY = (times: number) => Math.min(100 * times, 2000);

/**
 * The publisher fails at once while Redis is away instead of queueing or resending later:
 * the caller handles the event on this node now, and a late copy would arrive out of order.
 */
const PUBLISHER: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 5000,
};

function logErrors(conn: Redis | Cluster, name: string, log: Logger): void {
  conn.on('error', (err: Error) => log.warn({ err: err.message, connection: name }, 'redis error'));
  conn.on('close', () => log.warn({ connection: name }, 'redis connection closed'));
}

/** Plain pub/sub on one Redis: a publisher and a subscriber connection. */
export class PlainTransport implements Transport {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(url: string, log: Logger) {
    const options: RedisOptions = { retryStrategy: RETRY, lazyConnect: true };
    this.pub = new Redis(url, { ...options, ...PUBLISHER });
    // subscribing again is the bus's to do, so that it knows when it is done
    this.sub = new Redis(url, { ...options, autoResubscribe: false, maxRetriesPerRequest: null });
    logErrors(this.pub, 'publisher', log);
    logErrors(this.sub, 'subscriber', log);
  }

  async connect(): Promise<void> {
    try {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
    } catch (err) {
      this.pub.disconnect();
      this.sub.disconnect();
      throw err;
    }
  }

  publish(channel: string, data: string) {
    return this.pub.publish(channel, data);
  }
  subscribe(channels: string[]) {
    return this.sub.subscribe(...channels);
  }
  unsubscribe(channel: string) {
    return this.sub.unsubscribe(channel);
  }
  onMessage(handler: (data: string) => void): void {
    this.sub.on('message', (_channel: string, data: string) => handler(data));
  }
  onSubscriber(handler: (up: boolean) => void): void {
    this.sub.on('close', () => handler(false));
    this.sub.on('ready', () => handler(true));
  }
  publisherReady(): boolean {
    return this.pub.status === 'ready';
  }
  async close(): Promise<void> {
    // quit would wait for a Redis that is away: then just stop reconnecting
    await Promise.allSettled(
      [this.pub, this.sub].map(async (c) => (c.status === 'ready' ? c.quit() : c.disconnect())),
    );
  }
}

/**
 * Sharded pub/sub on a Redis Cluster (Redis 7: SPUBLISH, SSUBSCRIBE): each channel lives on
 * the shard of its hash slot, so rooms spread over the cluster's masters and each carries only
 * its own rooms' traffic. Order holds per channel (one shard), not across channels.
 */
export class ShardedTransport implements Transport {
  private readonly cluster: Cluster;

  constructor(nodes: { host: string; port: number }[], log: Logger) {
    this.cluster = new Cluster(nodes, {
      shardedSubscribers: true,
      lazyConnect: true,
      clusterRetryStrategy: RETRY,
      // as PUBLISHER: fail at once while the cluster is away
      enableOfflineQueue: false,
      redisOptions: {
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: 5000,
      },
    });
    logErrors(this.cluster, 'cluster', log);
  }

  async connect(): Promise<void> {
    try {
      await this.cluster.connect();
    } catch (err) {
      this.cluster.disconnect();
      throw err;
    }
  }

  publish(channel: string, data: string) {
    return this.cluster.spublish(channel, data);
  }
  subscribe(channels: string[]) {
    // one command per channel: channels of one command must share a hash slot
    return Promise.all(channels.map((c) => this.cluster.ssubscribe(c)));
  }
  unsubscribe(channel: string) {
    return this.cluster.sunsubscribe(channel);
  }
  onMessage(handler: (data: string) => void): void {
    this.cluster.on('smessage', (_channel: string, data: string) => handler(data));
  }
  onSubscriber(handler: (up: boolean) => void): void {
    this.cluster.on('close', () => handler(false));
    this.cluster.on('ready', () => handler(true));
  }
  publisherReady(): boolean {
    return this.cluster.status === 'ready';
  }
  async close(): Promise<void> {
    await Promise.allSettled([
      this.cluster.status === 'ready' ? this.cluster.quit() : this.cluster.disconnect(),
    ]);
  }
}
