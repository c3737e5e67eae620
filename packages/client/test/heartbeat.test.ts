import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeClient, record, room, user } from './helpers/fakes.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function online(heartbeatMs = 1000) {
  const fake = fakeClient({ heartbeatMs, heartbeatTimeoutMs: 500 });
  fake.client.connect();
  fake.socket().greet(user());
  fake.socket().newCalls();
  return fake;
}

describe('heartbeat', () => {
  it('after heartbeatMs of silence sends ping; its pong is not emitted', () => {
    const { client, socket } = online();
    const listed = record(client, 'pong');
    vi.advanceTimersByTime(999);
    expect(socket().newCalls()).toEqual([]);
    vi.advanceTimersByTime(1);
    const [probe] = socket().newCalls();
    expect(probe).toMatchObject({ message: 'ping' });
    socket().result('pong', { time: new Date().toISOString() }, probe?.id);
    expect(listed).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(socket().reconnects).toBe(0);
    expect(client.state).toBe('online');
    // still silent: the next probe
    vi.advanceTimersByTime(1);
    expect(socket().newCalls()).toMatchObject([{ message: 'ping' }]);
  });

  it('frames keep it quiet: no probe while the server talks', () => {
    const { socket } = online();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(600);
      socket().result('user_typing', { object: user() });
    }
    expect(socket().newCalls()).toEqual([]);
  });

  it('any frame answers the probe', () => {
    const { client, socket } = online();
    vi.advanceTimersByTime(1000);
    expect(socket().newCalls()).toHaveLength(1);
    vi.advanceTimersByTime(400);
    socket().result('room_changed', {
      object: {
        uuid: 'r',
        name: 'n',
        color: '#fff',
        users: [],
        sum: 0,
        created: '2026-11-28T01:02:03.456Z',
        user_count: 0,
      },
    });
    vi.advanceTimersByTime(200);
    expect(socket().reconnects).toBe(0);
    expect(client.state).toBe('online');
  });

  it('a silent server: drops the connection after heartbeatTimeoutMs, reports offline, connects again', () => {
    const { client, socket } = online();
    const states = record(client, 'state');
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(499);
    expect(socket().reconnects).toBe(0);
    vi.advanceTimersByTime(1);
    expect(socket().reconnects).toBe(1);
    expect(states.map(([s]) => s)).toEqual(['offline']);
    socket().greet(user());
    expect(client.state).toBe('online');
  });

  it('stops while offline', () => {
    const { socket } = online();
    socket().drop();
    vi.advanceTimersByTime(10_000);
    expect(socket().reconnects).toBe(0);
  });
});

describe('throttles', () => {
  it('typing goes out at most once per 2 s, and only in a room', async () => {
    const { client, socket } = online(60_000);
    expect(client.typing()).toBe(false);
    const entering = client.enterRoom('r');
    socket().answerEnter(room('r'), []);
    await entering;
    socket().newCalls();
    expect(client.typing()).toBe(true);
    vi.advanceTimersByTime(1999);
    expect(client.typing()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(client.typing()).toBe(true);
    expect(
      socket()
        .newCalls()
        .map((c) => c.message),
    ).toEqual(['typing', 'typing']);
  });

  it('appendPoints gathers points and streams them at most every 50 ms, the style first', () => {
    const { client, socket } = online(60_000);
    const style = { color: '#000000', tool: 'pen' as const };
    client.appendPoints('l1', [1, 2], style);
    client.appendPoints('l1', [3, 4], style);
    vi.advanceTimersByTime(20);
    client.appendPoints('l1', [5, 6]);
    expect(socket().newCalls()).toEqual([
      expect.objectContaining({
        message: 'append_draw_points',
        uuid: 'l1',
        points: [1, 2],
        color: '#000000',
        tool: 'pen',
      }),
    ]);
    vi.advanceTimersByTime(30);
    const [second] = socket().newCalls();
    expect(second).toMatchObject({ uuid: 'l1', points: [3, 4, 5, 6] });
    expect(second).not.toHaveProperty('color');
    client.appendPoints('l1', [7, 8]);
    const finished = client.finishLine({ uuid: 'l1', points: [1, 2, 3, 4, 5, 6, 7, 8], ...style });
    expect(
      socket()
        .newCalls()
        .map((c) => [c.message, c.points]),
    ).toEqual([
      ['append_draw_points', [7, 8]],
      ['change_draw_line', [1, 2, 3, 4, 5, 6, 7, 8]],
    ]);
    void finished.catch(() => undefined);
  });

  it('a line with a width sends it with its first points and with the whole line', () => {
    const { client, socket } = online(60_000);
    const style = { color: '#cf2e24', tool: 'pen' as const, width: 16 };
    client.appendPoints('l3', [1, 2], style);
    vi.advanceTimersByTime(60);
    client.appendPoints('l3', [3, 4], style);
    const finished = client.finishLine({ uuid: 'l3', points: [1, 2, 3, 4], ...style });
    const [first, second, whole] = socket().newCalls();
    expect(first).toMatchObject({ message: 'append_draw_points', points: [1, 2], width: 16 });
    expect(second).not.toHaveProperty('width');
    expect(whole).toMatchObject({ message: 'change_draw_line', points: [1, 2, 3, 4], width: 16 });
    void finished.catch(() => undefined);
  });

  it('a line whose first points were dropped offline sends its style with the next ones', () => {
    const { client, socket } = online(60_000);
    socket().drop();
    client.appendPoints('l2', [1, 2], { color: '#fff', tool: 'eraser' });
    socket().greet(user());
    socket().newCalls();
    vi.advanceTimersByTime(100);
    client.appendPoints('l2', [3, 4]);
    expect(socket().newCalls()).toEqual([
      expect.objectContaining({ uuid: 'l2', points: [3, 4], color: '#fff', tool: 'eraser' }),
    ]);
  });
});
