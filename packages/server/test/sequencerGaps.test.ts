import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Message } from '@chat/protocol';
import type { Delivery } from '../src/bus/bus.ts';
import { RateLimit } from '../src/hub/rateLimit.ts';
import { Connection } from '../src/hub/connection.ts';
import { LocalBus } from '../src/bus/local/localBus.ts';
import { Hub } from '../src/hub/hub.ts';
import { GAP_RETRY_MS, GAP_WAIT_MS, Sequencer } from '../src/hub/sequencer.ts';
import { createLogger } from '../src/logger.ts';

const message = (seq: number) => ({ seq, room_uuid: 'r' }) as Message;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A sequencer over a store holding seqs 1..`stored`, read at most `page` at a time. */
function make(stored: number, opts: { page?: number; failing?: () => boolean } = {}) {
  const out: string[] = [];
  const errors: unknown[] = [];
  let reads = 0;
  const seq = new Sequencer(
    async (_room, after, before) => {
      reads++;
      await wait(5);
      if (opts.failing?.()) throw new Error('storage away');
      return range(after + 1, Math.min(stored, before - 1))
        .slice(0, opts.page ?? 200)
        .map(message);
    },
    (m) => out.push(`stored ${m.seq}`),
    (err) => errors.push(err),
  );
  const push = (s: number) => seq.push('r', s, () => out.push(`bus ${s}`));
  return { seq, out, errors, push, reads: () => reads };
}

describe('Sequencer gaps', () => {
  it('fills a gap longer than one page of storage, in order', async () => {
    const { seq, out, push } = make(500, { page: 200 });
    seq.track('r', 0);
    push(451);
    await wait(GAP_WAIT_MS + 200);
    expect(out).toEqual([...range(1, 450).map((s) => `stored ${s}`), 'bus 451']);
  });

  it('prefers a bus copy that arrives while the gap is read from storage', async () => {
    const { seq, out, push } = make(10);
    seq.track('r', 0);
    push(3);
    await wait(GAP_WAIT_MS + 1);
    // the read is under way: 1 and 2 arrive now
    push(2);
    push(1);
    await wait(50);
    expect(out).toEqual(['bus 1', 'bus 2', 'bus 3']);
    push(4);
    expect(out.at(-1)).toBe('bus 4');
  });

  it('before the first history page, waits; then delivers what follows the page in order', () => {
    const { seq, out, push } = make(0);
    push(7);
    push(5);
    push(6);
    expect(out).toEqual([]);
    seq.track('r', 5);
    // 5 is in the page (late: delivered, and dropped by connections that have it)
    expect(out).toEqual(['bus 5', 'bus 6', 'bus 7']);
    seq.stop();
  });

  it('starts at the first arrival when no history page comes', async () => {
    const { out, push } = make(0);
    push(4);
    push(3);
    await wait(GAP_WAIT_MS + 50);
    expect(out).toEqual(['bus 3', 'bus 4']);
  });

  it('keeps a gap while storage cannot be read, and fills it once storage is back', async () => {
    let away = true;
    const { seq, out, errors, push } = make(5, { failing: () => away });
    seq.track('r', 0);
    push(3);
    await wait(GAP_WAIT_MS + 50);
    expect(errors.length).toBe(1);
    expect(out).toEqual([]);
    away = false;
    await wait(GAP_RETRY_MS + 100);
    expect(out).toEqual(['stored 1', 'stored 2', 'bus 3']);
  });

  it('catches up on what it missed while the bus was away', async () => {
    const { seq, out, push } = make(300);
    seq.track('r', 0);
    push(1);
    seq.catchUp();
    await wait(100);
    expect(out).toEqual(['bus 1', ...range(2, 300).map((s) => `stored ${s}`)]);
  });
});

describe('Hub gaps', () => {
  const stored = (seq: number) =>
    ({ seq, room_uuid: 'r', uuid: `m${seq}`, body: `b${seq}` }) as Message;
  const created = (seq: number, id?: string): Delivery => ({
    kind: 'deliver',
    audience: { to: 'room', room: 'r' },
    payload: { message: 'message_created', object: stored(seq) },
    ...(id === undefined ? {} : { origin: { session: 's', id } }),
  });

  /** A hub whose storage holds messages 1 and 2 of room r, and one connection in r, of session s. */
  function hubWithSender() {
    const hub = new Hub(
      new LocalBus(),
      async (_room, after, before) =>
        [stored(1), stored(2)].filter((m) => m.seq > after && m.seq < before),
      (err) => {
        throw err;
      },
    );
    const frames: string[] = [];
    const ws = { bufferedAmount: 0, send: (f: string) => frames.push(f) } as unknown as WebSocket;
    const user = { uuid: 'u', name: 'u', room_uuid: 'r' };
    const conn = new Connection('s', user, ws, '127.0.0.1', new RateLimit(1, 1), 2, {
      maxBufferedBytes: 1024,
      log: createLogger('silent'),
      traceFrames: false,
    });
    hub.add(conn);
    hub.track('r', 0);
    /** What the connection was sent: seq and call id of each message. */
    const sent = () =>
      frames.map((f) => {
        const p = (JSON.parse(f) as { payload: { id?: string; object: Message } }).payload;
        return [p.object.seq, p.id];
      });
    return { hub, sent };
  }

  it("a sender's own message filled from storage still carries its call id, once", async () => {
    const { hub, sent } = hubWithSender();
    // this node committed 1 and publishes it; another node's 2 overtakes it on the bus
    hub.expectOwn(created(1, 'call-1'));
    hub.deliver(created(2));
    await wait(GAP_WAIT_MS + 50);
    hub.deliver(created(1, 'call-1'));
    expect(sent()).toEqual([
      [1, 'call-1'],
      [2, undefined],
    ]);
    hub.stop();
  });

  it('a page read while the call that committed a message is a step from registering it waits for that call', async () => {
    const { hub, sent } = hubWithSender();
    // the call committing 1 runs; 2 from another node makes a gap, read from storage meanwhile
    const ended = hub.callStarted('r');
    hub.deliver(created(2));
    await wait(GAP_WAIT_MS + 50);
    expect(sent()).toEqual([]);
    // the call registers its message, and is done; its bus copy comes later
    hub.expectOwn(created(1, 'call-1'));
    ended();
    await wait(10);
    hub.deliver(created(1, 'call-1'));
    expect(sent()).toEqual([
      [1, 'call-1'],
      [2, undefined],
    ]);
    hub.stop();
  });
});
