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

  it('fails every item of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(
      (batch) => (++calls === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve(batch)),
      2,
    );
    const settled = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});
