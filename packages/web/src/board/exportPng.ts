import { BOARD } from './geometry.ts';
import { context2d, paintSliced, PAPER, type Stroke } from './paint.ts';

/**
 * The whole board as a PNG (not only the view): BOARD.width x BOARD.height pixels, one per
 * board unit, on its paper; painted a slice at a time as the board is. Null where the browser
 * cannot make one.
 */
export async function boardPng(lines: readonly Stroke[]): Promise<Blob | null> {
  const canvas = document.createElement('canvas');
  canvas.width = BOARD.width;
  canvas.height = BOARD.height;
  const ctx = context2d(canvas, true);
  if (!ctx) return null;
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, BOARD.width, BOARD.height);
  await paintSliced(
    ctx,
    () => lines,
    null,
    { cancelled: false },
    () => ctx.getImageData(0, 0, 1, 1),
  );
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}

/** Offers `blob` as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
