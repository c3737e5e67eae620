import { CallError } from './errors.ts';

export interface RetryOptions {
  /** How many times in all the request is made at most (default 5). */
  attempts?: number;
  /** The wait when the refusal names none (default 1 s). */
  defaultWaitMs?: number;
  /** Stops waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Makes a request, and makes it again while the server refuses it with `rate_limited`, each
 * time after the `retry_after_ms` the refusal names: what a program that sends on its own (a
 * bot, a script piped into a client) owes the server's rate limits. Any other failure, or
 * the last refusal, rejects as it came.
 */
export async function retryRateLimited<T>(
  request: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof CallError) || err.code !== 'rate_limited' || attempt >= attempts) {
        throw err;
      }
      await wait(err.retryAfterMs ?? options.defaultWaitMs ?? 1_000, options.signal);
    }
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const done = () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}
