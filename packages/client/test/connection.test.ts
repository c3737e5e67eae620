import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '@chat/protocol';
import { createIdSource, TRY_AGAIN_DEFAULT_MS, TRY_AGAIN_MIN_MS } from '../src/index.ts';
import { fakeClient, memoryStorage, record, user } from './helpers/fakes.ts';

describe('ids', () => {
  it('are a random base36 prefix of 10 characters and a counter, at most 64 characters', () => {
    const a = createIdSource();
    const b = createIdSource();
    expect(a.prefix).toMatch(/^[0-9a-z]{10}$/);
    expect(a.prefix).not.toBe(b.prefix);
    const ids = Array.from({ length: 1000 }, () => a.next());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id.startsWith(a.prefix)).toBe(true);
      expect(id.length).toBeLessThanOrEqual(64);
      expect(a.owns(id)).toBe(true);
      expect(b.owns(id)).toBe(false);
    }
  });
});

describe('connection and identity', () => {
  it('connects to /ws?v=2 and offers the token only as a subprotocol', () => {
    const storage = memoryStorage({ token: 'SECRET' });
    const { client, socket } = fakeClient({ url: 'https://chat.test/', storage });
    client.connect();
    expect(socket().target.url()).toBe('wss://chat.test/ws?v=2');
    expect(socket().target.url()).not.toContain('SECRET');
    expect(socket().target.protocols()).toEqual(['chat', 'token.SECRET']);
    expect(client.token).toBe('SECRET');
  });

  it('offers no token at first, stores the one it gets, and offers it on every reconnect', () => {
    const storage = memoryStorage();
    const { client, socket } = fakeClient({ storage });
    const states = record(client, 'state');
    const identities = record(client, 'identity');
    client.connect();
    expect(socket().target.protocols()).toEqual(['chat']);
    const me = user();
    socket().greet(me, 'T1');
    expect(client.state).toBe('online');
    expect(client.user).toEqual(me);
    expect(storage.data.get('token')).toBe('T1');
    expect(identities).toEqual([[{ user: me, token: 'T1', resumed: false }]]);
    socket().drop();
    expect(client.state).toBe('offline');
    expect(socket().target.shouldReconnect(1006)).toBe(true);
    expect(socket().target.protocols()).toEqual(['chat', 'token.T1']);
    socket().greet(me, 'T1', true);
    expect(identities[1]).toEqual([{ user: me, token: 'T1', resumed: true }]);
    expect(states.map(([s]) => s)).toEqual([
      'connecting',
      'online',
      'offline',
      'connecting',
      'online',
    ]);
  });

  it('a storage that throws only costs persistence', () => {
    const storage = {
      getItem: (): string | null => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    const { client, socket } = fakeClient({ storage });
    client.connect();
    socket().greet(user(), 'T2');
    expect(client.token).toBe('T2');
    expect(socket().target.protocols()).toEqual(['chat', 'token.T2']);
  });

  it('session_taken_over: reports taken_over, does not reconnect, and reconnect() takes it back', () => {
    const { client, socket } = fakeClient();
    const errors = record(client, 'error');
    client.connect();
    const me = user();
    socket().greet(me);
    socket().error('session_taken_over');
    socket().drop(CLOSE_CODES.sessionTakenOver, 'session taken over');
    expect(client.state).toBe('taken_over');
    expect(socket().target.shouldReconnect(CLOSE_CODES.sessionTakenOver)).toBe(false);
    expect(errors[0]?.[0]).toMatchObject({ kind: 'call', code: 'session_taken_over' });
    client.reconnect();
    expect(socket().reconnects).toBe(1);
    expect(client.state).toBe('connecting');
    socket().greet(me, 'tok', true);
    expect(client.state).toBe('online');
  });

  describe('closed with 1013 (a quota of the address is spent)', () => {
    afterEach(() => vi.useRealTimers());

    it('waits retry_after_ms of the refusal before connecting again, and says until when', () => {
      vi.useFakeTimers({ now: 1_000_000 });
      const { client, socket } = fakeClient({ random: () => 0 });
      const states = record(client, 'state');
      const errors = record(client, 'error');
      client.connect();
      socket().open();
      const detail = 'Too many new users from your network address: try again in 12 min.';
      socket().error('rate_limited', { detail, retry_after_ms: 720_000 });
      socket().drop(CLOSE_CODES.tryAgainLater, 'rate limited');
      // the refusal is reported with the server's sentence; partysocket must not retry by itself
      expect(errors[0]?.[0]).toMatchObject({ code: 'rate_limited', detail, retryAfterMs: 720_000 });
      expect(socket().target.shouldReconnect(CLOSE_CODES.tryAgainLater)).toBe(false);
      expect(client.state).toBe('offline');
      expect(client.retryAt).toBe(1_000_000 + 720_000);
      vi.advanceTimersByTime(719_999);
      expect(socket().reconnects).toBe(0);
      expect(client.state).toBe('offline');
      vi.advanceTimersByTime(1);
      expect(socket().reconnects).toBe(1);
      expect(client.state).toBe('connecting');
      expect(client.retryAt).toBeNull();
      socket().greet(user());
      expect(states.map(([s]) => s)).toEqual(['connecting', 'offline', 'connecting', 'online']);
    });

    it('without a retry_after_ms waits the default, at least a second, with some jitter', () => {
      vi.useFakeTimers({ now: 0 });
      const { client, socket } = fakeClient({ random: () => 1 });
      client.connect();
      socket().open();
      socket().drop(CLOSE_CODES.tryAgainLater);
      expect(client.retryAt).toBe(TRY_AGAIN_DEFAULT_MS * 1.1);
      vi.advanceTimersByTime(TRY_AGAIN_DEFAULT_MS);
      expect(socket().reconnects).toBe(0);
      vi.advanceTimersByTime(TRY_AGAIN_DEFAULT_MS * 0.1);
      expect(socket().reconnects).toBe(1);
      // a refusal that says 0 ms still waits a second
      socket().open();
      socket().error('rate_limited', { retry_after_ms: 0 });
      socket().drop(CLOSE_CODES.tryAgainLater);
      expect(client.retryAt).toBe(Date.now() + TRY_AGAIN_MIN_MS * 1.1);
    });

    it('a rate_limited answer to a call does not make a later drop wait', () => {
      vi.useFakeTimers({ now: 0 });
      const { client, socket } = fakeClient();
      client.connect();
      socket().greet(user());
      socket().error('rate_limited', { retry_after_ms: 60_000 });
      socket().drop(1006);
      expect(client.retryAt).toBeNull();
      expect(socket().target.shouldReconnect(1006)).toBe(true);
    });

    it('reconnect() connects at once, and close() cancels the wait', () => {
      vi.useFakeTimers({ now: 0 });
      const { client, socket } = fakeClient();
      client.connect();
      socket().open();
      socket().error('rate_limited', { retry_after_ms: 60_000 });
      socket().drop(CLOSE_CODES.tryAgainLater);
      client.reconnect();
      expect(socket().reconnects).toBe(1);
      expect(client.retryAt).toBeNull();
      vi.advanceTimersByTime(120_000);
      expect(socket().reconnects).toBe(1);
      socket().open();
      socket().error('rate_limited', { retry_after_ms: 60_000 });
      socket().drop(CLOSE_CODES.tryAgainLater);
      client.close();
      vi.advanceTimersByTime(120_000);
      expect(socket().reconnects).toBe(1);
      expect(client.state).toBe('closed');
    });
  });

  it('close() rejects what waits and stops reconnecting; connect() opens again', async () => {
    const { client, socket } = fakeClient();
    client.connect();
    socket().greet(user());
    const listed = client.request('list_rooms');
    client.close();
    await expect(listed).rejects.toMatchObject({ kind: 'closed' });
    expect(client.state).toBe('closed');
    expect(socket().target.shouldReconnect(1006)).toBe(false);
    await expect(client.request('list_rooms')).rejects.toMatchObject({ kind: 'closed' });
    client.connect();
    expect(client.state).toBe('connecting');
    expect(socket().target.shouldReconnect(1006)).toBe(true);
  });

  it('shows every frame both ways to the tap', () => {
    const { client, socket } = fakeClient();
    const frames = record(client, 'frame');
    client.connect();
    socket().greet(user());
    void client.request('list_rooms').catch(() => undefined);
    socket().raw('not json');
    expect(frames.map(([f]) => f.direction)).toEqual(['in', 'in', 'out', 'in']);
    expect(frames[2]?.[0].data).toBe(socket().sent[0]);
    expect(frames[3]?.[0].data).toBe('not json');
  });
});

describe('retryNow', () => {
  afterEach(() => vi.useRealTimers());

  it('connects again at once while offline, and does nothing online or while the server asked to wait', () => {
    vi.useFakeTimers({ now: 0 });
    const { client, socket } = fakeClient();
    client.connect();
    socket().greet(user());
    client.retryNow();
    expect(socket().reconnects).toBe(0);
    socket().drop(1006);
    expect(client.state).toBe('offline');
    client.retryNow();
    expect(socket().reconnects).toBe(1);
    expect(client.state).toBe('connecting');
    socket().greet(user());
    // a 1013: the wait is the server's, not the page's
    socket().drop(CLOSE_CODES.tryAgainLater);
    client.retryNow();
    expect(socket().reconnects).toBe(1);
    expect(client.state).toBe('offline');
  });
});
