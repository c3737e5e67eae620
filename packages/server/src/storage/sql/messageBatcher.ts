import { setImmediate as nextTurn } from 'node:timers/promises';

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit. Items added in the same event-loop turn, or while the previous batch
 * is being committed, are committed together by one call of `commit`; each promise
 * settles after that call with its own result. A batch that fails (nothing of it is
 * committed) is committed again an item at a time, so that a failure fails its own item
 * alone.
 */
export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    /** Called when the queue is empty and nothing is being committed. */
    private readonly onIdle?: () => void,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Settles when everything added so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async alone(w: Waiting<T, R>): Promise<void> {
    try {
      w.resolve((await this.commit([w.item]))[0] as R);
    } catch (err) {
      w.reject(err);
    }
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // Let the rest of this turn (and the callers resumed by the last commit) add theirs.
        await nextTurn();
        const batch = this.queue.splice(0, this.maxBatch);
        if (batch.length === 0) return;
        try {
          const results = await this.commit(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i] as R));
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const w of batch) await this.alone(w);
        }
      }
    } finally {
      this.running = undefined;
      this.onIdle?.();
    }
  }
}
