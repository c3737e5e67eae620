import type { Line, Tool } from '@chat/protocol';
import { BOARD, intersects, type Rect, type Size, type View } from './geometry.ts';

/** The width a line without one is drawn with: the original client's. */
export const ORIGINAL_WIDTH: Record<Tool, number> = { pen: 4, eraser: 28 };
/** The widths offered for each tool (board units). */
export const WIDTHS: Record<Tool, readonly number[]> = {
  pen: [2, 4, 8, 16],
  eraser: [12, 28, 48],
};
/** The board's paper, in every theme: what an eraser shows again. */
export const PAPER = '#ffffff';

/** What painting needs of a line. */
export type Stroke = Pick<Line, 'points' | 'color' | 'tool' | 'width'>;

export function widthOf(line: Pick<Line, 'tool' | 'width'>): number {
  return line.width ?? ORIGINAL_WIDTH[line.tool] ?? ORIGINAL_WIDTH.pen;
}

/**
 * What a line paints with: its color; an eraser paints the paper with its color's opacity,
 * which over white paper is what erasing the lines below would show.
 */
export function inkOf(line: Pick<Line, 'tool' | 'color'>): string {
  if (line.tool !== 'eraser') return line.color;
  const alpha = /^#[0-9a-f]{8}$/i.test(line.color) ? parseInt(line.color.slice(7), 16) / 255 : 1;
  return alpha >= 1 ? PAPER : `rgba(255, 255, 255, ${alpha.toFixed(3)})`;
}

interface Shape {
  /** Where it paints, its width included. */
  rect: Rect;
  /** Every point is the same one: a dot (a click or a tap). */
  dot: boolean;
}

const NOWHERE: Rect = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
/** Lines never change (the store gives a changed line a new object): measured once each. */
const shapes = new WeakMap<Stroke, Shape>();

function shapeOf(line: Stroke): Shape {
  let shape = shapes.get(line);
  if (shape) return shape;
  const p = line.points;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < p.length; i += 2) {
    const x = p[i]!;
    const y = p[i + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const pad = widthOf(line) / 2 + 1;
  shape =
    x0 > x1
      ? { rect: NOWHERE, dot: false }
      : {
          rect: { x0: x0 - pad, y0: y0 - pad, x1: x1 + pad, y1: y1 + pad },
          dot: x0 === x1 && y0 === y1,
        };
  shapes.set(line, shape);
  return shape;
}

/** Where a line paints (its width included), in board coordinates. */
export function boundsOf(line: Stroke): Rect {
  return shapeOf(line).rect;
}

export type Context2D = CanvasRenderingContext2D;

function dot(ctx: Context2D, line: Stroke, x: number, y: number): void {
  ctx.fillStyle = inkOf(line);
  ctx.beginPath();
  ctx.arc(x, y, widthOf(line) / 2, 0, Math.PI * 2);
  ctx.fill();
}

/**
 * Paints the line's points from number `from` on (the point before it included, so that a
 * stroke painted piece by piece joins up). A line of one point, or of one point repeated,
 * is a dot.
 */
export function paintLine(ctx: Context2D, line: Stroke, from = 0): void {
  const p = line.points;
  const start = Math.max(0, from - 2);
  if (p.length - start < 2) return;
  if (shapeOf(line).dot || p.length - start === 2) {
    if (start === 0) dot(ctx, line, p[0]!, p[1]!);
    return;
  }
  ctx.strokeStyle = inkOf(line);
  ctx.lineWidth = widthOf(line);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(p[start]!, p[start + 1]!);
  for (let i = start + 2; i + 1 < p.length; i += 2) ctx.lineTo(p[i]!, p[i + 1]!);
  ctx.stroke();
}

/**
 * Runs `paint` with the context set to draw board coordinates at `view` (on a canvas of
 * `dpr` pixels per CSS pixel), clipped to the board.
 */
export function onBoard(ctx: Context2D, view: View, dpr: number, paint: () => void): void {
  ctx.save();
  boardTransform(ctx, view, dpr);
  paint();
  ctx.restore();
}

/** Sets the context to draw board coordinates at `view`, clipped to the board. */
export function boardTransform(ctx: Context2D, view: View, dpr: number): void {
  ctx.setTransform(dpr * view.scale, 0, 0, dpr * view.scale, dpr * view.x, dpr * view.y);
  ctx.beginPath();
  ctx.rect(0, 0, BOARD.width, BOARD.height);
  ctx.clip();
}

export function clear(ctx: Context2D): void {
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.restore();
}

/**
 * Gives a canvas `dpr` pixels per CSS pixel of `size`, shown at `size`; whether its pixels
 * changed (which clears it).
 */
export function fitCanvas(canvas: HTMLCanvasElement, size: Size, dpr: number): boolean {
  const w = Math.max(1, Math.round(size.width * dpr));
  const h = Math.max(1, Math.round(size.height * dpr));
  canvas.style.width = `${size.width}px`;
  canvas.style.height = `${size.height}px`;
  if (canvas.width === w && canvas.height === h) return false;
  canvas.width = w;
  canvas.height = h;
  return true;
}

/** A 2D context, or null where there is none (a test's DOM without canvas). */
export function context2d(canvas: HTMLCanvasElement, cpu = false): Context2D | null {
  try {
    return canvas.getContext('2d', cpu ? { willReadFrequently: true } : undefined);
  } catch {
    return null;
  }
}

declare const scheduler: { yield?: () => Promise<void> } | undefined;

/** Lets the browser handle input and paint a frame, then goes on. */
export function nextTask(): Promise<void> {
  if (typeof scheduler !== 'undefined' && typeof scheduler.yield === 'function') {
    return scheduler.yield();
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** How long one slice of a long paint may take, ms: a task stays far below 50 ms. */
export const SLICE_MS = 24;

export interface PaintJob {
  cancelled: boolean;
}

/**
 * Paints lines()[0..] in order, skipping those outside `visible`, a slice at a time: the canvas
 * is made to raster what was drawn (`flush`, else it all happens in one go when the frame is
 * painted) every few thousand points, and the task ends after `sliceMs()` (SLICE_MS unless
 * told: read again at each chunk). lines() is read again
 * as it goes, so lines added meanwhile are painted too. Resolves with how many lines it went
 * through, or -1 when cancelled.
 */
export async function paintSliced(
  ctx: Context2D,
  lines: () => readonly Stroke[],
  visible: Rect | null,
  job: PaintJob,
  flush: () => void,
  paint: (line: Stroke) => void = (line) => paintLine(ctx, line),
  sliceMs: () => number = () => SLICE_MS,
): Promise<number> {
  let i = 0;
  let chunk = 2_000;
  let sliceStart = performance.now();
  for (;;) {
    if (job.cancelled) return -1;
    const all = lines();
    if (i >= all.length) break;
    const chunkStart = performance.now();
    let points = 0;
    while (i < all.length && points < chunk) {
      const line = all[i++]!;
      if (visible && !intersects(boundsOf(line), visible)) continue;
      paint(line);
      points += line.points.length / 2;
    }
    flush();
    const now = performance.now();
    const slice = sliceMs();
    // about a third of a slice per chunk: the slice ends close to its length, not far past it
    const took = Math.max(0.5, now - chunkStart);
    chunk = Math.max(200, Math.min(50_000, Math.round((chunk * slice) / 3 / took)));
    if (now - sliceStart >= slice) {
      await nextTask();
      sliceStart = performance.now();
    }
  }
  return i;
}
