import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { partySocket, type SocketHandlers } from '../src/index.ts';

/** A browser WebSocket to a server that is down: every attempt fails at once. */
class RefusedSocket extends EventTarget {
  static made: RefusedSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = 'blob';

  constructor(readonly url: string) {
    super();
    RefusedSocket.made.push(this);
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = 3;
      this.dispatchEvent(new Event('error'));
      this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: '' }));
    }, 0);
  }

  send(): void {
    throw new Error('not open');
  }

  close(): void {
    this.readyState = 3;
  }
}

const handlers = (closes: number[]): SocketHandlers => ({
  open: () => undefined,
  message: () => undefined,
  close: (code) => closes.push(code),
});

const target = {
  url: () => 'ws://chat.test/ws?v=2',
  protocols: () => ['chat'],
  shouldReconnect: () => true,
};

describe('partySocket', () => {
  beforeEach(() => {
    RefusedSocket.made = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('reconnect() during the wait between attempts connects at once, not when the wait ends', async () => {
    const socket = partySocket({
      WebSocket: RefusedSocket,
      reconnect: { minDelayMs: 2_000, maxDelayMs: 2_000, growFactor: 1 },
    })(target, handlers([]));
    // the first attempt, refused; the next waits 2 s
    await vi.advanceTimersByTimeAsync(10);
    expect(RefusedSocket.made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(RefusedSocket.made).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(10);
    expect(RefusedSocket.made).toHaveLength(3);
    // and the backoff goes on from there
    await vi.advanceTimersByTimeAsync(1_900);
    expect(RefusedSocket.made).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(RefusedSocket.made).toHaveLength(4);
    socket.close();
  });

  it('close() stops the attempts, also one that was waiting', async () => {
    const closes: number[] = [];
    const socket = partySocket({
      WebSocket: RefusedSocket,
      reconnect: { minDelayMs: 1_000, maxDelayMs: 1_000, growFactor: 1 },
    })(target, handlers(closes));
    await vi.advanceTimersByTimeAsync(10);
    socket.reconnect();
    await vi.advanceTimersByTimeAsync(10);
    socket.close();
    const made = RefusedSocket.made.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(RefusedSocket.made).toHaveLength(made);
  });
});
