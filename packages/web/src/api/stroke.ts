import type { LineStyle } from '@chat/client';
import { LIMITS } from '@chat/protocol';

/** A line's color, tool and width (absent: the original's width for the tool). */
export type StrokeStyle = LineStyle;

/** Where a stroke goes: drawn locally at once, streamed to the server, then sent whole. */
export interface StrokeSink {
  /** Show points locally (the first call of a line carries its style). */
  local(uuid: string, points: number[], style: StrokeStyle): void;
  /** New points of the line being drawn (the client gathers them and streams them). */
  append(uuid: string, points: number[], style: StrokeStyle): void;
  finish(line: { uuid: string; points: number[] } & StrokeStyle): void;
}

interface Current {
  uuid: string;
  style: StrokeStyle;
  points: number[];
}

/**
 * Turns pointer moves into the points of a line: each move is drawn locally and handed to
 * the client (which streams them as `append_draw_points` at most every
 * LIMITS.appendIntervalMs), the end sends the whole line; a tap becomes a dot, and a stroke
 * longer than LIMITS.lineNumbers goes on in a new line.
 */
export class StrokeStreamer {
  private current: Current | null = null;

  constructor(
    private readonly sink: StrokeSink,
    private readonly newUuid: () => string,
    private readonly maxNumbers: number = LIMITS.lineNumbers,
  ) {}

  get drawing(): boolean {
    return this.current !== null;
  }

  begin(x: number, y: number, style: StrokeStyle): void {
    if (this.current) this.end();
    const uuid = this.newUuid();
    this.current = { uuid, style, points: [x, y] };
    this.sink.local(uuid, [x, y], style);
    this.sink.append(uuid, [x, y], style);
  }

  move(x: number, y: number): void {
    const c = this.current;
    if (!c) return;
    const lx = c.points[c.points.length - 2];
    const ly = c.points[c.points.length - 1];
    if (lx === x && ly === y) return;
    if (c.points.length + 2 > this.maxNumbers) {
      const style = c.style;
      this.end();
      this.begin(lx ?? x, ly ?? y, style);
    }
    const cur = this.current!;
    cur.points.push(x, y);
    this.sink.local(cur.uuid, [x, y], cur.style);
    this.sink.append(cur.uuid, [x, y], cur.style);
  }

  end(): void {
    const c = this.current;
    if (!c) return;
    if (c.points.length === 2) {
      // a tap: a dot needs two points to show
      c.points.push(c.points[0]!, c.points[1]!);
      this.sink.local(c.uuid, [c.points[0]!, c.points[1]!], c.style);
    }
    this.current = null;
    this.sink.finish({ uuid: c.uuid, points: c.points, ...c.style });
  }

  dispose(): void {
    this.end();
  }
}
