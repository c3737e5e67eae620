import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Line } from '@chat/protocol';
import {
  BOARD,
  clampView,
  fitView,
  toBoard,
  toScreen,
  visibleRect,
  zoomAt,
} from '../src/board/geometry.ts';
import { LiveLayer } from '../src/board/live.ts';
import { inkOf, paintLine, paintSliced, widthOf } from '../src/board/paint.ts';
import {
  addedOnTop,
  marginOf,
  MAX_PIXELS,
  REPAINT_AT,
  Scene,
  SETTLE_MS,
} from '../src/board/scene.ts';
import { drawingActions, lineOf } from '../src/store/drawing.ts';
import { createStore } from '../src/store/index.ts';
import { contextOf, fakeCanvas, made, pathStarts } from './canvas.ts';

const SIZE = { width: 800, height: 600 };

let n = 0;
function line(points: number[], extra: Partial<Line> = {}): Line {
  const uuid = `l${++n}`;
  return {
    uuid,
    name: `line-${uuid}`,
    points,
    color: '#000000',
    tool: 'pen',
    user_uuid: 'u1',
    ...extra,
  };
}

describe('the view', () => {
  it('fits the whole board, centered', () => {
    const v = fitView(SIZE);
    const [x0, y0] = toScreen(v, 0, 0);
    const [x1, y1] = toScreen(v, BOARD.width, BOARD.height);
    expect(x0).toBeGreaterThanOrEqual(0);
    expect(x1).toBeLessThanOrEqual(SIZE.width);
    expect(y0).toBeGreaterThanOrEqual(0);
    expect(y1).toBeLessThanOrEqual(SIZE.height);
    expect(Math.round(x0 + x1)).toBe(SIZE.width);
    expect(Math.round(y0 + y1)).toBe(SIZE.height);
  });

  it('zooms around a point that stays under the pointer, within limits', () => {
    const v = fitView(SIZE);
    const before = toBoard(v, 300, 200);
    const z = zoomAt(v, 3, 300, 200, SIZE);
    expect(z.scale).toBeCloseTo(v.scale * 3);
    const after = toBoard(z, 300, 200);
    expect(after[0]).toBeCloseTo(before[0]);
    expect(after[1]).toBeCloseTo(before[1]);
    expect(zoomAt(v, 1e6, 0, 0, SIZE).scale).toBeLessThan(v.scale * 1e3);
    expect(zoomAt(v, 1e-6, 0, 0, SIZE).scale).toBeGreaterThan(v.scale / 10);
  });

  it('never loses the board out of view', () => {
    const v = clampView({ scale: 1, x: -100_000, y: 100_000 }, SIZE);
    const r = visibleRect(v, SIZE);
    expect(r.x1).toBeGreaterThan(BOARD.width - 100);
    expect(r.y0).toBeLessThan(100);
  });
});

describe('painting a line', () => {
  beforeEach(() => fakeCanvas());
  afterEach(() => vi.restoreAllMocks());

  it('a dot for a click (one point, or one point repeated); lines without width keep the original’s', () => {
    const ctx = contextOf(document.createElement('canvas'));
    paintLine(ctx as unknown as CanvasRenderingContext2D, line([5, 6, 5, 6], { width: 16 }));
    const calls = ctx.take();
    expect(calls.map((c) => c.name)).toEqual(['beginPath', 'arc', 'fill']);
    expect(calls[1]!.args.slice(0, 3)).toEqual([5, 6, 8]);
    expect(widthOf(line([], { tool: 'pen' }))).toBe(4);
    expect(widthOf(line([], { tool: 'eraser' }))).toBe(28);
    expect(widthOf(line([], { tool: 'eraser', width: 12 }))).toBe(12);
  });

  it('an eraser paints the white paper back, with its color’s opacity', () => {
    expect(inkOf({ tool: 'eraser', color: '#cf2e24' })).toBe('#ffffff');
    expect(inkOf({ tool: 'eraser', color: '#cf2e2480' })).toBe('rgba(255, 255, 255, 0.502)');
    expect(inkOf({ tool: 'pen', color: '#cf2e24' })).toBe('#cf2e24');
  });
});

