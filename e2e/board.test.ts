import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import WebSocket from 'ws';
import { ChatClient } from '@chat/client';
import type { Line } from '@chat/protocol';
import { boardStats, e2eSuite, open, shot, waitFor, type Opened } from './helpers.ts';

/*
 * The board in two browsers (and a phone) against the real server. A protocol client in the
 * room reads the drawing as the server stores it: what the pages sent, to the tenth.
 */

const suite = e2eSuite();
let a: Opened;
let b: Opened;
let reader: ChatClient;
let room = '';

interface View {
  scale: number;
  x: number;
  y: number;
}

/** This page's view of the board (the board element's data attributes). */
async function viewOf(page: Page): Promise<View> {
  const wrap = page.getByTestId('board');
  const [scale, x, y] = await Promise.all(
    ['data-scale', 'data-view-x', 'data-view-y'].map((n) => wrap.getAttribute(n)),
  );
  return { scale: Number(scale), x: Number(x), y: Number(y) };
}

/** Where a board point is on the page's screen (CSS pixels of the page). */
async function screenOf(page: Page, bx: number, by: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.board').boundingBox())!;
  const v = await viewOf(page);
  return { x: box.x + v.x + bx * v.scale, y: box.y + v.y + by * v.scale };
}

/** The board point under a screen point of the page. */
async function boardAt(page: Page, sx: number, sy: number): Promise<[number, number]> {
  const box = (await page.locator('.board').boundingBox())!;
  const v = await viewOf(page);
  return [(sx - box.x - v.x) / v.scale, (sy - box.y - v.y) / v.scale];
}

/** A mouse stroke through board points, at the page's view. */
async function drawOn(page: Page, points: [number, number][]): Promise<void> {
  const [first, ...rest] = points;
  const p0 = await screenOf(page, first![0], first![1]);
  await page.mouse.move(p0.x, p0.y);
  await page.mouse.down();
  for (const [x, y] of rest) {
    const p = await screenOf(page, x, y);
    await page.mouse.move(p.x, p.y, { steps: 4 });
  }
  await page.mouse.up();
}

/**
 * Pixels of the committed lines' canvas that are not the paper (ink), within a
 * rectangle of the board's viewport (CSS pixels, from its top left), read where CSS shows that
 * canvas (it may be larger than the viewport, moved and scaled while the view changes); none
 * where the canvas does not reach.
 */
const INK_ON_SCREEN = ([x0, y0, x1, y1]: readonly [number, number, number, number]): number => {
  const board = document.querySelector<HTMLElement>('.board')!.getBoundingClientRect();
  const canvas = document.querySelector<HTMLCanvasElement>('canvas.board-scene')!;
  const box = canvas.getBoundingClientRect();
  const kx = canvas.width / box.width;
  const ky = canvas.height / box.height;
  const cx0 = Math.max(0, Math.round((board.left + x0 - box.left) * kx));
  const cy0 = Math.max(0, Math.round((board.top + y0 - box.top) * ky));
  const cx1 = Math.min(canvas.width, Math.round((board.left + x1 - box.left) * kx));
  const cy1 = Math.min(canvas.height, Math.round((board.top + y1 - box.top) * ky));
  if (cx1 <= cx0 || cy1 <= cy0) return 0;
  const data = canvas.getContext('2d')!.getImageData(cx0, cy0, cx1 - cx0, cy1 - cy0).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3]! > 0 && (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200)) n++;
  }
  return n;
};

/** Pixels of the committed lines' canvas that are not the paper, within `r` board units of (bx, by). */
async function inkNear(page: Page, bx: number, by: number, r: number): Promise<number> {
  const v = await viewOf(page);
  const x = bx * v.scale + v.x;
  const y = by * v.scale + v.y;
  const half = Math.max(0.5, r * v.scale);
  return page.evaluate(INK_ON_SCREEN, [x - half, y - half, x + half, y + half] as const);
}

/**
 * Pans the view by events dispatched in the page (the wheel, Ctrl+arrow keys twice, or a drag
 * in Move mode), 40% of the view, and reads the ink in the area it brought into view: at once
 * (in the same task: what CSS shows of the canvases as they are) and after the next frame.
 */
