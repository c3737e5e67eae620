import { describe, expect, it } from 'vitest';
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
  it('draws each move locally and hands it to the client with its style, then the whole line', () => {
    const { s, calls } = sink();
    let n = 0;
    const st = new StrokeStreamer(s, () => `line${n++}`);
    const style = { color: '#cf2e24', tool: 'pen' } as const;
    st.begin(0, 0, style);
    for (let i = 1; i <= 10; i++) st.move(i, i);
    st.move(10, 10); // the same point again is no move
    const appends = calls.filter((c) => c.kind === 'append');
    const locals = calls.filter((c) => c.kind === 'local');
    // the client gathers the points and streams them at most every 50 ms (its own tests)
    expect(appends).toHaveLength(11);
    expect(locals.map((l) => l.points)).toEqual(appends.map((a) => a.points));
    for (const a of appends) expect(a.style).toEqual(style);
    st.end();
    const finish = calls.find((c) => c.kind === 'finish')!;
    expect(finish.points).toHaveLength(22);
    // what was streamed is the whole line
    expect(appends.flatMap((a) => a.points)).toEqual(finish.points);
    expect(st.drawing).toBe(false);
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
    const st = new StrokeStreamer(s, () => `l${n++}`, 10);
    st.begin(0, 0, { color: '#000000', tool: 'eraser' });
    for (let i = 1; i < 12; i++) st.move(i, 0);
    st.end();
    const finishes = calls.filter((c) => c.kind === 'finish');
    expect(finishes.map((f) => f.uuid)).toEqual(['l0', 'l1', 'l2']);
    for (const f of finishes) expect(f.points.length).toBeLessThanOrEqual(10);
    // the next line goes on from where the last one stopped
    expect(finishes[1]!.points.slice(0, 2)).toEqual(finishes[0]!.points.slice(-2));
    // each line's streamed points are that line's, in order
    for (const f of finishes) {
      const streamed = calls.filter((c) => c.kind === 'append' && c.uuid === f.uuid);
      expect(streamed.flatMap((a) => a.points)).toEqual(f.points);
    }
    expect(LIMITS.lineNumbers).toBe(20_000);
  });
});
