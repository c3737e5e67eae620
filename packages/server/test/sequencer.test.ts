import { describe, expect, it } from 'vitest';
import type { Message } from '@chat/protocol';
import { GAP_WAIT_MS, Sequencer } from '../src/hub/sequencer.ts';

const message = (seq: number) => ({ seq, room_uuid: 'r' }) as Message;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Sequencer', () => {
  function make(stored: number[] = []) {
    const out: number[] = [];
    const asked: [number, number][] = [];
    const seq = new Sequencer(
      async (_room, after, before) => {
        asked.push([after, before]);
        return stored.filter((s) => s > after && s < before).map(message);
      },
      (m) => out.push(m.seq),
      (err) => {
        throw err;
      },
    );
    const push = (s: number) => seq.push('r', s, () => out.push(s));
    return { seq, out, asked, push };
  }

  it('delivers in order at once when messages arrive in order', () => {
    const { seq, out, push } = make();
    seq.track('r', 4);
    [5, 6, 7].forEach(push);
    expect(out).toEqual([5, 6, 7]);
  });

  it('holds a message that overtook an earlier one until that one arrives', () => {
    const { seq, out, push } = make();
    seq.track('r', 0);
    push(2);
    push(3);
    expect(out).toEqual([]);
    push(1);
    expect(out).toEqual([1, 2, 3]);
    seq.stop();
  });

  it('fills a lasting gap from storage, then goes on', async () => {
    const { seq, out, asked, push } = make([1, 2]);
    seq.track('r', 0);
    push(3);
    await wait(GAP_WAIT_MS + 50);
    expect(asked).toEqual([[0, 3]]);
    expect(out).toEqual([1, 2, 3]);
    push(4);
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it('gives up on what storage does not have, so the room never stalls', async () => {
    const { seq, out, push } = make([]);
    seq.track('r', 0);
    push(2);
    await wait(GAP_WAIT_MS + 50);
    expect(out).toEqual([2]);
    // the late one still goes out (connections drop what they already had)
    push(1);
    expect(out).toEqual([2, 1]);
  });
});
