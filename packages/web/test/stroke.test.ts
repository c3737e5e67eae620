import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '@chat/protocol';
import { StrokeStreamer, type StrokeSink } from '../src/api/stroke.ts';

function sink() {
  const calls: { kind: string; uuid: string; points: number[]; style?: unknown }[] = [];
  const s: StrokeSink = {
    local: (uuid, points) => calls.push({ kind: 'local', uuid, points }),
    append: (uuid, points, style) => calls.push({ kind: 'append', uuid, points, style }),
    finish: (line) => calls.push({ kind: 'finish', uuid: line.uuid, points: line.points }),
  };
  return { s, calls };
}

describe('StrokeStreamer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('streams at most every 50 ms, the first append with style, then sends the whole line', () => {
    const { s, calls } = sink();
    let n = 0;
    const st = new StrokeStreamer(
      s,
      () => `line${n++}`,
      () => Date.now(),
    );
    st.begin(0, 0, { color: '#cf2e24', tool: 'pen' });
    for (let i = 1; i <= 10; i++) {
      st.move(i, i);
      vi.advanceTimersByTime(10);
    }
    const appends = calls.filter((c) => c.kind === 'append');
    expect(appends.length).toBeGreaterThanOrEqual(2);
    expect(appends.length).toBeLessThanOrEqual(3);
    expect(appends[0]!.style).toEqual({ color: '#cf2e24', tool: 'pen' });
    expect(appends[1]!.style).toBeUndefined();
    st.end();
    const finish = calls.find((c) => c.kind === 'finish')!;
    expect(finish.points).toHaveLength(22);
    // what was streamed is a prefix of the whole line
    const streamed = appends.flatMap((a) => a.points);
    expect(finish.points.slice(0, streamed.length)).toEqual(streamed);
  });

  it('turns a tap into a dot', () => {
    const { s, calls } = sink();
    const st = new StrokeStreamer(s, () => 'a');
    st.begin(5, 6, { color: '#000000', tool: 'pen' });
    st.end();
    expect(calls.find((c) => c.kind === 'finish')!.points).toEqual([5, 6, 5, 6]);
  });

  it('starts a new line when one gets too long', () => {
    const { s, calls } = sink();
    let n = 0;
    const st = new StrokeStreamer(s, () => `l${n++}`, Date.now, 10);
    st.begin(0, 0, { color: '#000000', tool: 'eraser' });
    for (let i = 1; i < 12; i++) st.move(i, 0);
    st.end();
    const finishes = calls.filter((c) => c.kind === 'finish');
    expect(finishes.map((f) => f.uuid)).toEqual(['l0', 'l1', 'l2']);
    for (const f of finishes) expect(f.points.length).toBeLessThanOrEqual(10);
    // the next line goes on from where the last one stopped
    expect(finishes[1]!.points.slice(0, 2)).toEqual(finishes[0]!.points.slice(-2));
    expect(LIMITS.lineNumbers).toBe(20_000);
  });
});
