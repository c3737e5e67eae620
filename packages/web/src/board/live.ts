import type { Size, View } from './geometry.ts';
import {
  clear,
  context2d,
  fitCanvas,
  onBoard,
  paintLine,
  type Context2D,
  type Stroke,
} from './paint.ts';

interface Painted {
  line: Stroke;
  /** Numbers of its points painted. */
  count: number;
}

/**
 * The strokes being drawn (this page's and those others stream), on a canvas of their own
 * over the committed lines: each new point paints only its new segment. The whole layer is
 * painted again only when the view changes or a stroke leaves it (ended, undone), and it
 * holds only those few strokes.
 */
export class LiveLayer {
  private readonly ctx: Context2D | null;
  private dpr = 1;
  private view: View | null = null;
  private painted = new Map<string, Painted>();
  private lines: readonly (Stroke & { uuid: string })[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = context2d(canvas);
  }

  resize(size: Size, dpr: number): void {
    this.dpr = dpr;
    fitCanvas(this.canvas, size, dpr);
    this.repaint();
  }

  setView(view: View): void {
    this.view = view;
    this.repaint();
  }

  /** The live lines, in drawing order. */
  setLines(lines: readonly (Stroke & { uuid: string })[]): void {
    this.lines = lines;
    const ctx = this.ctx;
    const view = this.view;
    if (!ctx || !view) return;
    if (lines.length < this.painted.size) return this.repaint();
    const grown: [Stroke & { uuid: string }, number][] = [];
    for (const line of lines) {
      const p = this.painted.get(line.uuid);
      if (!p) {
        grown.push([line, 0]);
        continue;
      }
      if (p.line === line) continue;
      // the same stroke with more points (anything else: paint all again)
      if (
        line.points.length < p.count ||
        line.color !== p.line.color ||
        line.tool !== p.line.tool ||
        line.width !== p.line.width
      ) {
        return this.repaint();
      }
      grown.push([line, p.count]);
    }
    if (this.painted.size + grown.filter(([, from]) => from === 0).length !== lines.length) {
      return this.repaint();
    }
    onBoard(ctx, view, this.dpr, () => {
      for (const [line, from] of grown) {
        paintLine(ctx, line, from);
        this.painted.set(line.uuid, { line, count: line.points.length });
      }
    });
  }

  private repaint(): void {
    this.painted.clear();
    const ctx = this.ctx;
    const view = this.view;
    if (!ctx || !view) return;
    clear(ctx);
    onBoard(ctx, view, this.dpr, () => {
      for (const line of this.lines) {
        paintLine(ctx, line);
        this.painted.set(line.uuid, { line, count: line.points.length });
      }
    });
  }
}
