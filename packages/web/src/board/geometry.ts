/**
 * The board's one coordinate space, shared by every browser, and each person's own view of
 * it: a scale and an offset (screen = board * scale + offset, in CSS pixels of the board's
 * viewport).
 */
export const BOARD = { width: 1200, height: 900 } as const;

export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** A rectangle by its edges. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const BOARD_RECT: Rect = { x0: 0, y0: 0, x1: BOARD.width, y1: BOARD.height };

/** The closest and farthest zoom, as multiples of the zoom that fits the whole board. */
export const ZOOM_RANGE = { min: 0.5, max: 16 } as const;
/** One step of the zoom buttons and keys. */
export const ZOOM_STEP = 1.25;
/** Screen pixels of the board that always stay in view, so that it cannot be lost. */
const KEEP_IN_VIEW = 64;
/** Space around the board when it is fitted, CSS pixels. */
const FIT_MARGIN = 8;

/** The view that shows all of `rect` (the whole board by default), centered. */
export function fitView(size: Size, rect: Rect = BOARD_RECT): View {
  const w = Math.max(1, rect.x1 - rect.x0);
  const h = Math.max(1, rect.y1 - rect.y0);
  const room = (n: number) => Math.max(1, n - 2 * FIT_MARGIN);
  const scale = Math.max(0.01, Math.min(room(size.width) / w, room(size.height) / h));
  return {
    scale,
    x: (size.width - w * scale) / 2 - rect.x0 * scale,
    y: (size.height - h * scale) / 2 - rect.y0 * scale,
  };
}

export function scaleLimits(size: Size): { min: number; max: number } {
  const fit = fitView(size).scale;
  return { min: fit * ZOOM_RANGE.min, max: Math.max(8, fit * ZOOM_RANGE.max) };
}

/** The view within the zoom limits, with part of the board in the viewport. */
export function clampView(view: View, size: Size): View {
  const { min, max } = scaleLimits(size);
  const scale = Math.min(max, Math.max(min, view.scale));
  const keepX = Math.min(KEEP_IN_VIEW, size.width / 4, (BOARD.width * scale) / 2);
  const keepY = Math.min(KEEP_IN_VIEW, size.height / 4, (BOARD.height * scale) / 2);
  const x = Math.min(size.width - keepX, Math.max(keepX - BOARD.width * scale, view.x));
  const y = Math.min(size.height - keepY, Math.max(keepY - BOARD.height * scale, view.y));
  return { scale, x, y };
}

/** The view zoomed by `factor` around the screen point (px, py), which stays where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number, size: Size): View {
  const { min, max } = scaleLimits(size);
  const scale = Math.min(max, Math.max(min, view.scale * factor));
  const k = scale / view.scale;
  return clampView({ scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k }, size);
}

export function panBy(view: View, dx: number, dy: number, size: Size): View {
  return clampView({ ...view, x: view.x + dx, y: view.y + dy }, size);
}

/** The board point under the screen point (sx, sy). */
export function toBoard(view: View, sx: number, sy: number): [number, number] {
  return [(sx - view.x) / view.scale, (sy - view.y) / view.scale];
}

export function toScreen(view: View, bx: number, by: number): [number, number] {
  return [bx * view.scale + view.x, by * view.scale + view.y];
}

/** The part of the board the viewport shows, in board coordinates. */
export function visibleRect(view: View, size: Size): Rect {
  const [x0, y0] = toBoard(view, 0, 0);
  const [x1, y1] = toBoard(view, size.width, size.height);
  return { x0, y0, x1, y1 };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

export function sameView(a: View, b: View): boolean {
  return a.scale === b.scale && a.x === b.x && a.y === b.y;
}

/** The view moved (not zoomed) just enough that the board point (bx, by) is in the viewport. */
export function follow(view: View, bx: number, by: number, size: Size, margin = 24): View {
  const [sx, sy] = toScreen(view, bx, by);
  const m = Math.min(margin, size.width / 3, size.height / 3);
  let dx = 0;
  let dy = 0;
  if (sx < m) dx = m - sx;
  else if (sx > size.width - m) dx = size.width - m - sx;
  if (sy < m) dy = m - sy;
  else if (sy > size.height - m) dy = size.height - m - sy;
  return dx === 0 && dy === 0 ? view : panBy(view, dx, dy, size);
}

/** A board coordinate as lines store it: within the board, to a tenth. */
export function boardPoint(x: number, y: number): [number, number] {
  const clamp = (n: number, max: number) => Math.round(Math.min(max, Math.max(0, n)) * 10) / 10;
  return [clamp(x, BOARD.width), clamp(y, BOARD.height)];
}