describe('painting a slice at a time', () => {
  beforeEach(() => fakeCanvas());
  afterEach(() => vi.restoreAllMocks());

  it('ends a slice sooner when told (while the view moves: the frames come between)', () => {
    // each reading of the clock 5 ms later
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 5));
    const ctx = contextOf(document.createElement('canvas')) as unknown as CanvasRenderingContext2D;
    const lines = Array.from({ length: 100 }, () => line(Array.from({ length: 200 }, (_, k) => k)));
    // the chunks painted before the first slice ends (the rest comes in later tasks)
    const firstSlice = (sliceMs?: () => number) => {
      let chunks = 0;
      const job = { cancelled: false };
      void paintSliced(
        ctx,
        () => lines,
        null,
        job,
        () => chunks++,
        undefined,
        sliceMs,
      );
      job.cancelled = true;
      return chunks;
    };
    expect(firstSlice()).toBe(3);
    expect(firstSlice(() => 8)).toBe(1);
  });
});

describe('lines added on top', () => {
  const a = line([0, 0, 10, 10]);
  const b = line([100, 100, 110, 110]);
  const c = line([5, 5, 20, 20]);
  const far = line([500, 500, 510, 510]);

  it('are painted over what is there; anything else paints the canvas again', () => {
    expect(addedOnTop([a, b], [a, b, c])).toEqual([c]);
    // under a line it touches: no
    expect(addedOnTop([a], [c, a])).toBeNull();
    // under a line far from it: the same picture either way
    expect(addedOnTop([a, b], [a, far, b])).toEqual([far]);
    // a line taken away, or changed
    expect(addedOnTop([a, b], [a])).toBeNull();
    expect(addedOnTop([a, b], [a, { ...b }])).toBeNull();
  });
});

