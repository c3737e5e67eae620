import { LIMITS, type CallInput, type Tool } from '@chat/protocol';
import { Throttle } from './throttle.ts';

export interface LineStyle {
  color: string;
  tool: Tool;
  /** 1 to LIMITS.lineWidth.max; absent: the original's width for the tool. */
  width?: number;
}

interface Stroke {
  uuid: string;
  style: LineStyle | undefined;
  /** The style went out with an earlier append. */
  announced: boolean;
  points: number[];
}

/**
 * The points of the line being drawn, streamed as append_draw_points at most every
 * LIMITS.appendIntervalMs, gathered in between. The first append that goes out carries the
 * line's style, its width included (the server needs it for a new line); one dropped offline
 * passes it on.
 */
export class PointStream {
  private stroke: Stroke | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly throttle: Throttle;

  constructor(
    /** Sends an append; false when it was dropped (not connected). */
    private readonly send: (args: CallInput<'append_draw_points'>) => boolean,
    now: () => number = Date.now,
  ) {
    this.throttle = new Throttle(LIMITS.appendIntervalMs, now);
  }

  append(uuid: string, points: readonly number[], style?: LineStyle): void {
    if (this.stroke && this.stroke.uuid !== uuid) this.flush();
    this.stroke ??= { uuid, style, announced: false, points: [] };
    this.stroke.style ??= style;
    this.stroke.points.push(...points);
    const wait = this.throttle.wait();
    if (wait === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends what is gathered now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const s = this.stroke;
    if (!s || s.points.length === 0) return;
    const points = s.points;
    s.points = [];
    this.throttle.take();
    const style = !s.announced && s.style ? s.style : undefined;
    const sent = this.send(style ? { uuid: s.uuid, points, ...style } : { uuid: s.uuid, points });
    if (sent && style) s.announced = true;
  }

  /** The line is finished: sends what is gathered and forgets it. */
  end(uuid: string): void {
    if (this.stroke?.uuid !== uuid) return;
    this.flush();
    this.stroke = null;
  }
}
