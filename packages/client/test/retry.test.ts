import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallError, ClientError, retryRateLimited } from '../src/index.ts';

const refusal = (retry_after_ms?: number) =>
  new CallError({
    message: 'rate_limited',
    detail: 'Too many calls.',
    ...(retry_after_ms === undefined ? {} : { retry_after_ms }),
  });

/** A request refused as `refusals` says, one by one, then answered 'ok'. */
function requests(...refusals: Error[]) {
  const made: number[] = [];
  const request = () => {
    made.push(Date.now());
    const refused = refusals.shift();
    return refused ? Promise.reject(refused) : Promise.resolve('ok');
  };
  return { made, request };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retryRateLimited', () => {
  it('makes a refused request again after the wait the server named', async () => {
    vi.useFakeTimers({ now: 0 });
    const { made, request } = requests(refusal(300), refusal());
    const answer = retryRateLimited(request, { defaultWaitMs: 700 });
    await vi.runAllTimersAsync();
    await expect(answer).resolves.toBe('ok');
    expect(made).toEqual([0, 300, 1000]);
  });

  it('gives up after its attempts, and at once on any other error', async () => {
    vi.useFakeTimers();
    const last = refusal(10);
    const tired = retryRateLimited(requests(refusal(10), last).request, { attempts: 2 });
    const caught = tired.catch((err: unknown) => err);
    await vi.runAllTimersAsync();
    await expect(caught).resolves.toBe(last);
    const lost = new ClientError('connection_lost', 'gone');
    const { made, request } = requests(lost);
    await expect(retryRateLimited(request)).rejects.toBe(lost);
    expect(made.length).toBe(1);
  });

  it('stops waiting when its signal is aborted', async () => {
    const stop = new AbortController();
    const { made, request } = requests(refusal(60_000));
    const answer = retryRateLimited(request, { signal: stop.signal });
    await Promise.resolve();
    stop.abort(new Error('quitting'));
    await expect(answer).rejects.toThrow('quitting');
    expect(made.length).toBe(1);
  });
});