/** Each test of the block on a fake canvas, with fake timers. */
function withFakeCanvas(): void {
  beforeEach(() => {
    fakeCanvas();
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
}

describe('the committed lines (Scene)', () => {
  withFakeCanvas();

  async function settled(): Promise<void> {
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 50);
  }

  function scene() {
    const canvas = document.createElement('canvas');
    const states: boolean[] = [];
    const s = new Scene(canvas, (p) => states.push(p));
    s.resize(SIZE, 1);
    return { s, canvas, ctx: contextOf(canvas), states };
  }

  it('paints only the lines in view, then each new line alone, and all again only when one goes', async () => {
    const { s, ctx, states } = scene();
    const left = line([10, 10, 50, 50]);
    const right = line([1100, 800, 1150, 850]);
    // zoomed on the top left corner: the line at the bottom right is not painted
    s.setView({ scale: 4, x: 0, y: 0 });
    s.setLines([left, right]);
    await settled();
    expect(s.renders).toBe(1);
    expect(states.at(-1)).toBe(true);
    // painted aside (the line in view only), then shown at once (one drawImage)
    const aside = made.at(-1)!;
    expect(aside).not.toBe(ctx);
    expect(pathStarts(aside.take())).toEqual([[10, 10]]);
    expect(ctx.count('drawImage')).toBe(1);
    ctx.take();
    const added = line([20, 20, 30, 30]);
    s.setLines([left, right, added]);
    expect(pathStarts(ctx.take())).toEqual([[20, 20]]);
    await settled();
    expect(s.renders).toBe(1);
    // undone: painted again, without it
    s.setLines([left, right]);
    await settled();
    expect(s.renders).toBe(2);
  });

  it('scales the canvas while the view moves and paints it again once the view rests', async () => {
    const { s, canvas, states } = scene();
    s.setView(fitView(SIZE));
    s.setLines([line([10, 10, 50, 50])]);
    await settled();
    expect(s.renders).toBe(1);
    const zoomed = zoomAt(fitView(SIZE), 2, 400, 300, SIZE);
    s.setView(zoomed);
    expect(canvas.style.transform).toMatch(/^matrix\(2, 0, 0, 2,/);
    expect(states.at(-1)).toBe(false);
    await vi.advanceTimersByTimeAsync(SETTLE_MS / 2);
    s.setView(zoomAt(zoomed, 1.1, 400, 300, SIZE));
    await vi.advanceTimersByTimeAsync(SETTLE_MS / 2);
    expect(s.renders).toBe(1);
    await settled();
    expect(s.renders).toBe(2);
    expect(canvas.style.transform).toBe('');
    expect(states.at(-1)).toBe(true);
  });
});

describe('panning (Scene)', () => {
  withFakeCanvas();

  it('paints a margin of half the view around it, less where it would take too many pixels', () => {
    expect(marginOf(SIZE, 1)).toEqual({ x: 400, y: 300 });
    // a phone at DPR 3: a third of the view, the canvas within the budget
    const phone = { width: 390, height: 844 };
    const m = marginOf(phone, 3);
    expect(m.x).toBeGreaterThan(100);
    expect(m.x).toBeLessThan(phone.width / 2);
    expect((phone.width + 2 * m.x) * (phone.height + 2 * m.y) * 9).toBeLessThanOrEqual(MAX_PIXELS);
    expect(marginOf({ width: 4000, height: 3000 }, 2)).toEqual({ x: 0, y: 0 });
  });

  it('a pan of 40% of the view shows the lines it brings into view at once, and paints the next margin without waiting for the view to rest', async () => {
    const canvas = document.createElement('canvas');
    const s = new Scene(canvas);
    s.resize(SIZE, 1);
    // at twice the zoom, the view shows board x 300..700, y 225..525
    const view = { scale: 2, x: -600, y: -450 };
    const inView = line([480, 370, 520, 380]);
    // 60 units left of the view: 40% of the view further on, it is in it
    const left = line([230, 370, 250, 380]);
    const above = line([480, 150, 500, 160]);
    const far = line([1150, 850, 1160, 860]);
    s.setView(view);
    s.setLines([inView, left, above, far]);
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 50);
    expect(s.renders).toBe(1);
    // the canvas is the view and its margins, placed up and left of the viewport
    expect([canvas.width, canvas.height]).toEqual([1600, 1200]);
    expect([canvas.style.left, canvas.style.top]).toEqual(['-400px', '-300px']);
    const aside = made.at(-1)!;
    expect(pathStarts(aside.take())).toEqual([
      [480, 370],
      [230, 370],
      [480, 150],
    ]);
    // painted at the view moved by the margin
    expect(aside.calls.find((c) => c.name === 'setTransform' && c.args[0] === 2)?.args).toEqual([
      2, 0, 0, 2, -200, -150,
    ]);
    // the pan: CSS moves the canvas, whose margin holds the line now in view
    s.setView({ ...view, x: view.x + 0.4 * SIZE.width });
    expect(canvas.style.transform).toBe('matrix(1, 0, 0, 1, 320, 0)');
    // and the lines at the new view are painted now, not once it rests
    await vi.advanceTimersByTimeAsync(1);
    expect(s.renders).toBe(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(canvas.style.transform).toBe('');
    // a small pan waits for the view to rest, as a zoom does
    const small = { ...view, x: view.x + 0.4 * SIZE.width + 400 * REPAINT_AT - 10 };
    s.setView(small);
    await vi.advanceTimersByTimeAsync(SETTLE_MS / 2);
    expect(s.renders).toBe(2);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(s.renders).toBe(3);
  });

  it('a pan goes on while the paint for it is under way; a zoom cancels it', async () => {
    // each reading of the clock 10 ms later: a paint takes more than one slice
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 10));
    // the slices' tasks (MessageChannel), and the timers
    const tasks = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await new Promise<void>((resolve) => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => {
            ch.port1.close();
            resolve();
          };
          ch.port2.postMessage(null);
        });
        await vi.advanceTimersByTimeAsync(0);
      }
    };
    const canvas = document.createElement('canvas');
    const s = new Scene(canvas);
    s.resize(SIZE, 1);
    const view = { scale: 2, x: -600, y: -450 };
    const many = Array.from({ length: 400 }, (_, i) =>
      line(Array.from({ length: 10 }, (_, k) => 400 + k * 20 + (i % 5) * (k % 2 ? 1 : 2))),
    );
    s.setView(view);
    s.setLines(many);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    await tasks(10);
    expect(s.renders).toBe(1);
    expect(canvas.style.transform).toBe('');
    // a pan past a quarter of the margin: painted at once, a slice at a time
    s.setView({ ...view, x: view.x + 200 });
    await vi.advanceTimersByTimeAsync(0);
    expect(s.renders).toBe(2);
    // the pan goes on: the paint is not cancelled, and is shown where it belongs once done
    s.setView({ ...view, x: view.x + 250 });
    s.setView({ ...view, x: view.x + 300 });
    await tasks(10);
    expect(s.renders).toBe(2);
    expect(canvas.style.transform).toBe('matrix(1, 0, 0, 1, 100, 0)');
    // the pan's end paints once the view rests; a zoom meanwhile cancels that paint
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(s.renders).toBe(3);
    s.setView({ scale: 2.5, x: view.x + 300, y: view.y });
    await tasks(10);
    expect(canvas.style.transform).toMatch(/^matrix\(1.25, 0, 0, 1.25,/);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    await tasks(10);
    expect(s.renders).toBe(4);
    expect(canvas.style.transform).toBe('');
  });
});

