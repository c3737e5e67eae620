import { Redis, type RedisOptions } from 'ioredis';
import type { Bus, BusEvent } from '../bus.ts';
import { LOBBY, topicOf } from '../topics.ts';
import type { Logger } from '../../logger.ts';

/** How events are spread over channels: by topic (the default), or all on one (the old way, to compare). */
export type Routing = 'topics' | 'single';

/** What the bus tells about the events it receives (metrics). */
export type OnReceived = (chars: number) => void;

/**
 * Many nodes on Redis pub/sub. Each topic (bus/topics.ts) is a channel named after the
 * deployment's (`<channel>:room:<uuid>`, `<channel>:lobby`): a node subscribes to the lobby
 * from the start and to a room's channel while it has a connection in the room, so that what
 * it receives grows with its own rooms, not with the whole cluster's traffic. Redis delivers
 * one publisher's messages to one subscriber in the order published, across channels too.
 *
 * While Redis is away both connections reconnect on their own (every 2 s at most).
 * `ready()` is true only when the publisher is connected and the subscriber is subscribed
 * again to every topic, so callers refuse work rather than make changes that other nodes
 * would not hear of.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: ((event: BusEvent) => void)[] = [];
  private reconnectHandlers: (() => void)[] = [];
  /** Topics heard besides the lobby. */
  private readonly topics = new Set<string>();
  private subscribed = false;
  /** Publishing fails (logged once per outage, not per event). */
  private failing = false;

  private constructor(
    url: string,
    private readonly channel: string,
    private readonly routing: Routing,
    private readonly log: Logger,
    private readonly onReceived?: OnReceived,
  ) {
    const options: RedisOptions = {
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
      lazyConnect: true,
    };
    this.pub = new Redis(url, {
      ...options,
      // fail at once while Redis is away instead of queueing or resending later: the caller
      // handles the event on this node now, and a late copy would arrive out of order
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: 5000,
    });
    // subscribing again is ours to do (below), so that ready() knows when it is done
    this.sub = new Redis(url, { ...options, autoResubscribe: false, maxRetriesPerRequest: null });
    for (const [name, conn] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      conn.on('error', (err: Error) =>
        this.log.warn({ err: err.message, connection: name }, 'redis error'),
      );
      conn.on('close', () => this.log.warn({ connection: name }, 'redis connection closed'));
    }
    this.sub.on('close', () => (this.subscribed = false));
    this.sub.on('message', (_channel: string, data: string) => {
      this.onReceived?.(data.length);
      let event: BusEvent;
      try {
        event = JSON.parse(data) as BusEvent;
      } catch (err) {
        this.log.error({ err }, 'unreadable bus event');
        return;
      }
      this.handle(event);
    });
  }

  static async open(
    url: string,
    channel: string,
    log: Logger,
    opts: { routing?: Routing; onReceived?: OnReceived } = {},
  ): Promise<RedisBus> {
    const bus = new RedisBus(url, channel, opts.routing ?? 'topics', log, opts.onReceived);
    try {
      await Promise.all([bus.pub.connect(), bus.sub.connect()]);
      await bus.sub.subscribe(bus.channelOf(LOBBY));
    } catch (err) {
      bus.pub.disconnect();
      bus.sub.disconnect();
      throw new Error(`Redis cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    bus.subscribed = true;
    bus.log.info({ channel, routing: bus.routing }, 'redis bus ready');
    // after the first connection: subscribe again, to every topic, on every reconnection
    bus.sub.on('ready', () => {
      const channels = [LOBBY, ...bus.topics].map((t) => bus.channelOf(t));
      bus.sub.subscribe(...new Set(channels)).then(
        () => {
          bus.subscribed = true;
          bus.log.info({ channel, topics: channels.length }, 'redis bus subscribed again');
          for (const h of bus.reconnectHandlers) h();
        },
        (err: unknown) => bus.log.warn({ err }, 'subscribing again failed'),
      );
    });
    return bus;
  }

  /** The Redis channel of a topic (with `single` routing, the deployment's one channel). */
  private channelOf(topic: string): string {
    return this.routing === 'single' ? this.channel : `${this.channel}:${topic}`;
  }

  async publish(event: BusEvent): Promise<void> {
    try {
      await this.pub.publish(this.channelOf(topicOf(event)), JSON.stringify(event));
      if (this.failing) this.log.info('publishing to redis works again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) {
        this.log.warn({ err }, 'publishing to redis failed: events reach this node only');
      }
      this.failing = true;
      this.handle(event);
    }
  }

  async join(topic: string): Promise<void> {
    if (this.routing === 'single' || topic === LOBBY || this.topics.has(topic)) return;
    this.topics.add(topic);
    // while the subscriber is away, subscribing again on its return covers the topic
    if (this.subscribed) await this.sub.subscribe(this.channelOf(topic));
  }

  leave(topic: string): void {
    if (!this.topics.delete(topic) || this.routing === 'single' || !this.subscribed) return;
    this.sub
      .unsubscribe(this.channelOf(topic))
      .catch((err: unknown) => this.log.warn({ err, topic }, 'unsubscribing failed'));
  }

  private handle(event: BusEvent): void {
    for (const h of this.handlers) h(event);
  }

  subscribe(handler: (event: BusEvent) => void): void {
    this.handlers.push(handler);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  ready(): boolean {
    return this.pub.status === 'ready' && this.subscribed;
  }

  async close(): Promise<void> {
    this.handlers = [];
    this.reconnectHandlers = [];
    // quit would wait for a Redis that is away: then just stop reconnecting
    await Promise.allSettled(
      [this.pub, this.sub].map(async (c) => (c.status === 'ready' ? c.quit() : c.disconnect())),
    );
  }
}
