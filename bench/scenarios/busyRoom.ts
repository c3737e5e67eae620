/**
 * Busy room in the browser: the built web client in Chromium, in a room where protocol
 * clients post RATE (200) messages a second for BUSY_SECONDS (20), after an idle phase in the
 * same page. Frame times (requestAnimationFrame deltas) idle and busy, their p95 ratio, the
 * main thread's work (CDP Performance metrics), and after forced GC the JS heap, the DOM and
 * the messages the page holds. `--profile`: a CPU profile of the page's busy phase, with the
 * client built unminified so that its functions have their names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import WebSocket from 'ws';
import { ChatClient } from '@chat/client';
import { profileTables, summarizeProfile, type ProfileSummary } from '../profile-summary.ts';
import { buildWebClient, launchChromium, metrics, quantile } from '../lib/browser.ts';
import {
  PROFILE_DIR,
  machineJiffies,
  startServerProcess,
  stopChildren,
  waitForQuietMachine,
  type Options,
} from '../lib/processes.ts';
import { RESULTS_DIR, envInt, fmt, log, median, sleep, table } from '../lib/report.ts';
import { atMost, type ScenarioOutput } from '../lib/scenario.ts';

/** The bar: frame time p95 while busy at most this many times the idle one. */
const RATIO_LIMIT = 2;
/** BENCH_BUSY_WEB: a client built elsewhere (an older commit's, to compare) instead of building. */
const WEB_DIR = process.env.BENCH_BUSY_WEB ?? join(RESULTS_DIR, 'web');

interface Frames {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
  /** Frames longer than 50 ms (three missed at 60 Hz). */
  over50: number;
  /** Long tasks (> 50 ms) per second of the phase, and their time, ms per second. */
  longTasksPerS: number;
  longTaskMsPerS: number;
  /** The main thread's task time (CDP TaskDuration), % of the phase. */
  mainBusy: number;
  /** Of which script (ScriptDuration) and layout + style (LayoutDuration + RecalcStyleDuration). */
  script: number;
  layout: number;
  /** The whole machine's CPU use over the phase, % of all cores (other programs included). */
  machine: number;
}

interface Snapshot {
  /** JS heap used after forced GC, MiB. */
  heapMiB: number;
  /** Elements in the document. */
  elements: number;
  /** DOM nodes alive (CDP Nodes, after GC). */
  nodes: number;
  /** Messages rendered (.message rows). */
  rendered: number;
  /** Messages the page holds (the list's data-held), NaN where the page does not say. */
  held: number;
}

interface BusyRun {
  idle: Frames;
  busy: Frames;
  ratio: number;
  before: Snapshot;
  after: Snapshot;
  posted: number;
  failed: number;
  /** From the last post until the page showed the newest message, ms. */
  catchUpMs: number;
  /** The newest message is rendered at the end of the list. */
  endsAtNewest: boolean;
}

/** Bodies as people type them: short replies, sentences, some markdown. */
function bodyOf(k: number): string {
  switch (k % 8) {
    case 0:
      return `ok ${k}`;
    case 1:
      return `Message ${k}: has anyone looked at the deploy from this morning? It still says pending.`;
    case 2:
      return `**${k}** that is *exactly* what I meant, see \`config.ts\` line ${k % 300}`;
    case 3:
      return `lol ${k} 😄`;
    case 4:
      return `Here is the link: https://example.com/issues/${k} (the third comment)`;
    case 5:
      return `- one\n- two\n- three (${k})`;
    case 6:
      return `I think we should wait until the numbers are in before deciding anything about ${k}, otherwise we will have this discussion again next week.`;
    default:
      return `+1 (${k})`;
  }
}

/**
 * In the page: records requestAnimationFrame deltas and long tasks until stopped. A string:
 * tsx names the functions of this file with a helper the page does not have.
 */
