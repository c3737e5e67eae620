import { BOARD, intersects, sameView, visibleRect, type Size, type View } from './geometry.ts';
import {
  boundsOf,
  clear,
  context2d,
  fitCanvas,
  paintLine,
  paintSliced,
  PAPER,
  SLICE_MS,
  onBoard,
  boardTransform,
  type Context2D,
  type PaintJob,
  type Stroke,
} from './paint.ts';

/** How long the view rests before the lines are painted again at it (meanwhile: scaled). */
export const SETTLE_MS = 120;
/**
 * The canvas holds the lines this far around the view too, as a share of the view's width and
 * height on each side: a pan, or a zoom out, that far shows lines and not the desk. Less where
 * that would take more than MAX_PIXELS.
 */
export const MARGIN = 0.5;
/** The most pixels the canvas (and the one painted aside) may have: 32 MB each. */
export const MAX_PIXELS = 8_000_000;
/**
 * A pan farther than this share of the margin paints the lines at the new view at once (a
 * slice at a time, while the pan goes on), not once the view rests: the next margin is ready
 * before the pan reaches the edge of this one.
 */
export const REPAINT_AT = 0.25;
/**
 * While the view moves (it moved this recently), a paint's slices are this long: the frames of
 * the pan come between them, and not a slice's length apart.
 */
const MOVING_MS = 150;
const MOVING_SLICE_MS = 8;
/** More lines added at once than this, or more lines to compare them with: paint it all again. */
const MAX_ADDED = 64;
const MAX_COMPARED = 2_000;

/**
 * The lines to paint over a canvas that shows `drawn` so that it shows `next`: those added,
 * when every line drawn is still there, in the same order, and no line added goes under one
 * drawn after it that it touches. Null: the canvas must be painted again.
 */
export function addedOnTop(drawn: readonly Stroke[], next: readonly Stroke[]): Stroke[] | null {
  if (next.length < drawn.length) return null;
  const added: Stroke[] = [];
  const before: number[] = [];
  let j = 0;
  for (const line of next) {
    if (j < drawn.length && line === drawn[j]) {
      j++;
      continue;
    }
    if (added.length === MAX_ADDED) return null;
    added.push(line);
    before.push(j);
  }
  if (j < drawn.length) return null;
  for (let k = 0; k < added.length; k++) {
    const from = before[k]!;
    if (drawn.length - from > MAX_COMPARED) return null;
    const rect = boundsOf(added[k]!);
    for (let m = from; m < drawn.length; m++) {
      if (intersects(rect, boundsOf(drawn[m]!))) return null;
    }
  }
  return added;
}

/** CSS pixels painted around a view of `size` on each side (see MARGIN, MAX_PIXELS). */
export function marginOf(size: Size, dpr: number): { x: number; y: number } {
  const pixels = Math.max(1, size.width * size.height * dpr * dpr);
  const share = Math.max(0, Math.min(MARGIN, (Math.sqrt(MAX_PIXELS / pixels) - 1) / 2));
  return { x: Math.floor(size.width * share), y: Math.floor(size.height * share) };
}

/**
 * The committed lines: painted once into a canvas at the view, with a margin around it, and
 * only again when lines are taken away or changed (a line added on top is painted over what
 * is there), when the view has rested after a change, or when a pan has gone a quarter of
 * the margin (meanwhile the canvas is scaled and moved by CSS, which costs nothing, and its
 * margin fills what the pan brings into view). A full paint goes to a canvas of its own, a
 * slice at a time (no long task), only the lines in view and in the margin, and replaces the
 * shown one when done; a pan goes on meanwhile without cancelling it (a zoom does cancel it).
 */
