/**
 * The drawing board in the browser: the built web client in Chromium on an empty board and,
 * in the same run, on a board at the limits (5,000 lines less the few the run draws itself,
 * 2,000,000 characters of drawing less theirs), filled through protocol clients before the
 * page opens. For each board:
 * - opening the drawing tab: from the click on "Show drawing" until the board is painted
 *   (every line drawn, the next frame done), and the longest task meanwhile;
 * - pointer move to paint: the page's own strokes (the mouse through CDP, 60 moves a
 *   second); for each pointermove, from the event's time until the frame after it
 *   (requestAnimationFrame, then a message posted from it: after that frame's paint);
 * - a watcher's frames: while a protocol client draws strokes the way the page does
 *   (append_draw_points every 50 ms, then change_draw_line), requestAnimationFrame's rate;
 * - panning, zoomed in: the wheel moves the view across the board and back (60 turns a
 *   second), requestAnimationFrame's rate and, at each frame, the share of the viewport the
 *   lines' canvas does not cover (the desk shows there, where lines may be).
 * For each phase the main thread's work (CDP Performance metrics): script, layout and style,
 * and the rest (paint, raster, GC). BENCH_BOARD_WEB: a client built elsewhere (an older
 * commit's, for the before figures) instead of building this one. `--profile`: CPU profiles
 * of the page while drawing and while watching on the full board (first run; the client built
 * unminified), summarized.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import WebSocket from 'ws';
import { ChatClient } from '@chat/client';
import { DRAW_COLORS, LIMITS, type Tool } from '@chat/protocol';
import { profileTables, summarizeProfile, type ProfileSummary } from '../profile-summary.ts';
import { buildWebClient, launchChromium, metrics, quantile, type Metrics } from '../lib/browser.ts';
import {
  PROFILE_DIR,
  startServerProcess,
  stopChildren,
  waitForQuietMachine,
  type Options,
} from '../lib/processes.ts';
import { RESULTS_DIR, envInt, fmt, log, median, sleep, table } from '../lib/report.ts';
import { atLeast, atMost, type ScenarioOutput } from '../lib/scenario.ts';

/** The bars. */
const MOVE_RATIO_LIMIT = 1.5;
const FPS_RATIO_MIN = 0.8;
const OPEN_LIMIT_MS = 500;
const TASK_LIMIT_MS = 100;

const WEB_DIR = process.env.BENCH_BOARD_WEB ?? join(RESULTS_DIR, 'web-board');
/** The board's coordinate space (the web client's BOARD). */
const BOARD = { width: 1200, height: 900 };

interface Work {
  /** The main thread's task time, % of the phase; of which script, layout + style, the rest. */
  main: number;
  script: number;
  layout: number;
  other: number;
}

interface BoardRun {
  lines: number;
  chars: number;
  openMs: number;
  /** The longest task from the click until painted, ms (0: none over 50 ms). */
  openMaxTaskMs: number;
  openWork: Work;
  moves: number;
  moveP50: number;
  moveP95: number;
  moveWork: Work;
  fps: number;
  frameP95: number;
  watchWork: Work;
  /** Lines the watcher's board showed at the end, and the drawer's lines it should show. */
  watchLines: number;
  expectedLines: number;
  panFps: number;
  panFrameP95: number;
  /** The share of the viewport the lines' canvas left uncovered, % (mean of the frames). */
  panUncovered: number;
  /** Frames with more than 0.1% of the viewport uncovered, % of the frames. */
  panUncoveredFrames: number;
  profiles?: ProfileSummary[];
}

interface Run {
  empty: BoardRun;
  full: BoardRun;
  moveRatio: number;
  fpsRatio: number;
}

/** Park-Miller: the same boards in every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A stroke of `n` points: a random walk that turns smoothly and stays on the board. */
function strokeOf(rnd: () => number, n: number): number[] {
  let x = 40 + rnd() * (BOARD.width - 80);
  let y = 40 + rnd() * (BOARD.height - 80);
  let a = rnd() * Math.PI * 2;
  const step = 3 + rnd() * 6;
  const points: number[] = [];
  for (let k = 0; k < n; k++) {
    points.push(round1(x), round1(y));
    a += (rnd() - 0.5) * 0.7;
    x += Math.cos(a) * step;
    y += Math.sin(a) * step;
    if (x < 0 || x > BOARD.width) a = Math.PI - a;
    if (y < 0 || y > BOARD.height) a = -a;
    x = Math.min(BOARD.width, Math.max(0, x));
    y = Math.min(BOARD.height, Math.max(0, y));
  }
  return points;
}