const START_RECORDING = `(() => {
  const rec = { frames: [], long: [], on: true };
  window.__bench = rec;
  let last = 0;
  const frame = (t) => {
    if (!rec.on) return;
    rec.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame((t) => {
    last = t;
    requestAnimationFrame(frame);
  });
  new PerformanceObserver((list) => {
    if (rec.on) for (const e of list.getEntries()) rec.long.push(e.duration);
  }).observe({ type: 'longtask' });
})()`;

function startRecording(page: Page): Promise<void> {
  return page.evaluate(START_RECORDING);
}

function stopRecording(page: Page): Promise<{ frames: number[]; long: number[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __bench: { frames: number[]; long: number[]; on: boolean } };
    w.__bench.on = false;
    return { frames: w.__bench.frames, long: w.__bench.long };
  });
}

/** Records a phase of `ms` while `during` runs: its frame times and main-thread work. */
async function phase(
  page: Page,
  cdp: CDPSession,
  ms: number,
  during: () => Promise<unknown> = () => sleep(ms),
): Promise<Frames> {
  const m0 = await metrics(cdp);
  const j0 = machineJiffies();
  const t0 = performance.now();
  await startRecording(page);
  await during();
  const { frames, long } = await stopRecording(page);
  const seconds = (performance.now() - t0) / 1000;
  const m1 = await metrics(cdp);
  const j1 = machineJiffies();
  const share = (name: string) => (((m1[name] ?? 0) - (m0[name] ?? 0)) / seconds) * 100;
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    count: frames.length,
    over50: frames.filter((f) => f > 50).length,
    longTasksPerS: long.length / seconds,
    longTaskMsPerS: long.reduce((a, b) => a + b, 0) / seconds,
    mainBusy: share('TaskDuration'),
    script: share('ScriptDuration'),
    layout: share('LayoutDuration') + share('RecalcStyleDuration'),
    machine:
      j0 && j1 && j1.total > j0.total ? ((j1.busy - j0.busy) / (j1.total - j0.total)) * 100 : NaN,
  };
}

async function snapshot(page: Page, cdp: CDPSession): Promise<Snapshot> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const m = await metrics(cdp);
  const dom = await page.evaluate(() => ({
    elements: document.getElementsByTagName('*').length,
    rendered: document.querySelectorAll('.message[data-seq]').length,
    held: Number(document.querySelector('[data-held]')?.getAttribute('data-held') ?? NaN),
  }));
  return { heapMiB: (m.JSHeapUsedSize ?? NaN) / 2 ** 20, nodes: m.Nodes ?? NaN, ...dom };
}

