import type { Bus, BusEvent } from '../bus.ts';

/** One node: publishing is a function call. */
export class LocalBus implements Bus {
  private handlers: ((event: BusEvent) => void)[] = [];

  async publish(event: BusEvent): Promise<void> {
    for (const h of this.handlers) h(event);
  }
  subscribe(handler: (event: BusEvent) => void): void {
    this.handlers.push(handler);
  }
  /** One node hears everything: topics are for many. */
  async join(): Promise<void> {}
  leave(): void {}
  onReconnect(): void {
    // never disconnected
  }
  ready(): boolean {
    return true;
  }
  async close(): Promise<void> {
    this.handlers = [];
  }
}