export class Scene {
  private readonly ctx: Context2D | null;
  private back: HTMLCanvasElement | null = null;
  private backCtx: Context2D | null = null;
  private size: Size = { width: 0, height: 0 };
  /** CSS pixels of the canvas beyond each side of the view. */
  private margin = { x: 0, y: 0 };
  private dpr = 1;
  private view: View | null = null;
  /** The view the canvas is painted at; null: nothing painted. */
  private shown: View | null = null;
  private lines: readonly Stroke[] = [];
  /** The lines the canvas shows, in order. */
  private drawn: readonly Stroke[] = [];
  private job: (PaintJob & { view: View }) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private reported: boolean | null = null;
  /** When the view last changed (performance.now()). */
  private movedAt = -Infinity;
  /** Full paints started (for tests). */
  renders = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onPainted: (painted: boolean) => void = () => undefined,
  ) {
    this.ctx = context2d(canvas);
  }

  /** The canvas's size in CSS pixels, and its pixels per CSS pixel. */
  resize(size: Size, dpr: number): void {
    this.size = size;
    this.dpr = dpr;
    const margin = marginOf(size, dpr);
    const moved = margin.x !== this.margin.x || margin.y !== this.margin.y;
    this.margin = margin;
    this.canvas.style.left = `${-margin.x}px`;
    this.canvas.style.top = `${-margin.y}px`;
    const painted = { width: size.width + 2 * margin.x, height: size.height + 2 * margin.y };
    if (fitCanvas(this.canvas, painted, dpr) || moved) {
      // a new size cleared the canvas (a new margin moved what it shows)
      if (this.ctx) clear(this.ctx);
      this.shown = null;
      this.drawn = [];
      this.cancel();
    }
    this.place();
    if (!this.shown) this.renderSoon(0);
    this.report();
  }

  setView(view: View): void {
    this.view = view;
    // a view that moves the picture shown (not the first one, when the board opens)
    if (this.shown) this.movedAt = performance.now();
    // a paint at another zoom would be shown blurred or coarse; one a pan away serves
    if (this.job && this.job.view.scale !== view.scale) this.cancel();
    this.place();
    if (!this.shown) this.renderSoon(0);
    else if (!sameView(view, this.shown) && !this.job) {
      this.renderSoon(this.panned(this.shown, view) ? 0 : SETTLE_MS);
    }
    this.report();
  }

  /** The committed lines, in drawing order. */
  setLines(lines: readonly Stroke[]): void {
    const before = this.lines;
    this.lines = lines;
    if (this.job) {
      // a paint under way reads the lines as it goes: it paints those added at the end
      if (!isPrefix(before, lines)) {
        this.cancel();
        this.renderSoon(0);
      }
      return;
    }
    const added = this.shown && this.ctx ? addedOnTop(this.drawn, lines) : null;
    if (added && this.shown && this.ctx) {
      const ctx = this.ctx;
      onBoard(ctx, this.padded(this.shown), this.dpr, () => {
        for (const line of added) paintLine(ctx, line);
      });
      this.drawn = lines;
      this.report();
      return;
    }
    this.renderSoon(0);
    this.report();
  }

  dispose(): void {
    this.cancel();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Where the canvas paints the board at `view`: the view moved by the margin. */
  private padded(view: View): View {
    return { scale: view.scale, x: view.x + this.margin.x, y: view.y + this.margin.y };
  }

  /** Whether `to` is a pan from `from` far enough into the margin to paint the lines again now. */
  private panned(from: View, to: View): boolean {
    return (
      from.scale === to.scale &&
      (Math.abs(to.x - from.x) > this.margin.x * REPAINT_AT ||
        Math.abs(to.y - from.y) > this.margin.y * REPAINT_AT)
    );
  }

  /**
   * The canvas painted at another view than the one wanted: CSS puts it where it belongs (it
   * sits `margin` up and left of the viewport, and scales from its own top left corner).
   */
  private place(): void {
    const { shown, view, margin } = this;
    let transform = '';
    if (shown && view && !sameView(shown, view)) {
      const k = view.scale / shown.scale;
      const x = view.x - shown.x * k + margin.x * (1 - k);
      const y = view.y - shown.y * k + margin.y * (1 - k);
      transform = `matrix(${k}, 0, 0, ${k}, ${x}, ${y})`;
    }
    if (this.canvas.style.transform !== transform) this.canvas.style.transform = transform;
  }

  private report(): void {
    const painted =
      this.shown !== null &&
      this.view !== null &&
      this.job === null &&
      this.timer === null &&
      sameView(this.shown, this.view) &&
      this.drawn === this.lines;
    if (painted !== this.reported) {
      this.reported = painted;
      this.onPainted(painted);
    }
  }

  private cancel(): void {
    if (this.job) this.job.cancelled = true;
    this.job = null;
  }

  private renderSoon(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.render();
    }, ms);
  }

  private backCanvas(): Context2D | null {
    if (!this.back) {
      this.back = document.createElement('canvas');
      // painted on the CPU and read back a pixel at a time, to raster each slice as it goes
      this.backCtx = context2d(this.back, true);
    }
    if (this.back.width !== this.canvas.width || this.back.height !== this.canvas.height) {
      this.back.width = this.canvas.width;
      this.back.height = this.canvas.height;
    }
    return this.backCtx;
  }

  private async render(): Promise<void> {
    const view = this.view;
    if (!view || this.size.width <= 0 || this.size.height <= 0) return;
    this.cancel();
    this.renders++;
    const job = { cancelled: false, view };
    this.job = job;
    const ctx = this.backCanvas();
    if (ctx && this.ctx) {
      const painted = this.padded(view);
      const area = {
        width: this.size.width + 2 * this.margin.x,
        height: this.size.height + 2 * this.margin.y,
      };
      clear(ctx);
      ctx.save();
      boardTransform(ctx, painted, this.dpr);
      ctx.fillStyle = PAPER;
      ctx.fillRect(0, 0, BOARD.width, BOARD.height);
      const done = await paintSliced(
        ctx,
        () => this.lines,
        visibleRect(painted, area),
        job,
        () => ctx.getImageData(0, 0, 1, 1),
        undefined,
        () => (performance.now() - this.movedAt < MOVING_MS ? MOVING_SLICE_MS : SLICE_MS),
      );
      ctx.restore();
      if (done < 0 || job.cancelled) return;
      clear(this.ctx);
      this.ctx.drawImage(this.back!, 0, 0);
    }
    this.job = null;
    this.shown = view;
    this.drawn = this.lines;
    this.place();
    if (this.view && !sameView(this.view, view)) {
      this.renderSoon(this.panned(view, this.view) ? 0 : SETTLE_MS);
    }
    this.report();
  }
}

function isPrefix(a: readonly Stroke[], b: readonly Stroke[]): boolean {
  if (b.length < a.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
