import type { Pending } from './requests.ts';

/** Calls made while the client was not ready, sent in the order they were made once it is. */
export class Outbox {
  private queue: Pending[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Queues p in request order (a call sent again after a drop goes back to its place). */
  push(p: Pending): void {
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.order > p.order) i--;
    this.queue.splice(i, 0, p);
  }

  remove(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Empties the outbox, returning what it held in order. */
  take(): Pending[] {
    const all = this.queue;
    this.queue = [];
    return all;
  }
}