async function panAndRead(
  page: Page,
  how: 'wheel' | 'keys' | 'drag',
): Promise<{ now: number; frame: number; before: number }> {
  const run = async ([how, inkSource]: readonly [string, string]) => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the helper above, in the page
    const make = new Function(`return ${inkSource}`) as () => (r: number[]) => number;
    const ink = make();
    const board = document.querySelector<HTMLElement>('.board')!;
    const r = board.getBoundingClientRect();
    const [w, h] = [r.width, r.height];
    const at = { clientX: r.left + w / 2, clientY: r.top + h / 2, bubbles: true };
    // the area each pan brings into view: its far 40%, a little of its edges left out
    const strip =
      how === 'wheel'
        ? [0.62 * w, 0.05 * h, 0.98 * w, 0.95 * h]
        : how === 'keys'
          ? [0.02 * w, 0.05 * h, 0.38 * w, 0.95 * h]
          : [0.05 * w, 0.62 * h, 0.95 * w, 0.98 * h];
    const before = ink(strip);
    if (how === 'wheel') {
      board.dispatchEvent(new WheelEvent('wheel', { ...at, deltaX: 0.4 * w, cancelable: true }));
    } else if (how === 'keys') {
      for (let i = 0; i < 2; i++) {
        board.dispatchEvent(
          new KeyboardEvent('keydown', { key: 'ArrowLeft', ctrlKey: true, bubbles: true }),
        );
      }
    } else {
      const pointer = { ...at, pointerId: 7, pointerType: 'mouse', button: 0, isPrimary: true };
      board.dispatchEvent(new PointerEvent('pointerdown', pointer));
      for (let k = 1; k <= 4; k++) {
        board.dispatchEvent(
          new PointerEvent('pointermove', { ...pointer, clientY: at.clientY - (0.4 * h * k) / 4 }),
        );
      }
      board.dispatchEvent(
        new PointerEvent('pointerup', { ...pointer, clientY: at.clientY - 0.4 * h }),
      );
    }
    const now = ink(strip);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    return { now, frame: ink(strip), before };
  };
  return page.evaluate(run, [how, INK_ON_SCREEN.toString()] as const);
}

async function painted(page: Page): Promise<void> {
  await page.locator('[data-testid=board][data-painted=true]').waitFor();
}

/** The room's lines as the server has them. */
async function stored(): Promise<Line[]> {
  return (await reader.request('get_drawing')).object.lines;
}

async function showBoard(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show drawing' }).click();
  await painted(page);
}

beforeAll(async () => {
  reader = new ChatClient({ url: suite.server.url, WebSocket });
  reader.connect();
  await new Promise<void>((resolve) => reader.on('state', (s) => s === 'online' && resolve()));
  room = (await reader.request('create_room', { name: 'Board' })).object.uuid;
  await reader.enterRoom(room);
  a = await open(suite.browser, `${suite.server.url}/room/${room}`);
  b = await open(suite.browser, `${suite.server.url}/room/${room}`);
  await Promise.all([showBoard(a.page), showBoard(b.page)]);
});

afterAll(async () => {
  reader?.close();
});

