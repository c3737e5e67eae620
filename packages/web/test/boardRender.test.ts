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
import { inkOf, paintLine, widthOf } from '../src/board/paint.ts';
import { addedOnTop, Scene, SETTLE_MS } from '../src/board/scene.ts';
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

describe('the committed lines (Scene)', () => {
  beforeEach(() => {
    fakeCanvas();
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

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
