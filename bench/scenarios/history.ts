/**
 * History: a room of M messages (1,000,000) and one of 1,000. A fresh connection enters
 * the room, then pages back 20 times (`list_messages {before, limit: 50}`); also pages at
 * random depths. p50 and p99 of each, and the ratio of the page p99s. Then searches of the
 * big room's messages (`search_messages`): a word in every message, a few, one, none.
 */
import type { TimedCalls } from '../lib/commands.ts';
import { Histogram } from '../lib/histogram.ts';
import {
  startGenerators,
  startServerProcess,
  stopChildren,
  type Options,
} from '../lib/processes.ts';
import { envInt, fmt, log, median, table } from '../lib/report.ts';
import { atMost, type ScenarioOutput } from '../lib/scenario.ts';

interface HistoryRun {
  room: 'big' | 'small';
  enterP50: number;
  enterP99: number;
  pageP50: number;
  pageP99: number;
  deepP50: number;
  deepP99: number;
  pages: number;
  pageSizeMin: number;
}

export async function history(opts: Options): Promise<ScenarioOutput> {
  const big = envInt('BENCH_HISTORY_MESSAGES', opts.quick ? 10_000 : 1_000_000);
  const small = envInt('BENCH_HISTORY_SMALL', 1000);
  const iterations = envInt('BENCH_HISTORY_ITERATIONS', opts.quick ? 5 : 50);
  const pages = 20;
  const limit = 50;
  const deep = opts.quick ? 10 : 200;
  const problems: string[] = [];
  const runs: HistoryRun[] = [];
  const searches = opts.quick ? 5 : 100;
  // the seeded bodies are "seed message <k> xxx…", k from 0: every message, one, none
  const queries = {
    'every message': 'seed',
    'every message, two words': 'message seed',
    'one message': `message ${big - 12}`,
    'no message': 'nothing',
  } as const;
  const searchRuns: Record<string, { p50: number; p99: number; hits: number }[]> = {};

  log(`history: seeding rooms of ${big} and ${small} messages`);
  const { server, url } = await startServerProcess(
    { kind: 'chat', storage: process.env.BENCH_STORAGE ?? 'sqlite-temp' },
    opts.profile ? 'history-chat' : undefined,
  );
  const [gen] = await startGenerators(1);
  let seedPerSec: number;
  try {
    const bigRoom = await server.request('createRoom', { name: 'history big' });
    const smallRoom = await server.request('createRoom', { name: 'history small' });
    const seeded = await server.request('seedMessages', {
      room: bigRoom,
      count: big,
      concurrency: 1000,
      bodyBytes: 100,
    });
    seedPerSec = (big * 1000) / seeded.ms;
    await server.request('seedMessages', {
      room: smallRoom,
      count: small,
      concurrency: 1000,
      bodyBytes: 100,
    });
    log(
      `  seeded ${big} messages in ${fmt(seeded.ms / 1000)} s (${fmt(seedPerSec)}/s through storage.addMessage)`,
    );
    const stored = await server.request('roomSums', { rooms: [bigRoom] });
    if (stored !== big) problems.push(`history: seeded ${big} messages, the room counts ${stored}`);

    // warm-up (not counted): JIT, SQLite page cache
    for (const [room, size] of [
      [smallRoom, small],
      [bigRoom, big],
    ] as const) {
      await gen!.request('history', {
        url,
        room,
        iterations: 3,
        pages,
        limit,
        deep: 30,
        maxSeq: size,
      });
    }
    for (let run = 1; run <= opts.runs; run++) {
      for (const [which, room, size] of [
        ['small', smallRoom, small],
        ['big', bigRoom, big],
      ] as const) {
        const t: TimedCalls = await gen!.request('history', {
          url,
          room,
          iterations,
          pages,
          limit,
          deep,
          maxSeq: size,
        });
        const e = Histogram.from(t.enter);
        const p = Histogram.from(t.page);
        const d = Histogram.from(t.deep);
        const r: HistoryRun = {
          room: which,
          enterP50: e.quantile(0.5),
          enterP99: e.quantile(0.99),
          pageP50: p.quantile(0.5),
          pageP99: p.quantile(0.99),
          deepP50: d.quantile(0.5),
          deepP99: d.quantile(0.99),
          pages: t.pages,
          pageSizeMin: t.pageSizeMin,
        };
        runs.push(r);
        log(
          `  run ${run} ${which} (${size}): enter p50 ${fmt(r.enterP50, 2)} p99 ${fmt(r.enterP99, 2)} ms; page p50 ${fmt(r.pageP50, 2)} p99 ${fmt(r.pageP99, 2)} ms; random-depth page p50 ${fmt(r.deepP50, 2)} p99 ${fmt(r.deepP99, 2)} ms`,
        );
        const expectedPages = iterations * Math.min(pages, Math.ceil((size - limit) / limit));
        if (r.pages < expectedPages)
          problems.push(`history ${which}: ${r.pages} pages read, expected ${expectedPages}`);
        if (size >= limit * (pages + 1) && r.pageSizeMin < limit)
          problems.push(
            `history ${which}: a page held ${r.pageSizeMin} messages, expected ${limit}`,
          );
      }
    }
    for (let run = 1; run <= opts.runs; run++) {
      const found = await gen!.request('messageSearch', {
        url,
        room: bigRoom,
        queries: Object.values(queries),
        searchesPerQuery: searches,
      });
      for (const [what, query] of Object.entries(queries)) {
        const h = Histogram.from(found.search[query]!);
        const r = { p50: h.quantile(0.5), p99: h.quantile(0.99), hits: found.hits[query]! };
        (searchRuns[what] ??= []).push(r);
        log(
          `  run ${run} search "${query}" (${what}): p50 ${fmt(r.p50, 2)} p99 ${fmt(r.p99, 2)} ms, ${r.hits} on the first page`,
        );
      }
    }
    const expectHits = {
      'every message': 20,
      'every message, two words': 20,
      'one message': 1,
      'no message': 0,
    };
    for (const [what, want] of Object.entries(expectHits)) {
      const got = searchRuns[what]?.[0]?.hits;
      if (got !== want)
        problems.push(
          `history: search for ${what} found ${got} on its first page, expected ${want}`,
        );
    }
    const p = await gen!.request('problems', {});
    if (p.errorFrames > 0)
      problems.push(`history: ${p.errorFrames} error frames, e.g. ${p.errorSamples[0]}`);
  } finally {
    await stopChildren(gen!, server);
  }

  const m = (room: 'big' | 'small', f: (r: HistoryRun) => number) =>
    median(runs.filter((r) => r.room === room).map(f));
  const summary = {
    big,
    small,
    iterations,
    pages,
    limit,
    runs: opts.runs,
    seedPerSec,
    bigEnterP50: m('big', (r) => r.enterP50),
    bigEnterP99: m('big', (r) => r.enterP99),
    bigPageP50: m('big', (r) => r.pageP50),
    bigPageP99: m('big', (r) => r.pageP99),
    bigDeepP50: m('big', (r) => r.deepP50),
    bigDeepP99: m('big', (r) => r.deepP99),
    smallEnterP50: m('small', (r) => r.enterP50),
    smallEnterP99: m('small', (r) => r.enterP99),
    smallPageP50: m('small', (r) => r.pageP50),
    smallPageP99: m('small', (r) => r.pageP99),
    smallDeepP50: m('small', (r) => r.deepP50),
    smallDeepP99: m('small', (r) => r.deepP99),
  };
  const search = Object.fromEntries(
    Object.entries(searchRuns).map(([what, rs]) => [
      what,
      { p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) },
    ]),
  );
  const worstSearchP99 = Math.max(...Object.values(search).map((x) => x.p99));
  const ratio = summary.bigPageP99 / summary.smallPageP99;
  const ms = (a: number, b: number) => `${fmt(a, 2)} / ${fmt(b, 2)}`;
  return {
    tables: [
      `history, medians of ${opts.runs} run(s) (${iterations} connections x (enter_room + ${pages} pages of ${limit}) per room and run; SQLite):\n` +
        table(
          [
            'p50 / p99, ms',
            `${big.toLocaleString('en-US')} messages`,
            `${small.toLocaleString('en-US')} messages`,
            'ratio of p99',
          ],
          [
            [
              'enter_room (until drawing_got)',
              ms(summary.bigEnterP50, summary.bigEnterP99),
              ms(summary.smallEnterP50, summary.smallEnterP99),
              fmt(summary.bigEnterP99 / summary.smallEnterP99, 2),
            ],
            [
              'page back (list_messages before)',
              ms(summary.bigPageP50, summary.bigPageP99),
              ms(summary.smallPageP50, summary.smallPageP99),
              fmt(ratio, 2),
            ],
            [
              'page at a random depth',
              ms(summary.bigDeepP50, summary.bigDeepP99),
              ms(summary.smallDeepP50, summary.smallDeepP99),
              fmt(summary.bigDeepP99 / summary.smallDeepP99, 2),
            ],
          ],
        ) +
        `\nSeeding: ${fmt(seedPerSec)} messages/s through storage.addMessage (1,000 concurrent callers).`,
      `message search in the room of ${big.toLocaleString('en-US')} messages, medians of ${opts.runs} run(s) of ${searches} searches per query (search_messages, first page of 20):\n` +
        table(
          ['query', 'matches', 'p50 / p99, ms'],
          Object.entries(queries).map(([what, query]) => [
            `"${query}"`,
            what,
            ms(search[what]!.p50, search[what]!.p99),
          ]),
        ),
    ],
    targets: [
      {
        scenario: 'history',
        target: `page p99 < 5 ms at ${big.toLocaleString('en-US')} messages`,
        measured: `${fmt(summary.bigPageP99, 2)} ms`,
        ...atMost(summary.bigPageP99, 5, 'ms'),
      },
      {
        scenario: 'history',
        target: `≤ 1.5x the ${small.toLocaleString('en-US')}-message figure`,
        measured: `${fmt(ratio, 2)}x (${fmt(summary.bigPageP99, 2)} vs ${fmt(summary.smallPageP99, 2)} ms)`,
        ...atMost(ratio, 1.5, 'x'),
      },
      {
        scenario: 'history',
        target: `message search p99 < 50 ms at ${big.toLocaleString('en-US')} messages`,
        measured: `${fmt(worstSearchP99, 2)} ms (the slowest of its queries)`,
        ...atMost(worstSearchP99, 50, 'ms'),
      },
    ],
    problems,
    data: { summary, runs, search, searchRuns },
  };
}
