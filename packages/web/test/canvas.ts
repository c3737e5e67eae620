import { vi } from 'vitest';

/** One call made on a fake 2D context: its name and arguments. */
export interface Call {
  name: string;
  args: unknown[];
}

/** A 2D context that records what is drawn (jsdom has no canvas). */
export interface FakeContext {
  canvas: HTMLCanvasElement;
  calls: Call[];
  /** Calls of `name` since the last take(). */
  count(name: string): number;
  /** The first point (moveTo) of each path stroked since the last take(), and forgets them. */
  take(): Call[];
}

function fakeContext(canvas: HTMLCanvasElement): FakeContext {
  const calls: Call[] = [];
  let from = 0;
  const target: Record<string, unknown> = {
    canvas,
    calls,
    count: (name: string) => calls.slice(from).filter((c) => c.name === name).length,
    take: () => {
      const taken = calls.slice(from);
      from = calls.length;
      return taken;
    },
  };
  return new Proxy(target, {
    get(t, key) {
      if (typeof key !== 'string' || key in t) return t[key as string];
      return (...args: unknown[]) => {
        calls.push({ name: key, args });
        return key === 'getImageData' ? { data: new Uint8ClampedArray(4) } : undefined;
      };
    },
    set(t, key, value) {
      t[key as string] = value;
      return true;
    },
  }) as unknown as FakeContext;
}

const contexts = new WeakMap<HTMLCanvasElement, FakeContext>();
/** Every fake context made (canvases the page never shows too), oldest first. */
export const made: FakeContext[] = [];

/** Gives every canvas a recording context (until vi.restoreAllMocks()). */
export function fakeCanvas(): void {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (
    this: HTMLCanvasElement,
  ) {
    let ctx = contexts.get(this);
    if (!ctx) {
      contexts.set(this, (ctx = fakeContext(this)));
      made.push(ctx);
    }
    return ctx as unknown as CanvasRenderingContext2D;
  });
}

/** The recording context of a canvas (fakeCanvas() on). */
export function contextOf(canvas: HTMLCanvasElement): FakeContext {
  return canvas.getContext('2d') as unknown as FakeContext;
}

/** The first point of each path a context stroked or filled among `calls`. */
export function pathStarts(calls: Call[]): [number, number][] {
  const out: [number, number][] = [];
  for (const c of calls) {
    if (c.name === 'moveTo' || c.name === 'arc')
      out.push([c.args[0] as number, c.args[1] as number]);
  }
  return out;
}