/** Posts `rate` messages a second for `ms` from the posters in turn; counts what failed. */
async function post(
  posters: ChatClient[],
  rate: number,
  ms: number,
  first: number,
): Promise<{ posted: number; failed: number; settled: Promise<unknown> }> {
  const total = Math.round((rate * ms) / 1000);
  const interval = 1000 / rate;
  const start = performance.now();
  const answers: Promise<unknown>[] = [];
  let sent = 0;
  let failed = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (sent < due) {
        const client = posters[sent % posters.length]!;
        answers.push(
          client
            .request('create_message', { body: bodyOf(first + sent) })
            .catch(() => void failed++),
        );
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  return {
    posted: sent,
    get failed() {
      return failed;
    },
    settled: Promise.all(answers),
  };
}

async function oneRun(
  opts: Options,
  run: number,
  sizes: {
    rate: number;
    busyMs: number;
    idleMs: number;
    posters: number;
    seed: number;
    catchUpMs: number;
  },
): Promise<{ result: BusyRun; profile?: ProfileSummary }> {
  const { server, url } = await startServerProcess({
    kind: 'chat',
    storage: process.env.BENCH_STORAGE ?? 'sqlite-temp',
    staticDir: WEB_DIR,
  });
  const browser = await launchChromium();
  const posters: ChatClient[] = [];
  try {
    const room = await server.request('createRoom', { name: 'Busy room' });
    // a room with a past: the first page is full, older pages exist
    await server.request('seedMessages', {
      room,
      count: sizes.seed,
      concurrency: 50,
      bodyBytes: 80,
    });
    for (let i = 0; i < sizes.posters; i++) {
      const c = new ChatClient({ url, WebSocket });
      c.connect();
      await c.enterRoom(room);
      posters.push(c);
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}/room/${room}`);
    await page.locator(`.message[data-seq="${sizes.seed}"]`).waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await sleep(2_000);
    const before = await snapshot(page, cdp);
    const idle = await phase(page, cdp, sizes.idleMs);

    let posting: Awaited<ReturnType<typeof post>> | undefined;
    const profiling = opts.profile && run === 1;
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const busy = await phase(page, cdp, sizes.busyMs, async () => {
      posting = await post(posters, sizes.rate, sizes.busyMs, sizes.seed + 1);
    });
    let profile: ProfileSummary | undefined;
    if (profiling) {
      const { profile: data } = await cdp.send('Profiler.stop');
      const dir = join(PROFILE_DIR, 'busy-room-page');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'page.cpuprofile');
      writeFileSync(file, JSON.stringify(data));
      profile = summarizeProfile(file, 25);
    }
    const ended = performance.now();
    await posting!.settled;
    const newest = sizes.seed + posting!.posted;
    let catchUpMs = NaN;
    let endsAtNewest = false;
    try {
      await page.locator(`.message[data-seq="${newest}"]`).waitFor({ timeout: sizes.catchUpMs });
      catchUpMs = performance.now() - ended;
      await sleep(500);
      endsAtNewest = await page.evaluate((n) => {
        const seqs = [...document.querySelectorAll('.message[data-seq]')].map((e) =>
          Number(e.getAttribute('data-seq')),
        );
        return Math.max(...seqs) === n;
      }, newest);
    } catch {
      // the page never showed the newest message: reported as such
    }
    // (a page far behind may not paint in time: the numbers matter more than the picture)
    if (run === 1) {
      await page
        .screenshot({ path: join(RESULTS_DIR, 'busy-room-1280.png') })
        .catch(() => log('busy-room: no screenshot (the page did not paint in time)'));
    }
    const after = await snapshot(page, cdp);
    return {
      result: {
        idle,
        busy,
        ratio: busy.p95 / idle.p95,
        before,
        after,
        posted: posting!.posted,
        failed: posting!.failed,
        catchUpMs,
        endsAtNewest,
      },
      ...(profile ? { profile } : {}),
    };
  } finally {
    for (const c of posters) c.close();
    await browser.close();
    await stopChildren(server);
  }
}

export async function busyRoom(opts: Options): Promise<ScenarioOutput> {
  const sizes = {
    rate: envInt('BENCH_BUSY_RATE', 200),
    busyMs: envInt('BENCH_BUSY_SECONDS', opts.quick ? 5 : 20) * 1000,
    idleMs: envInt('BENCH_BUSY_IDLE_SECONDS', opts.quick ? 3 : 10) * 1000,
    posters: envInt('BENCH_BUSY_POSTERS', 4),
    seed: envInt('BENCH_BUSY_SEED', 1000),
    /** How long the page may take to show the newest message once the posting stopped. */
    catchUpMs: envInt('BENCH_BUSY_CATCHUP_SECONDS', 120) * 1000,
  };
  if (process.env.BENCH_BUSY_WEB === undefined) {
    log(
      `busy-room: building the web client${opts.profile ? ' (unminified, for the profile)' : ''}`,
    );
    buildWebClient(WEB_DIR, opts.profile);
  } else {
    log(`busy-room: the web client in ${WEB_DIR}`);
  }
  const runs: BusyRun[] = [];
  const problems: string[] = [];
  let profile: ProfileSummary | undefined;
  const quietMax = envInt('BENCH_QUIET_MAX_MS', opts.quick ? 0 : 30_000);
  for (let run = 1; run <= opts.runs; run++) {
    // other programs' load (browsers of other tests) makes frame times that are not ours
    const quiet = quietMax > 0 ? await waitForQuietMachine(quietMax) : undefined;
    if (quiet)
      log(
        `busy-room: waited ${fmt(quiet.waitedMs / 1000)} s; machine ${fmt(quiet.busy, 0)} % of a core busy`,
      );
    log(
      `busy-room run ${run}/${opts.runs}: idle ${sizes.idleMs / 1000} s, then ${sizes.rate} messages/s for ${sizes.busyMs / 1000} s (${cpus().length} CPUs)`,
    );
    const out = await oneRun(opts, run, sizes);
    const r = out.result;
    profile ??= out.profile;
    runs.push(r);
    log(
      `  frame p95 idle ${fmt(r.idle.p95)} ms, busy ${fmt(r.busy.p95)} ms (x${fmt(r.ratio, 2)}); heap ${fmt(r.before.heapMiB)} -> ${fmt(r.after.heapMiB)} MiB; elements ${r.before.elements} -> ${r.after.elements}; held ${r.after.held}`,
    );
    if (r.failed > 0) problems.push(`run ${run}: ${r.failed} of ${r.posted} posts failed`);
    if (!Number.isFinite(r.catchUpMs)) {
      problems.push(
        `run ${run}: the page did not show the newest message within ${sizes.catchUpMs / 1000} s of the last post`,
      );
    } else if (!r.endsAtNewest) {
      problems.push(`run ${run}: the list did not end at the newest message`);
    }
  }
  const med = (f: (r: BusyRun) => number) => median(runs.map(f));
  const frameRow = (name: string, f: (r: BusyRun) => Frames): (string | number)[] => [
    name,
    med((r) => f(r).p50),
    med((r) => f(r).p95),
    med((r) => f(r).p99),
    med((r) => f(r).max),
    med((r) => f(r).over50),
    med((r) => f(r).longTaskMsPerS),
    med((r) => f(r).mainBusy),
    med((r) => f(r).script),
    med((r) => f(r).layout),
    med((r) => f(r).machine),
  ];
  const frames = table(
    [
      'phase',
      'frame p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'frames > 50 ms',
      'long tasks ms/s',
      'main thread %',
      'script %',
      'layout+style %',
      'machine CPU %',
    ],
    [frameRow('idle', (r) => r.idle), frameRow('busy', (r) => r.busy)],
  );
  const ratio = med((r) => r.ratio);
  const memory = table(
    ['when', 'JS heap MiB (after GC)', 'DOM nodes', 'elements', 'rows rendered', 'messages held'],
    [
      [
        'after idle',
        med((r) => r.before.heapMiB),
        med((r) => r.before.nodes),
        med((r) => r.before.elements),
        med((r) => r.before.rendered),
        med((r) => r.before.held),
      ],
      [
        `after ${fmt(
          med((r) => r.posted),
          0,
        )} messages`,
        med((r) => r.after.heapMiB),
        med((r) => r.after.nodes),
        med((r) => r.after.elements),
        med((r) => r.after.rendered),
        med((r) => r.after.held),
      ],
    ],
  );
  const summary = `Frame time p95 busy / idle (same run): ${fmt(ratio, 2)} (runs: ${runs.map((r) => fmt(r.ratio, 2)).join(', ')}); caught up ${fmt(
    med((r) => r.catchUpMs),
    0,
  )} ms after the last post.`;
  return {
    tables: [frames, memory, summary, ...(profile ? [profileTables(profile)] : [])],
    targets: [
      {
        scenario: 'busy-room',
        target: `frame p95 at ${sizes.rate} msg/s ≤ ${RATIO_LIMIT}x idle`,
        measured: `${fmt(ratio, 2)}x`,
        ...atMost(ratio, RATIO_LIMIT, 'x'),
      },
    ],
    problems,
    data: { sizes, runs, ratio, ...(profile ? { pageProfile: profile } : {}) },
  };
}