describe('the board in two browsers', () => {
  it('a stroke’s width and a click’s dot reach the other browser', async () => {
    await a.page.getByRole('button', { name: 'Color #cf2e24' }).click();
    await a.page.getByRole('button', { name: 'Width 2' }).click();
    await drawOn(a.page, [
      [200, 200],
      [500, 200],
    ]);
    await a.page.getByRole('button', { name: 'Width 16' }).click();
    await drawOn(a.page, [
      [200, 400],
      [500, 400],
    ]);
    // a click without moving
    const dot = await screenOf(a.page, 700, 300);
    await a.page.mouse.click(dot.x, dot.y);
    await waitFor(async () => (await boardStats(b.page)).lines === 3, 5_000, 'three lines in B');
    const lines = await stored();
    expect(lines.map((l) => l.width)).toEqual([2, 16, 16]);
    expect(lines[2]!.points).toEqual([700, 300, 700, 300]);
    await painted(b.page);
    // B draws them as wide as they are: eight times the ink
    const thin = await inkNear(b.page, 350, 200, 20);
    const thick = await inkNear(b.page, 350, 400, 20);
    expect(thin).toBeGreaterThan(0);
    expect(thick / thin).toBeGreaterThan(3);
    // and the dot is there
    expect(await inkNear(b.page, 700, 300, 4)).toBeGreaterThan(10);
    await shot(b.page, 'board-widths-1280');
  });

  it('the others’ cursors show with their names, hide after 5 s still, and go when they leave', async () => {
    const bName = (await b.page.getByTestId('my-name').textContent())!;
    const at = await screenOf(b.page, 600, 450);
    await b.page.mouse.move(at.x, at.y);
    await b.page.mouse.move(at.x + 20, at.y + 10, { steps: 3 });
    const cursor = a.page.locator('.board-cursor', { hasText: bName });
    await cursor.waitFor();
    // where B points last, on A's view of the board (positions are sent at most every 60 ms,
    // the last one after its wait: the cursor may show at an earlier one first)
    const [ex, ey] = await boardAt(b.page, at.x + 20, at.y + 10);
    let off = Infinity;
    await waitFor(
      async () => {
        const box = (await cursor.boundingBox())!;
        const [bx, by] = await boardAt(a.page, box.x, box.y);
        off = Math.max(Math.abs(bx - ex), Math.abs(by - ey));
        return off < 3;
      },
      2_000,
      'the cursor where B points',
    ).catch(() => undefined);
    expect(off).toBeLessThan(3);
    await shot(a.page, 'board-cursor-1280');
    // still: hidden after 5 s
    await cursor.waitFor({ state: 'detached', timeout: 8_000 });
    // it moves: back; B leaves the room: gone at once
    await b.page.mouse.move(at.x, at.y + 30, { steps: 3 });
    await cursor.waitFor();
    await b.page.getByRole('button', { name: 'Go back' }).click();
    await cursor.waitFor({ state: 'detached', timeout: 2_000 });
    await b.page.goBack();
    await b.page.getByRole('button', { name: 'Show drawing' }).waitFor();
    await showBoard(b.page);
  });

  it('zooming in one browser moves nobody else’s view; a stroke drawn zoomed lands where it was drawn', async () => {
    const before = await viewOf(b.page);
    for (let i = 0; i < 3; i++) await a.page.getByRole('button', { name: 'Zoom in' }).click();
    // and Ctrl + wheel around a point
    const c = await screenOf(a.page, 500, 400);
    await a.page.mouse.move(c.x, c.y);
    await a.page.keyboard.down('Control');
    await a.page.mouse.wheel(0, -200);
    await a.page.keyboard.up('Control');
    await painted(a.page);
    const zoomed = await viewOf(a.page);
    expect(zoomed.scale).toBeGreaterThan(before.scale * 2.5);
    // drawn at screen points: the server stores the board points under them
    const box = (await a.page.locator('.board').boundingBox())!;
    const screen: [number, number][] = [
      [box.x + box.width * 0.3, box.y + box.height * 0.4],
      [box.x + box.width * 0.5, box.y + box.height * 0.5],
      [box.x + box.width * 0.6, box.y + box.height * 0.45],
    ];
    const expected = await Promise.all(screen.map(([x, y]) => boardAt(a.page, x, y)));
    const count = (await stored()).length;
    await a.page.mouse.move(screen[0]![0], screen[0]![1]);
    await a.page.mouse.down();
    for (const [x, y] of screen.slice(1)) {
      await a.page.waitForTimeout(40);
      await a.page.mouse.move(x, y);
    }
    await a.page.mouse.up();
    await waitFor(async () => (await stored()).length === count + 1, 5_000, 'the zoomed stroke');
    const line = (await stored()).at(-1)!;
    const points: [number, number][] = [];
    for (let i = 0; i < line.points.length; i += 2)
      points.push([line.points[i]!, line.points[i + 1]!]);
    expect(points).toHaveLength(3);
    points.forEach(([x, y], i) => {
      expect(Math.abs(x - expected[i]![0])).toBeLessThanOrEqual(0.1);
      expect(Math.abs(y - expected[i]![1])).toBeLessThanOrEqual(0.1);
    });
    // B's view did not move, and B shows the line
    await waitFor(async () => (await boardStats(b.page)).lines === count + 1, 5_000, 'B has it');
    expect(await viewOf(b.page)).toEqual(before);
    await painted(b.page);
    const [mx, my] = expected[1]!;
    expect(await inkNear(b.page, mx, my, 4)).toBeGreaterThan(0);
    await shot(a.page, 'board-zoomed-1280');
  });

  it('undo and redo (Ctrl+Z, Ctrl+Shift+Z) take a stroke away and bring it back for everyone', async () => {
    const lines = (await boardStats(b.page)).lines;
    const mine = (await stored()).at(-1)!;
    await a.page.keyboard.press('Control+z');
    await waitFor(async () => (await boardStats(b.page)).lines === lines - 1, 5_000, 'undone in B');
    expect((await stored()).some((l) => l.uuid === mine.uuid)).toBe(false);
    await a.page.keyboard.press('Control+Shift+z');
    await waitFor(async () => (await boardStats(b.page)).lines === lines, 5_000, 'redone in B');
    const back = (await stored()).at(-1)!;
    expect(back).toMatchObject({
      uuid: mine.uuid,
      points: mine.points,
      color: mine.color,
      width: mine.width,
    });
    const redo = a.page.getByRole('button', { name: 'Redo my last undone stroke' });
    await expect(redo.isDisabled()).resolves.toBe(true);
    // the button too
    await a.page.getByRole('button', { name: 'Undo my last stroke' }).click();
    await expect(redo.isEnabled()).resolves.toBe(true);
    await redo.click();
    await waitFor(async () => (await boardStats(b.page)).lines === lines, 5_000, 'redone again');
  });

  it('exports the whole board as a PNG, not only the view', async () => {
    // lines in two far corners: out of A's zoomed view
    for (const [x, y] of [
      [20, 20],
      [1180, 880],
    ]) {
      await reader.request('change_draw_line', {
        uuid: crypto.randomUUID(),
        points: [x! - 10, y!, x! + 10, y!],
        color: '#2b347e',
        tool: 'pen',
        width: 8,
      });
    }
    await waitFor(async () => (await boardStats(a.page)).lines >= 6, 5_000, 'the corner lines');
    const download = a.page.waitForEvent('download');
    await a.page.getByRole('button', { name: 'Export PNG of the drawing' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('drawing.png');
    const png = PNG.sync.read(readFileSync(await file.path()));
    expect([png.width, png.height]).toEqual([1200, 900]);
    const pixel = (x: number, y: number) => {
      const i = (y * png.width + x) * 4;
      return [png.data[i], png.data[i + 1], png.data[i + 2]];
    };
    expect(pixel(20, 20)).toEqual([0x2b, 0x34, 0x7e]);
    expect(pixel(1180, 880)).toEqual([0x2b, 0x34, 0x7e]);
    expect(pixel(600, 10)).toEqual([255, 255, 255]);
    // the wide red line of the first test
    expect(pixel(350, 400)).toEqual([0xcf, 0x2e, 0x24]);
  });

  it('panning shows the lines everywhere in view while it moves, not the desk until it rests', async () => {
    // short lines all over the board, 100 units apart
    const count = (await boardStats(a.page)).lines;
    const grid: Promise<unknown>[] = [];
    for (let gx = 0; gx < 12; gx++) {
      for (let gy = 0; gy < 9; gy++) {
        grid.push(
          reader.request('change_draw_line', {
            uuid: crypto.randomUUID(),
            points: [gx * 100 + 20, gy * 100 + 30, gx * 100 + 80, gy * 100 + 70],
            color: '#1f2937',
            tool: 'pen',
            width: 8,
          }),
        );
      }
    }
    await Promise.all(grid);
    await waitFor(async () => (await boardStats(a.page)).lines === count + 108, 5_000, 'the grid');
    const p = a.page;
    await p.getByRole('button', { name: 'Fit the whole board' }).click();
    for (let i = 0; i < 4; i++) await p.getByRole('button', { name: 'Zoom in' }).click();
    await painted(p);
    // the wheel (or a trackpad), Ctrl+arrows, a drag of the hand: each 40% of the view, and
    // the area it brings into view has its lines at once, not after the view rests
    await p.getByRole('button', { name: 'Move' }).click();
    for (const how of ['wheel', 'keys', 'drag'] as const) {
      const read = await panAndRead(p, how);
      expect(read.now, `${how}: ink at once`).toBeGreaterThan(200);
      expect(read.frame, `${how}: ink after a frame`).toBeGreaterThan(200);
      await painted(p);
    }
    // what it looks like while it moves
    await p.evaluate(() => {
      const board = document.querySelector<HTMLElement>('.board')!;
      const r = board.getBoundingClientRect();
      board.dispatchEvent(new WheelEvent('wheel', { deltaX: -0.4 * r.width, bubbles: true }));
    });
    await shot(p, 'board-pan-1280');
    await painted(p);
    await p.getByRole('button', { name: 'Pen' }).click();
  });

  it('on a phone a finger draws and two fingers pinch to zoom', async () => {
    const phone = await open(suite.browser, `${suite.server.url}/room/${room}`, {
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    try {
      const p = phone.page;
      await showBoard(p);
      const count = (await stored()).length;
      const cdp = await phone.context.newCDPSession(p);
      const touch = (
        type: 'touchStart' | 'touchMove' | 'touchEnd',
        touchPoints: { x: number; y: number; id?: number }[],
      ) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints });
      const s0 = await screenOf(p, 300, 600);
      await touch('touchStart', [s0]);
      for (let i = 1; i <= 8; i++) {
        await touch('touchMove', [{ x: s0.x + i * 12, y: s0.y + i * 4 }]);
      }
      await touch('touchEnd', []);
      await waitFor(async () => (await stored()).length === count + 1, 5_000, 'the finger stroke');
      await waitFor(
        async () => (await boardStats(a.page)).lines === count + 1,
        5_000,
        'the finger stroke on the desktop',
      );
      const before = await viewOf(p);
      const box = (await p.locator('.board').boundingBox())!;
      const mid = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const fingers = (d: number) => [
        { x: mid.x - d, y: mid.y, id: 1 },
        { x: mid.x + d, y: mid.y, id: 2 },
      ];
      await touch('touchStart', fingers(20));
      for (let d = 30; d <= 80; d += 10) await touch('touchMove', fingers(d));
      await touch('touchEnd', []);
      await painted(p);
      const after = await viewOf(p);
      expect(after.scale).toBeGreaterThan(before.scale * 3);
      // a pinch draws nothing, and moves nobody else's view
      expect((await stored()).length).toBe(count + 1);
      await shot(p, 'board-phone-360');
    } finally {
      await phone.context.close();
    }
  });
});
