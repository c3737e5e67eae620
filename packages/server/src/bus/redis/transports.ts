import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
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

/** As PUBLISHER: fail at once while the cluster (or a shard) is away. */
const CLUSTER: ClusterOptions = {
  shardedSubscribers: true,
  lazyConnect: true,
  clusterRetryStrategy: RETRY,
  enableOfflineQueue: false,
  redisOptions: {
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: 5000,
  },
};

/** How often a lost shard is asked whether it is back. */
const PROBE_MS = 500;

/**
 * Sharded pub/sub on a Redis Cluster (Redis 7: SPUBLISH, SSUBSCRIBE): each channel lives on
 * the shard of its hash slot, so rooms spread over the cluster's masters and each carries only
 * its own rooms' traffic. Order holds per channel (one shard), not across channels.
 *
 * One shard can go away while the cluster stays up: what is published on it meanwhile is
 * lost to this node, so the subscriber counts as lost (the bus refuses changes, and catches up
 * when it is back) from the moment a connection to a shard ends or a subscription fails until
 * every shard answers again.
 */
export class ShardedTransport implements Transport {
  private cluster: Cluster;
  private onSubscriberChange: (up: boolean) => void = () => {};
  private onSmessage: (data: string) => void = () => {};
  /** A shard was lost while the cluster stayed ready; until every shard answers again. */
  private shardLost = false;
  /** Subscriptions that failed in a row (reset by one that succeeds). */
  private failedSubscribes = 0;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly nodes: { host: string; port: number }[],
    private readonly log: Logger,
  ) {
    this.cluster = this.open();
  }

  /** A Cluster client whose events count while it is this transport's. */
  private open(): Cluster {
    const cluster = new Cluster(this.nodes, CLUSTER);
    const current = () => cluster === this.cluster;
    logErrors(cluster, 'cluster', this.log);
    cluster.on('smessage', (_channel: string, data: string) => {
      if (current()) this.onSmessage(data);
    });
    // a connection to one shard ended (a subscriber's, or the one commands go through)
    cluster.on('-node', () => {
      if (current()) this.loseShard();
    });
    cluster.on('close', () => {
      if (current()) this.onSubscriberChange(false);
    });
    cluster.on('ready', () => {
      if (!current()) return;
      // connected afresh: the bus subscribes to everything again
      this.shardLost = false;
      this.onSubscriberChange(true);
    });
    return cluster;
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
  async subscribe(channels: string[]) {
    try {
      // one command per channel: channels of one command must share a hash slot
      const done = await Promise.all(channels.map((c) => this.cluster.ssubscribe(c)));
      this.failedSubscribes = 0;
      return done;
    } catch (err) {
      // a channel this node does not hear: as if its shard were away (subscribed again once
      // every shard answers)
      this.failedSubscribes++;
      this.loseShard();
      throw err;
    }
  }
  unsubscribe(channel: string) {
    return this.cluster.sunsubscribe(channel);
  }
  onMessage(handler: (data: string) => void): void {
    this.onSmessage = handler;
  }
  onSubscriber(handler: (up: boolean) => void): void {
    this.onSubscriberChange = handler;
  }
  publisherReady(): boolean {
    return this.cluster.status === 'ready';
  }
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probe);
    const cluster = this.cluster;
    cluster.removeAllListeners('-node');
    await Promise.allSettled([cluster.status === 'ready' ? cluster.quit() : cluster.disconnect()]);
  }

  /** While the cluster is ready (else 'close' and 'ready' tell), one shard is lost. */
  private loseShard(): void {
    if (this.cluster.status !== 'ready' || this.shardLost) return;
    this.shardLost = true;
    this.onSubscriberChange(false);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probe = setTimeout(() => {
      void this.whole().then((whole) => {
        if (!this.shardLost || this.closed) return;
        if (!whole) return this.scheduleProbe();
        if (this.failedSubscribes >= 2) return this.reopen();
        this.shardLost = false;
        this.onSubscriberChange(true);
      });
    }, PROBE_MS);
  }

  /**
   * Every shard answers, yet subscribing keeps failing ("No sharded subscriber for slot"):
   * ioredis 5.11 can leave its group of sharded subscribers for dead when the cluster
   * reconnects over and over (a subscriber stopped while it connects never settles, and the
   * group waits for it for ever). A new client has a new group; its 'ready' brings the bus back.
   */
  private reopen(): void {
    this.log.warn('the cluster client cannot subscribe again: replacing it');
    const old = this.cluster;
    this.cluster = this.open();
    this.failedSubscribes = 0;
    old.disconnect();
    // a failed first connection is tried again by clusterRetryStrategy
    this.cluster.connect().catch(() => {});
  }

  /** Every shard (the master of each slot) answers. */
  private async whole(): Promise<boolean> {
    if (this.cluster.status !== 'ready') return false;
    const masters = new Map(
      this.cluster.nodes('master').map((n) => [`${n.options.host}:${n.options.port}`, n]),
    );
    // (a slot no master serves has no entry)
    const owners = new Set(this.cluster.slots.flatMap((keys) => keys.slice(0, 1)));
    try {
      await Promise.all(
        [...owners].map(async (key) => {
          const node = masters.get(key);
          if (!node) throw new Error(`no connection to ${key}`);
          await node.ping();
        }),
      );
      return true;
    } catch {
      return false;
    }
  }
}