interface FillLine {
  uuid: string;
  points: number[];
  color: string;
  tool: Tool;
  width?: number;
}

/** Characters a line takes in the drawing's JSON, as the server counts them. */
function charsOf(line: FillLine, user: string): number {
  const { uuid, points, tool, color, width } = line;
  return JSON.stringify({ uuid, name: `line-${uuid}`, points, tool, color, user_uuid: user, width })
    .length;
}

/**
 * `lines` strokes of `chars` characters in all (within a line's worth): lengths spread around
 * the mean the budget leaves, some dots, a tenth erasers, most with a width, some without.
 */
function planFill(lines: number, chars: number, user: string, seed: number): FillLine[] {
  const rnd = random(seed);
  const out: FillLine[] = [];
  let left = chars;
  for (let i = 0; i < lines; i++) {
    const eraser = rnd() < 0.1;
    const widths = eraser ? [12, 28, 48, undefined] : [2, 4, 8, 16, undefined];
    const width = widths[Math.floor(rnd() * widths.length)];
    const line: FillLine = {
      uuid: crypto.randomUUID(),
      points: [],
      color: DRAW_COLORS[Math.floor(rnd() * DRAW_COLORS.length)]!,
      tool: eraser ? 'eraser' : 'pen',
      ...(width === undefined ? {} : { width }),
    };
    const overhead = charsOf(line, user);
    const budget = left / (lines - i) - overhead;
    // about 5.5 characters a number: x and y with a decimal and a comma each
    const mean = Math.max(1, budget / 11.5);
    let n = i === lines - 1 ? mean : mean * (0.2 + 1.6 * rnd());
    if (rnd() < 0.03) n = 1;
    n = Math.max(1, Math.min(LIMITS.lineNumbers / 2, Math.round(n)));
    line.points = strokeOf(rnd, n);
    if (n === 1) line.points.push(line.points[0]!, line.points[1]!);
    // the last lines fit the budget: points taken off while over it
    while (charsOf(line, user) > left - (lines - i - 1) * overhead && line.points.length > 4) {
      line.points.length -= 2;
    }
    left -= charsOf(line, user);
    out.push(line);
  }
  return out;
}

async function connected(url: string, room?: string): Promise<ChatClient> {
  const c = new ChatClient({ url, WebSocket, requestTimeoutMs: 120_000 });
  c.connect();
  await new Promise<void>((resolve) => {
    const off = c.on('state', (s) => {
      if (s === 'online') {
        off();
        resolve();
      }
    });
  });
  if (room !== undefined) await c.enterRoom(room);
  return c;
}

/** Fills the room's drawing with change_draw_line from a few clients, many calls in flight. */
async function fill(
  url: string,
  room: string,
  lines: number,
  chars: number,
  seed: number,
): Promise<{ lines: number; chars: number; ms: number }> {
  const t0 = performance.now();
  const clients = await Promise.all([0, 1].map(() => connected(url, room)));
  // one author for all (the chars count their uuid): the first client draws every line
  const user = clients[0]!.user!.uuid;
  const plan = planFill(lines, chars, user, seed);
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const line = plan[next++]!;
      await clients[0]!.request('change_draw_line', line);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const drawing = await clients[1]!.request('get_drawing');
  for (const c of clients) c.close();
  const stored = drawing.object.lines;
  return {
    lines: stored.length,
    chars: stored.reduce(
      (n, l) => n + charsOf({ ...l, ...(l.width === undefined ? {} : { width: l.width }) }, user),
      0,
    ),
    ms: performance.now() - t0,
  };
}

/** The main thread's work between two samples, % of `seconds`. */
function workOf(m0: Metrics, m1: Metrics, seconds: number): Work {
  const share = (name: string) => (((m1[name] ?? 0) - (m0[name] ?? 0)) / seconds) * 100;
  const main = share('TaskDuration');
  const script = share('ScriptDuration');
  const layout = share('LayoutDuration') + share('RecalcStyleDuration');
  return { main, script, layout, other: main - script - layout };
}

