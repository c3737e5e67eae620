import { Redis, type RedisOptions } from 'ioredis';
import type { Bus, BusEvent } from '../bus.ts';
import type { Logger } from '../../logger.ts';

/**
 * Many nodes: every event goes through one Redis pub/sub channel, this node's own included,
 * so all nodes see all events in the same order.
 *
 * While Redis is away both connections reconnect on their own (every 2 s at most).
 * `ready()` is true only when the publisher is connected and the subscriber is subscribed
 * again, so callers refuse work rather than make changes that other nodes would not hear of.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: ((event: BusEvent) => void)[] = [];
  private reconnectHandlers: (() => void)[] = [];
  private subscribed = false;
  /** Publishing fails (logged once per outage, not per event). */
  private failing = false;

  private constructor(
    url: string,
    private readonly channel: string,
    private readonly log: Logger,
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

  static async open(url: string, channel: string, log: Logger): Promise<RedisBus> {
    const bus = new RedisBus(url, channel, log);
    try {
      await Promise.all([bus.pub.connect(), bus.sub.connect()]);
      await bus.sub.subscribe(channel);
    } catch (err) {
      bus.pub.disconnect();
      bus.sub.disconnect();
      throw new Error(`Redis cannot be reached: ${(err as Error).message}`, { cause: err });
    }
    bus.subscribed = true;
    bus.log.info({ channel }, 'redis bus ready');
    // after the first connection: subscribe again on every reconnection
    bus.sub.on('ready', () => {
      bus.sub.subscribe(channel).then(
        () => {
          bus.subscribed = true;
          bus.log.info({ channel }, 'redis bus subscribed again');
          for (const h of bus.reconnectHandlers) h();
        },
        (err: unknown) => bus.log.warn({ err }, 'subscribing again failed'),
      );
    });
    return bus;
  }

  async publish(event: BusEvent): Promise<void> {
    try {
      await this.pub.publish(this.channel, JSON.stringify(event));
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