describe('the strokes being drawn (LiveLayer)', () => {
  beforeEach(() => fakeCanvas());
  afterEach(() => vi.restoreAllMocks());

  it('paints only the new segment of each new point', () => {
    const canvas = document.createElement('canvas');
    const ctx = contextOf(canvas);
    const live = new LiveLayer(canvas);
    live.resize(SIZE, 1);
    live.setView(fitView(SIZE));
    const first = line([10, 10]);
    live.setLines([first]);
    // a stroke's first point: a dot at once
    expect(ctx.take().filter((c) => c.name === 'arc')).toHaveLength(1);
    const longer = { ...first, points: [10, 10, 20, 20, 30, 30] };
    live.setLines([longer]);
    let calls = ctx.take();
    expect(pathStarts(calls)).toEqual([[10, 10]]);
    expect(calls.filter((c) => c.name === 'lineTo')).toHaveLength(2);
    const more = { ...first, points: [...longer.points, 40, 40] };
    live.setLines([more]);
    calls = ctx.take();
    expect(pathStarts(calls)).toEqual([[30, 30]]);
    expect(calls.filter((c) => c.name === 'lineTo')).toHaveLength(1);
    expect(ctx.count('clearRect')).toBe(0);
    // the stroke ended (it goes to the committed lines): the layer is cleared
    live.setLines([]);
    expect(ctx.count('clearRect')).toBe(1);
  });
});

describe('the drawing store', () => {
  it('keeps lines being drawn apart: a point changes the few live lines, not the thousands of whole ones', () => {
    const store = createStore();
    const d = store.dispatch;
    d(drawingActions.roomOpened('r1'));
    const whole = line([0, 0, 5, 5]);
    d(drawingActions.got({ uuid: 'd', name: 'drawing', room_uuid: 'r1', lines: [whole] }));
    const append = (points: number[]) =>
      d(
        drawingActions.pointsAppended({
          uuid: 'l-live',
          points,
          color: '#cf2e24',
          tool: 'pen',
          width: 16,
          user_uuid: 'u2',
        }),
      );
    append([1, 2]);
    const before = store.getState().drawing;
    append([3, 4]);
    const after = store.getState().drawing;
    expect(after.lines).toBe(before.lines);
    expect(after.order).toBe(before.order);
    expect(after.live['l-live']).toMatchObject({ points: [1, 2, 3, 4], width: 16 });
    // its whole line comes: whole, in its place
    d(drawingActions.lineChanged({ ...after.live['l-live']!, points: [1, 2, 3, 4, 5, 6] }));
    let s = store.getState().drawing;
    expect(s.live).toEqual({});
    expect(s.order).toEqual([whole.uuid, 'l-live']);
    expect(lineOf(s, 'l-live')!.points).toHaveLength(6);
    // a whole line that gets more points (still being drawn when read) is live again
    d(drawingActions.pointsAppended({ uuid: whole.uuid, points: [7, 7], user_uuid: 'u1' }));
    s = store.getState().drawing;
    expect(s.lines[whole.uuid]).toBeUndefined();
    expect(s.live[whole.uuid]!.points).toEqual([0, 0, 5, 5, 7, 7]);
    expect(s.order).toEqual([whole.uuid, 'l-live']);
    d(drawingActions.lineDeleted(whole.uuid));
    expect(store.getState().drawing.order).toEqual(['l-live']);
  });
});
