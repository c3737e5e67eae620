import { boardPoint, clampView, scaleLimits, toBoard, type View } from './geometry.ts';
import type { ViewState } from './view.ts';

/** What the pointers drive: the stroke (in board coordinates) and where this user points. */
export interface PointerHost {
  /** What the primary button (one finger) does: draw, or move the view (the hand). */
  mode(): 'draw' | 'move';
  begin(x: number, y: number): void;
  move(x: number, y: number): void;
  end(): void;
  /** This user points at (x, y) of the board (shown to the others as a cursor). */
  point(x: number, y: number): void;
}

/** A pointer event, its position relative to the board's viewport (CSS pixels). */
export interface PointerAt {
  pointerId: number;
  pointerType: string;
  button: number;
  x: number;
  y: number;
}

/**
 * A finger waits this long, or until it moves this far, before it draws: a second finger
 * meanwhile makes it a pinch and draws nothing. A tap draws a dot.
 */
export const TOUCH_WAIT_MS = 80;
export const TOUCH_SLOP_PX = 8;

interface Point {
  x: number;
  y: number;
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const middle = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/**
 * Pointer input on the board: a mouse, pen or finger draws (the middle button, or the hand
 * tool, moves the view); two fingers pinch to zoom and move the view. Hovering points (the
 * others see the cursor).
 */
export class PointerInput {
  private readonly touches = new Map<number, Point>();
  /** The pointer drawing the stroke, if any. */
  private drawing: number | null = null;
  /** A finger down that has not started its stroke yet (see TOUCH_WAIT_MS). */
  private pending: { id: number; points: Point[]; timer: ReturnType<typeof setTimeout> } | null =
    null;
  private panning: { id: number; from: Point; view: View } | null = null;
  private pinch: { distance: number; middle: Point; view: View } | null = null;

  constructor(
    private readonly views: ViewState,
    private readonly host: PointerHost,
  ) {}

  /** Whether the page should capture the pointer (it draws or moves the view). */
  down(p: PointerAt): boolean {
    const at = { x: p.x, y: p.y };
    if (p.pointerType === 'touch') {
      this.touches.set(p.pointerId, at);
      if (this.touches.size === 2) {
        this.startPinch();
        return true;
      }
      if (this.touches.size > 2) return true;
    } else if (p.button === 1) {
      this.startPan(p.pointerId, at);
      return true;
    } else if (p.button !== 0) {
      return false;
    }
    if (this.host.mode() === 'move') {
      this.startPan(p.pointerId, at);
    } else if (p.pointerType === 'touch') {
      const id = p.pointerId;
      this.pending = {
        id,
        points: [at],
        timer: setTimeout(() => this.startPending(), TOUCH_WAIT_MS),
      };
    } else {
      this.startStroke(p.pointerId, at);
    }
    return true;
  }

  move(p: PointerAt): void {
    const at = { x: p.x, y: p.y };
    if (p.pointerType === 'touch' && this.touches.has(p.pointerId)) {
      this.touches.set(p.pointerId, at);
    }
    if (this.pinch) {
      this.movePinch();
      return;
    }
    const pan = this.panning;
    if (pan?.id === p.pointerId) {
      const { view, from } = pan;
      this.views.set(
        clampView(
          { ...view, x: view.x + at.x - from.x, y: view.y + at.y - from.y },
          this.views.size,
        ),
      );
      return;
    }
    const pending = this.pending;
    if (pending?.id === p.pointerId) {
      pending.points.push(at);
      if (distance(pending.points[0]!, at) > TOUCH_SLOP_PX) this.startPending();
      return;
    }
    const [x, y] = this.board(at);
    if (this.drawing === p.pointerId) this.host.move(x, y);
    // a finger that is not drawing points nowhere
    if (this.drawing === p.pointerId || p.pointerType !== 'touch') this.host.point(x, y);
  }

  up(p: PointerAt): void {
    this.touches.delete(p.pointerId);
    if (this.pinch) {
      if (this.touches.size < 2) this.pinch = null;
      return;
    }
    if (this.pending?.id === p.pointerId) {
      // a tap: a dot
      this.startPending();
    }
    this.stop(p.pointerId);
  }

  /** The browser took the pointer (a gesture of its own, the window lost focus). */
  cancel(p: PointerAt): void {
    this.touches.delete(p.pointerId);
    if (this.pinch && this.touches.size < 2) this.pinch = null;
    if (this.pending?.id === p.pointerId) this.dropPending();
    this.stop(p.pointerId);
  }

  dispose(): void {
    this.dropPending();
    if (this.drawing !== null) this.host.end();
    this.drawing = null;
  }

  private board(at: Point): [number, number] {
    const [x, y] = toBoard(this.views.view, at.x, at.y);
    return boardPoint(x, y);
  }

  private stop(id: number): void {
    if (this.drawing === id) {
      this.drawing = null;
      this.host.end();
    }
    if (this.panning?.id === id) this.panning = null;
  }

  private startStroke(id: number, at: Point): void {
    const [x, y] = this.board(at);
    this.drawing = id;
    this.host.begin(x, y);
    this.host.point(x, y);
  }

  private startPending(): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    const [first, ...rest] = pending.points;
    this.startStroke(pending.id, first!);
    for (const at of rest) {
      const [x, y] = this.board(at);
      this.host.move(x, y);
    }
  }

  private dropPending(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
  }

  private startPan(id: number, from: Point): void {
    this.panning = { id, from, view: this.views.view };
  }

  private startPinch(): void {
    this.dropPending();
    if (this.drawing !== null) {
      // the stroke the first finger had started ends where it is
      this.drawing = null;
      this.host.end();
    }
    this.panning = null;
    const [a, b] = [...this.touches.values()];
    this.pinch = {
      distance: Math.max(1, distance(a!, b!)),
      middle: middle(a!, b!),
      view: this.views.view,
    };
  }

  /** The board point under the fingers' first middle stays under their middle; the zoom follows their spread. */
  private movePinch(): void {
    const pinch = this.pinch!;
    const [a, b] = [...this.touches.values()];
    if (!a || !b) return;
    const { view } = pinch;
    const scale = view.scale * (distance(a, b) / pinch.distance);
    const m = middle(a, b);
    const bx = (pinch.middle.x - view.x) / view.scale;
    const by = (pinch.middle.y - view.y) / view.scale;
    const size = this.views.size;
    const { min, max } = scaleLimits(size);
    const s = Math.min(max, Math.max(min, scale));
    this.views.set(clampView({ scale: s, x: m.x - bx * s, y: m.y - by * s }, size));
  }
}

/** A wheel turn: with Ctrl or Cmd (a trackpad's pinch too) it zooms around the pointer, else it moves the view. */
export function wheel(
  views: ViewState,
  e: Pick<WheelEvent, 'deltaX' | 'deltaY' | 'deltaMode' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
  at: Point,
): void {
  const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? views.size.height : 1;
  if (e.ctrlKey || e.metaKey) {
    views.zoomBy(Math.exp(-e.deltaY * unit * 0.0025), at);
    return;
  }
  let dx = e.deltaX * unit;
  let dy = e.deltaY * unit;
  if (e.shiftKey && dx === 0) [dx, dy] = [dy, 0];
  views.pan(-dx, -dy);
}
