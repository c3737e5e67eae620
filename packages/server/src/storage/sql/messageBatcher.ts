import { setImmediate as nextTurn } from 'node:timers/promises';

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit. Items added in the same event-loop turn, or while the previous batch
 * is being committed, are committed together by one call of `commit`; each promise
 * settles after that call: with its own result, or, when the batch fails, with the
 * batch's error (nothing in a failed batch is acknowledged).
 */
export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
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
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
