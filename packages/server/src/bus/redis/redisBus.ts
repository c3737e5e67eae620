import { Redis } from 'ioredis';
import type { Bus, BusEvent } from '../bus.ts';
import type { Logger } from '../../logger.ts';

/**
 * Many nodes: every event goes through one Redis pub/sub channel, this node's own included,
 * so all nodes see all events in the same order.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: ((event: BusEvent) => void)[] = [];

  private constructor(
    url: string,
    private readonly channel: string,
    private readonly log: Logger,
  ) {
    const options = {
      // fail fast while Redis is away instead of queueing: the caller gets a clear error
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
      lazyConnect: true,
    };
    this.pub = new Redis(url, options);
    this.sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
    for (const [name, conn] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      conn.on('error', (err: Error) =>
        this.log.warn({ err: err.message, connection: name }, 'redis error'),
      );
      conn.on('ready', () => this.log.info({ connection: name }, 'redis ready'));
      conn.on('close', () => this.log.warn({ connection: name }, 'redis connection closed'));
    }
    this.sub.on('message', (_channel: string, data: string) => {
      let event: BusEvent;
      try {
        event = JSON.parse(data) as BusEvent;
      } catch (err) {
        this.log.error({ err }, 'unreadable bus event');
        return;
      }
      for (const h of this.handlers) h(event);
    });
  }

  static async open(url: string, log: Logger, channel = 'chat:events'): Promise<RedisBus> {
    const bus = new RedisBus(url, channel, log);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    await bus.sub.subscribe(channel);
    return bus;
  }

  async publish(event: BusEvent): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(event));
  }

  subscribe(handler: (event: BusEvent) => void): void {
    this.handlers.push(handler);
  }

  ready(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  async close(): Promise<void> {
    this.handlers = [];
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
