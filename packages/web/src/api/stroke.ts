import { LIMITS, type Tool } from '@chat/protocol';

export interface StrokeStyle {
  color: string;
  tool: Tool;
}

/** Where a stroke goes: drawn locally at once, streamed to the server, then sent whole. */
export interface StrokeSink {
  /** Show points locally (the first call of a line carries its style). */
  local(uuid: string, points: number[], style: StrokeStyle): void;
  append(uuid: string, points: number[], style?: StrokeStyle): void;
  finish(line: { uuid: string; points: number[]; color: string; tool: Tool }): void;
}

interface Current {
  uuid: string;
  style: StrokeStyle;
  points: number[];
  /** Index of the first number not yet streamed. */
  sent: number;
  announced: boolean;
}

/**
 * Turns pointer moves into `append_draw_points` at most every LIMITS.appendIntervalMs and a
 * final `change_draw_line`; a stroke longer than LIMITS.lineNumbers goes on in a new line.
 */
export class StrokeStreamer {
  private current: Current | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sink: StrokeSink,
    private readonly newUuid: () => string,
    private readonly now: () => number = Date.now,
    private readonly maxNumbers: number = LIMITS.lineNumbers,
    private readonly interval: number = LIMITS.appendIntervalMs,
  ) {}

  get drawing(): boolean {
    return this.current !== null;
  }

  begin(x: number, y: number, style: StrokeStyle): void {
    if (this.current) this.end();
    const uuid = this.newUuid();
    this.current = { uuid, style, points: [x, y], sent: 0, announced: false };
    this.sink.local(uuid, [x, y], style);
    this.schedule();
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
    this.schedule();
  }

  end(): void {
    const c = this.current;
    if (!c) return;
    this.clearTimer();
    if (c.points.length === 2) {
      // a tap: a dot needs two points to show
      c.points.push(c.points[0]!, c.points[1]!);
      this.sink.local(c.uuid, [c.points[0]!, c.points[1]!], c.style);
    }
    this.current = null;
    this.sink.finish({ uuid: c.uuid, points: c.points, color: c.style.color, tool: c.style.tool });
  }

  /** Streams what was drawn since the last append. */
  flush(): void {
    this.clearTimer();
    const c = this.current;
    if (!c || c.sent >= c.points.length) return;
    const points = c.points.slice(c.sent);
    c.sent = c.points.length;
    this.lastFlush = this.now();
    if (c.announced) this.sink.append(c.uuid, points);
    else this.sink.append(c.uuid, points, c.style);
    c.announced = true;
  }

  dispose(): void {
    this.end();
    this.clearTimer();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.interval - this.now());
    if (wait === 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