/** Runs a phase: its main-thread work, and its CPU profile when `profile` names one. */
async function measured<T>(
  cdp: CDPSession,
  run: () => Promise<T>,
  profile?: string,
): Promise<{ value: T; work: Work; seconds: number; profile?: ProfileSummary }> {
  if (profile !== undefined) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const m0 = await metrics(cdp);
  const t0 = performance.now();
  const value = await run();
  const seconds = (performance.now() - t0) / 1000;
  const work = workOf(m0, await metrics(cdp), seconds);
  if (profile === undefined) return { value, work, seconds };
  const { profile: data } = await cdp.send('Profiler.stop');
  const dir = join(PROFILE_DIR, 'board-page');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${profile}.cpuprofile`);
  writeFileSync(file, JSON.stringify(data));
  return { value, work, seconds, profile: summarizeProfile(file, 20) };
}

/** The q-quantile of unsorted values. */
function quantileOf(values: number[], q: number): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/*
 * Page scripts are strings: tsx names the functions of this file with a helper the page does
 * not have.
 */

/** Resolves after the frame that follows now (requestAnimationFrame, then a message). */
const AFTER_PAINT = `() => new Promise((resolve) => requestAnimationFrame(() => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => resolve(performance.now());
  ch.port2.postMessage(0);
}))`;

/**
 * Clicks "Show drawing" and waits until the board shows `lines` lines, painted (the board's
 * data-painted, where it has one), and the frame after; the longest task meanwhile.
 */
const OPEN_TAB = (lines: number) => `(async () => {
  const afterPaint = ${AFTER_PAINT};
  const long = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) long.push({ start: e.startTime, duration: e.duration });
  });
  observer.observe({ type: 'longtask' });
  const button = document.querySelector('button[aria-label="Show drawing"]');
  const t0 = performance.now();
  button.click();
  await new Promise((resolve) => {
    const check = () => {
      const b = document.querySelector('[data-testid=board]');
      const ready =
        b !== null &&
        b.getAttribute('data-lines') === '${lines}' &&
        b.querySelector('canvas') !== null &&
        (b.getAttribute('data-painted') ?? 'true') === 'true';
      if (ready) resolve(undefined);
      else requestAnimationFrame(check);
    };
    check();
  });
  const t1 = await afterPaint();
  await new Promise((r) => setTimeout(r, 500));
  observer.disconnect();
  const during = long.filter((e) => e.start < t1 && e.start + e.duration > t0);
  return { ms: t1 - t0, maxTask: Math.max(0, ...during.map((e) => e.duration)) };
})()`;

/** Records, for each pointermove on the board, the time from the event to the frame after it. */
const RECORD_MOVES = `(() => {
  const afterPaint = ${AFTER_PAINT};
  window.__moves = [];
  document.querySelector('[data-testid=board]').addEventListener(
    'pointermove',
    (e) => {
      const at = e.timeStamp;
      void afterPaint().then((t) => window.__moves.push(t - at));
    },
    { capture: true },
  );
})()`;

/** Records requestAnimationFrame deltas until stopped. */
const RECORD_FRAMES = `(() => {
  const rec = { frames: [], on: true, last: 0 };
  window.__frames = rec;
  const frame = (t) => {
    if (!rec.on) return;
    if (rec.last > 0) rec.frames.push(t - rec.last);
    rec.last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

/**
 * Records requestAnimationFrame deltas and, at each frame, the share of the board's viewport
 * outside the lines' canvas (CSS moves and scales it while the view changes), until stopped.
 */
const RECORD_PAN = `(() => {
  const rec = { frames: [], uncovered: [], on: true, last: 0 };
  window.__pan = rec;
  const frame = (t) => {
    if (!rec.on) return;
    if (rec.last > 0) rec.frames.push(t - rec.last);
    rec.last = t;
    const b = document.querySelector('.board')?.getBoundingClientRect();
    const c = document.querySelector('canvas.board-scene')?.getBoundingClientRect();
    if (b && c) {
      const w = Math.max(0, Math.min(b.right, c.right) - Math.max(b.left, c.left));
      const h = Math.max(0, Math.min(b.bottom, c.bottom) - Math.max(b.top, c.top));
      rec.uncovered.push(1 - (w * h) / (b.width * b.height));
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

/** Zoomed in 6 steps (3.8x the fit), the wheel pans right as far as it goes, then left. */
async function panAcross(page: Page): Promise<void> {
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
  await page
    .locator('[data-testid=board][data-painted=true]')
    .waitFor({ timeout: 10_000 })
    .catch(() => undefined);
  await sleep(500);
  const box = (await page.getByTestId('board').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(RECORD_PAN);
  const t0 = performance.now();
  // 12 CSS pixels a turn: ~720 pixels a second
  for (let i = 1; i <= 270; i++) {
    await page.mouse.wheel(i <= 90 ? 12 : -12, 0);
    const wait = t0 + (i * 1000) / 60 - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

/** The page's own strokes: `strokes` of `moves` pointer moves, 60 a second, across the board. */
async function drawStrokes(page: Page, strokes: number, moves: number): Promise<void> {
  const box = (await page.getByTestId('board').boundingBox())!;
  const rnd = random(7);
  for (let s = 0; s < strokes; s++) {
    const x0 = box.x + box.width * (0.2 + 0.3 * rnd());
    const y0 = box.y + box.height * (0.25 + 0.3 * rnd());
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    const t0 = performance.now();
    for (let i = 1; i <= moves; i++) {
      const a = (i / moves) * Math.PI * 2;
      await page.mouse.move(
        x0 + (i * (box.width * 0.4)) / moves,
        y0 + Math.sin(a * 2) * box.height * 0.15,
      );
      const wait = t0 + (i * 1000) / 60 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await page.mouse.up();
    await sleep(300);
  }
}

/** A protocol client draws as the web client does: 60 points a second, streamed, then whole. */
async function drawAsPeer(drawer: ChatClient, ms: number, seed: number): Promise<number> {
  const rnd = random(seed);
  const end = performance.now() + ms;
  let lines = 0;
  while (performance.now() < end) {
    const uuid = crypto.randomUUID();
    const style = { color: DRAW_COLORS[lines % DRAW_COLORS.length]!, tool: 'pen' as const };
    const points = strokeOf(rnd, 60);
    const t0 = performance.now();
    for (let i = 0; i < points.length; i += 2) {
      drawer.appendPoints(uuid, points.slice(i, i + 2), style);
      const wait = t0 + ((i / 2 + 1) * 1000) / 60 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await drawer.finishLine({ uuid, points, ...style });
    lines++;
    await sleep(250);
  }
  return lines;
}

const PEER_MS = 10_000;
const STROKES = 4;
const MOVES = 90;
/** Lines and characters the run adds to the full board: it ends at the limits. */
const RESERVE = { lines: STROKES + 16, chars: STROKES * 1_900 + 16 * 1_100 };

async function oneBoard(
  browser: Browser,
  url: string,
  room: string,
  filled: { lines: number; chars: number },
  seed: number,
  profile: boolean,
): Promise<BoardRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const drawer = await connected(url, room);
  try {
    await page.goto(`${url}/room/${room}`);
    await page.getByRole('textbox', { name: 'Write a message...' }).waitFor();
    await sleep(1_500);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    const open = await measured(cdp, () =>
      page.evaluate<{ ms: number; maxTask: number }>(OPEN_TAB(filled.lines)),
    );
    await sleep(1_000);

    await page.evaluate(RECORD_MOVES);
    const move = await measured(
      cdp,
      () => drawStrokes(page, STROKES, MOVES),
      profile ? 'drawing' : undefined,
    );
    await sleep(500);
    const moves = await page.evaluate<number[]>('window.__moves');

    await sleep(1_000);
    await page.evaluate(RECORD_FRAMES);
    const watch = await measured(
      cdp,
      () => drawAsPeer(drawer, PEER_MS, seed),
      profile ? 'watching' : undefined,
    );
    const frames = await page.evaluate<number[]>(
      '(() => { window.__frames.on = false; return window.__frames.frames; })()',
    );
    const expectedLines = filled.lines + STROKES + watch.value;
    await page
      .waitForFunction(
        (n) => document.querySelector('[data-testid=board]')?.getAttribute('data-lines') === n,
        String(expectedLines),
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const watchLines = Number(await page.getByTestId('board').getAttribute('data-lines'));
    const frameSum = frames.reduce((a, b) => a + b, 0);

    await sleep(1_000);
    await panAcross(page);
    const pan = await page.evaluate<{ frames: number[]; uncovered: number[] }>(
      '(() => { window.__pan.on = false; return window.__pan; })()',
    );
    const panSum = pan.frames.reduce((a, b) => a + b, 0);
    const uncovered = pan.uncovered.length > 0 ? pan.uncovered : [NaN];
    return {
      ...filled,
      openMs: open.value.ms,
      openMaxTaskMs: open.value.maxTask,
      openWork: open.work,
      moves: moves.length,
      moveP50: quantileOf(moves, 0.5),
      moveP95: quantileOf(moves, 0.95),
      moveWork: move.work,
      fps: frameSum > 0 ? (frames.length * 1000) / frameSum : NaN,
      frameP95: quantileOf(frames, 0.95),
      watchWork: watch.work,
      watchLines,
      expectedLines,
      panFps: panSum > 0 ? (pan.frames.length * 1000) / panSum : NaN,
      panFrameP95: quantileOf(pan.frames, 0.95),
      panUncovered: (uncovered.reduce((a, b) => a + b, 0) / uncovered.length) * 100,
      panUncoveredFrames: (uncovered.filter((u) => u > 0.001).length / uncovered.length) * 100,
      ...(move.profile && watch.profile ? { profiles: [move.profile, watch.profile] } : {}),
    };
  } finally {
    drawer.close();
    await context.close();
  }
}

async function oneRun(run: number, profile: boolean): Promise<Run> {
  const { server, url } = await startServerProcess({
    kind: 'chat',
    storage: process.env.BENCH_STORAGE ?? 'memory',
    staticDir: WEB_DIR,
  });
  let browser: Browser | undefined;
  try {
    const emptyRoom = await server.request('createRoom', { name: 'Empty board' });
    const fullRoom = await server.request('createRoom', { name: 'Full board' });
    const lines = envInt('BENCH_BOARD_LINES', LIMITS.drawingLines) - RESERVE.lines;
    const chars = envInt('BENCH_BOARD_CHARS', LIMITS.drawingChars) - RESERVE.chars;
    const filled = await fill(url, fullRoom, lines, chars, 1000 + run);
    log(
      `  filled: ${filled.lines} lines, ${filled.chars.toLocaleString('en-US')} characters in ${fmt(filled.ms / 1000)} s`,
    );
    browser = await launchChromium();
    const empty = await oneBoard(browser, url, emptyRoom, { lines: 0, chars: 0 }, 10 + run, false);
    const full = await oneBoard(browser, url, fullRoom, filled, 20 + run, profile);
    return {
      empty,
      full,
      moveRatio: full.moveP95 / empty.moveP95,
      fpsRatio: full.fps / empty.fps,
    };
  } finally {
    await browser?.close();
    await stopChildren(server);
  }
}

export async function board(opts: Options): Promise<ScenarioOutput> {
  if (process.env.BENCH_BOARD_WEB === undefined) {
    log(`board: building the web client${opts.profile ? ' (unminified, for the profiles)' : ''}`);
    buildWebClient(WEB_DIR, opts.profile);
  } else {
    log(`board: the web client in ${WEB_DIR}`);
  }
  const runs: Run[] = [];
  const problems: string[] = [];
  const quietMax = envInt('BENCH_QUIET_MAX_MS', opts.quick ? 0 : 30_000);
  for (let run = 1; run <= opts.runs; run++) {
    const quiet = quietMax > 0 ? await waitForQuietMachine(quietMax) : undefined;
    if (quiet)
      log(
        `board: waited ${fmt(quiet.waitedMs / 1000)} s; machine ${fmt(quiet.busy, 0)} % of a core busy`,
      );
    log(`board run ${run}/${opts.runs} (${cpus().length} CPUs)`);
    const r = await oneRun(run, opts.profile && run === 1);
    runs.push(r);
    for (const [name, b] of [
      ['empty', r.empty],
      ['full', r.full],
    ] as const) {
      log(
        `  ${name}: open ${fmt(b.openMs, 0)} ms (longest task ${fmt(b.openMaxTaskMs, 0)} ms); move to paint p50 ${fmt(b.moveP50)} p95 ${fmt(b.moveP95)} ms (${b.moves} moves); watcher ${fmt(b.fps)} fps, frame p95 ${fmt(b.frameP95)} ms; lines ${b.watchLines}/${b.expectedLines}; pan ${fmt(b.panFps)} fps, frame p95 ${fmt(b.panFrameP95)} ms, viewport uncovered ${fmt(b.panUncovered)} % (in ${fmt(b.panUncoveredFrames, 0)} % of frames)`,
      );
      if (b.watchLines !== b.expectedLines)
        problems.push(
          `run ${run}, ${name} board: the watcher showed ${b.watchLines} lines, not ${b.expectedLines}`,
        );
    }
  }
  const med = (f: (r: Run) => number) => median(runs.map(f));
  const row = (name: string, f: (r: Run) => BoardRun): (string | number)[] => [
    name,
    `${fmt(
      med((r) => f(r).lines),
      0,
    )} / ${fmt(
      med((r) => f(r).chars),
      0,
    )}`,
    med((r) => f(r).openMs),
    med((r) => f(r).openMaxTaskMs),
    med((r) => f(r).moveP50),
    med((r) => f(r).moveP95),
    med((r) => f(r).fps),
    med((r) => f(r).frameP95),
  ];
  const figures = table(
    [
      'board',
      'lines / characters',
      'open tab ms',
      'longest task ms',
      'move→paint p50 ms',
      'p95 ms',
      'watcher fps',
      'frame p95 ms',
    ],
    [row('empty', (r) => r.empty), row('full', (r) => r.full)],
  );
  const workRow = (name: string, f: (b: BoardRun) => Work): (string | number)[][] =>
    (['empty', 'full'] as const).map((k) => [
      `${name}, ${k}`,
      med((r) => f(r[k]).main),
      med((r) => f(r[k]).script),
      med((r) => f(r[k]).layout),
      med((r) => f(r[k]).other),
    ]);
  const work = table(
    ['phase, board', 'main thread %', 'script %', 'layout+style %', 'other (paint, raster, GC) %'],
    [
      ...workRow('open tab', (b) => b.openWork),
      ...workRow('drawing', (b) => b.moveWork),
      ...workRow('watching', (b) => b.watchWork),
    ],
  );
  const pan = table(
    ['panning, zoomed in', 'fps', 'frame p95 ms', 'viewport uncovered %', 'frames uncovered %'],
    (['empty', 'full'] as const).map((k) => [
      k,
      med((r) => r[k].panFps),
      med((r) => r[k].panFrameP95),
      med((r) => r[k].panUncovered),
      med((r) => r[k].panUncoveredFrames),
    ]),
  );
  const moveRatio = med((r) => r.moveRatio);
  const fpsRatio = med((r) => r.fpsRatio);
  const openMs = med((r) => r.full.openMs);
  const taskMs = med((r) => r.full.openMaxTaskMs);
  const summary = `Same-run ratios, full / empty: move→paint p95 ${fmt(moveRatio, 2)}x (runs: ${runs.map((r) => fmt(r.moveRatio, 2)).join(', ')}); watcher fps ${fmt(fpsRatio, 2)}x (runs: ${runs.map((r) => fmt(r.fpsRatio, 2)).join(', ')}).`;
  const profiles = (runs[0]?.full.profiles ?? []).map(
    (p, i) => `While ${i === 0 ? 'drawing' : 'watching'}, full board: ${profileTables(p)}`,
  );
  return {
    tables: [figures, work, pan, summary, ...profiles],
    targets: [
      {
        scenario: 'board',
        target: `move→paint p95, full board ≤ ${MOVE_RATIO_LIMIT}x empty`,
        measured: `${fmt(moveRatio, 2)}x`,
        ...atMost(moveRatio, MOVE_RATIO_LIMIT, 'x'),
      },
      {
        scenario: 'board',
        target: `watcher fps, full board ≥ ${FPS_RATIO_MIN}x empty`,
        measured: `${fmt(fpsRatio, 2)}x`,
        ...atLeast(fpsRatio, FPS_RATIO_MIN, 'x'),
      },
      {
        scenario: 'board',
        target: `opening the drawing tab, full board < ${OPEN_LIMIT_MS} ms`,
        measured: `${fmt(openMs, 0)} ms`,
        ...atMost(openMs, OPEN_LIMIT_MS, 'ms'),
      },
      {
        scenario: 'board',
        target: `longest task opening it ≤ ${TASK_LIMIT_MS} ms`,
        measured: `${fmt(taskMs, 0)} ms`,
        ...atMost(taskMs, TASK_LIMIT_MS, 'ms'),
      },
    ],
    problems,
    data: { web: WEB_DIR, reserve: RESERVE, runs, moveRatio, fpsRatio },
  };
}
