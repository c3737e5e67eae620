import {
  clampView,
  fitView,
  follow,
  panBy,
  sameView,
  zoomAt,
  ZOOM_STEP,
  type Size,
  type View,
} from './geometry.ts';

/**
 * This person's view of the board: zoom and pan are nobody else's. Until zoomed or moved it
 * fits the whole board, also when the panel changes size. Components subscribe to it.
 */
export class ViewState {
  private current: View = { scale: 1, x: 0, y: 0 };
  private area: Size = { width: 0, height: 0 };
  /** Fitted: follows the panel's size; false once zoomed or moved by hand. */
  private fitted = true;
  private readonly listeners = new Set<() => void>();

  get view(): View {
    return this.current;
  }

  get size(): Size {
    return this.area;
  }

  /** The zoom, as a share of one board unit per CSS pixel. */
  get zoom(): number {
    return this.current.scale;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): View => this.current;

  resize(size: Size): void {
    if (size.width === this.area.width && size.height === this.area.height) return;
    const before = this.area;
    this.area = size;
    if (this.fitted || before.width === 0) {
      this.set(fitView(size), true);
      return;
    }
    // the middle of the view stays where it was
    const dx = (size.width - before.width) / 2;
    const dy = (size.height - before.height) / 2;
    this.set(clampView({ ...this.current, x: this.current.x + dx, y: this.current.y + dy }, size));
  }

  set(view: View, fitted = false): void {
    this.fitted = fitted;
    if (sameView(view, this.current)) return;
    this.current = view;
    for (const l of this.listeners) l();
  }

  fit(): void {
    this.set(fitView(this.area), true);
  }

  /** Zooms by `factor` around a screen point (the middle of the view by default). */
  zoomBy(factor: number, at?: { x: number; y: number }): void {
    const x = at?.x ?? this.area.width / 2;
    const y = at?.y ?? this.area.height / 2;
    this.set(zoomAt(this.current, factor, x, y, this.area));
  }

  zoomIn(): void {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut(): void {
    this.zoomBy(1 / ZOOM_STEP);
  }

  /** One board unit to one CSS pixel, around the middle of the view. */
  actualSize(): void {
    this.zoomBy(1 / this.current.scale);
  }

  pan(dx: number, dy: number): void {
    this.set(panBy(this.current, dx, dy, this.area));
  }

  /** Moves the view just enough to show the board point (the keyboard pen). */
  show(x: number, y: number): void {
    const next = follow(this.current, x, y, this.area);
    if (next !== this.current) this.set(next);
  }
}
