import type { Bus, BusEvent } from '../bus.ts';
import { LOBBY, routes } from '../topics.ts';
import type { Logger } from '../../logger.ts';
import type { Transport } from './transports.ts';

/** How events are spread over channels: by topic (the default), or all on one (the old way, to compare). */
export type Routing = 'topics' | 'single';

/** How soon a failed subscription (to every topic, after a reconnection) is tried again. */
const RESUBSCRIBE_MS = 1000;

/** What the bus tells about the events it receives (metrics). */
export type OnReceived = (chars: number) => void;

/**
 * Many nodes on Redis pub/sub (plain, or sharded on a Redis Cluster: see transports.ts). Each
 * topic (bus/topics.ts) is a channel named after the deployment's (`<channel>:room:<uuid>`,
 * `<channel>:lobby`): a node subscribes to the lobby from the start and to a room's channel
 * while it has a connection in the room, so that what it receives grows with its own rooms,
 * not with the whole cluster's traffic. Redis delivers one publisher's messages on a channel
 * to a subscriber in the order published.
 *
 * While Redis is away the connections reconnect on their own (every 2 s at most). `ready()`
 * is true only when the publisher is connected and the subscriber is subscribed again to
 * every topic, so callers refuse work rather than make changes that other nodes would not
 * hear of.
 */
export class RedisBus implements Bus {
  private handlers: ((event: BusEvent) => void)[] = [];
  private reconnectHandlers: (() => void)[] = [];
  /** Topics heard besides the lobby. */
  private readonly topics = new Set<string>();
  private subscribed = false;
  private closing = false;
  /** Publishing fails (logged once per outage, not per event). */
  private failing = false;

  private constructor(
    private readonly redis: Transport,
    private readonly channel: string,
    private readonly routing: Routing,
    private readonly log: Logger,
    private readonly onReceived?: OnReceived,
  ) {
    redis.onMessage((data) => {
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
    redis: Transport,
    channel: string,
    log: Logger,
    opts: { routing?: Routing; onReceived?: OnReceived } = {},
  ): Promise<RedisBus> {
    const bus = new RedisBus(redis, channel, opts.routing ?? 'topics', log, opts.onReceived);
    try {
      await redis.connect();
      await redis.subscribe([bus.channelOf(LOBBY)]);
    } catch (err) {
      await redis.close();
      throw new Error(`Redis cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    bus.subscribed = true;
    bus.log.info({ channel, routing: bus.routing }, 'redis bus ready');
    // after the first connection: subscribe again, to every topic, on every reconnection
    // (and again every second while that fails and the subscriber stays up)
    let up = true;
    let retry: NodeJS.Timeout | undefined;
    const resubscribe = () => {
      retry = undefined;
      const channels = [...new Set([LOBBY, ...bus.topics].map((t) => bus.channelOf(t)))];
      redis.subscribe(channels).then(
        () => {
          if (!up) return;
          bus.subscribed = true;
          bus.log.info({ channel, topics: channels.length }, 'redis bus subscribed again');
          for (const h of bus.reconnectHandlers) h();
        },
        (err: unknown) => {
          bus.log.warn({ err }, 'subscribing again failed');
          if (up && !bus.closing) retry ??= setTimeout(resubscribe, RESUBSCRIBE_MS).unref();
        },
      );
    };
    redis.onSubscriber((isUp) => {
      up = isUp;
      clearTimeout(retry);
      retry = undefined;
      if (!isUp) bus.subscribed = false;
      else resubscribe();
    });
    return bus;
  }

  /** The Redis channel of a topic (with `single` routing, the deployment's one channel). */
  private channelOf(topic: string): string {
    return this.routing === 'single' ? this.channel : `${this.channel}:${topic}`;
  }

  async publish(event: BusEvent): Promise<void> {
    try {
      // on one channel every node hears everything: an event is sent once
      const routed = this.routing === 'single' ? [[LOBBY, event] as const] : routes(event);
      await Promise.all(
        routed.map(([topic, e]) => this.redis.publish(this.channelOf(topic), JSON.stringify(e))),
      );
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
    if (this.subscribed) await this.redis.subscribe([this.channelOf(topic)]);
  }

  leave(topic: string): void {
    if (!this.topics.delete(topic) || this.routing === 'single' || !this.subscribed) return;
    this.redis
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
    return this.redis.publisherReady() && this.subscribed;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.handlers = [];
    this.reconnectHandlers = [];
    await this.redis.close();
  }
}
