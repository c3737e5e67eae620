import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/storage/sql/messageBatcher.ts';

/** A batcher whose commits are recorded, each item's result its own value doubled. */
function recorded(maxBatch: number) {
  const commits: number[][] = [];
  const batcher = new Batcher<number, number>((batch) => {
    commits.push(batch);
    return Promise.resolve(batch.map((n) => 2 * n));
  }, maxBatch);
  return { batcher, commits };
}

describe('Batcher (group commit)', () => {
  it('commits what one turn adds together, up to its count', async () => {
    const { batcher, commits } = recorded(3);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(commits).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('commits a failed batch again an item at a time: a failure fails its own item alone', async () => {
    const commits: number[][] = [];
    const batcher = new Batcher<number, number>((batch) => {
      commits.push(batch);
      return batch.includes(2) ? Promise.reject(new Error('bad item')) : Promise.resolve(batch);
    }, 3);
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.add(n)));
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(commits).toEqual([[1, 2, 3], [1], [2], [3], [4]]);
  });

  it('fails every item when the store is away, and goes on with the next batch', async () => {
    let away = true;
    const batcher = new Batcher<number, number>(
      (batch) => (away ? Promise.reject(new Error('disk full')) : Promise.resolve(batch)),
      2,
    );
    const settled = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    away = false;
    expect(await batcher.add(3)).toBe(3);
  });

  it('says when it is idle', async () => {
    let idle = 0;
    const batcher = new Batcher<number, number>(
      (batch) => Promise.resolve(batch),
      2,
      () => idle++,
    );
    await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    await batcher.flush();
    expect(idle).toBe(1);
  });
});
