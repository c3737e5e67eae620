/**
 * Room list: N rooms (100,000). Time from starting a WebSocket until `rooms_listed`
 * (one connection at a time), and `list_rooms {query}` searches: a common word (the
 * first page fills at once), a rare name (one match: the whole list is searched) and
 * no match at all.
 */
import { Histogram } from '../lib/histogram.ts';
import {
  startGenerators,
  startServerProcess,
  stopChildren,
  type Options,
} from '../lib/processes.ts';
import { envInt, fmt, log, median, table } from '../lib/report.ts';
import { atMost, type ScenarioOutput } from '../lib/scenario.ts';
import { seededRoomName } from '../lib/roomNames.ts';

interface RoomListRun {
  connectP50: number;
  connectP99: number;
  search: Record<string, { p50: number; p99: number; hits: number }>;
  searchP99: number;
}

export async function roomlist(opts: Options): Promise<ScenarioOutput> {
  const count = envInt('BENCH_ROOMLIST_ROOMS', opts.quick ? 1000 : 100_000);
  const connects = envInt('BENCH_ROOMLIST_CONNECTS', opts.quick ? 20 : 200);
  const searches = envInt('BENCH_ROOMLIST_SEARCHES', opts.quick ? 5 : 50);
  // seeded names: lib/roomNames.ts; k = count - 7 is "lobby <k>"
  const rareK = count - 7;
  const queries = {
    common: 'Music',
    rare: seededRoomName(rareK),
    none: 'no such room',
  };
  const problems: string[] = [];
  const runs: RoomListRun[] = [];

  log(`roomlist: seeding ${count} rooms`);
  const { server, url } = await startServerProcess(
    { kind: 'chat', storage: process.env.BENCH_STORAGE ?? 'sqlite-temp' },
    opts.profile ? 'roomlist-chat' : undefined,
  );
  const [gen] = await startGenerators(1);
  let seedMs: number;
  try {
    seedMs = (await server.request('seedRooms', { count, concurrency: 200 })).ms;
    log(`  seeded in ${fmt(seedMs / 1000)} s`);
    // warm-up (not counted)
    await gen!.request('roomList', {
      url,
      connects: 20,
      queries: Object.values(queries),
      searchesPerQuery: 2,
    });
    for (let run = 1; run <= opts.runs; run++) {
      const r = await gen!.request('roomList', {
        url,
        connects,
        queries: Object.values(queries),
        searchesPerQuery: searches,
      });
      const c = Histogram.from(r.connect);
      const all = new Histogram();
      const search: RoomListRun['search'] = {};
      for (const [kind, q] of Object.entries(queries)) {
        const data = r.search[q];
        if (!data) continue;
        const h = Histogram.from(data);
        all.merge(data);
        search[kind] = { p50: h.quantile(0.5), p99: h.quantile(0.99), hits: r.hits[q] ?? 0 };
      }
      runs.push({
        connectP50: c.quantile(0.5),
        connectP99: c.quantile(0.99),
        search,
        searchP99: all.quantile(0.99),
      });
      log(
        `  run ${run}: connect->rooms_listed p50 ${fmt(c.quantile(0.5), 2)} p99 ${fmt(c.quantile(0.99), 2)} ms; search p99 ` +
          Object.entries(search)
            .map(([k, s]) => `${k} ${fmt(s.p99, 2)} ms (${s.hits} hits)`)
            .join(', '),
      );
      if ((search.common?.hits ?? 0) !== Math.min(100, Math.floor(count / 20)))
        problems.push(`roomlist: "${queries.common}" found ${search.common?.hits} rooms`);
      if ((search.rare?.hits ?? 0) < 1) problems.push(`roomlist: "${queries.rare}" found nothing`);
      if ((search.none?.hits ?? 0) !== 0)
        problems.push(`roomlist: "${queries.none}" found something`);
    }
    const p = await gen!.request('problems', {});
    if (p.errorFrames > 0)
      problems.push(`roomlist: ${p.errorFrames} error frames, e.g. ${p.errorSamples[0]}`);
  } finally {
    await stopChildren(gen!, server);
  }

  const m = (f: (r: RoomListRun) => number | undefined) => median(runs.map((r) => f(r) ?? NaN));
  const kinds = Object.keys(queries);
  const summary = {
    rooms: count,
    connects,
    searchesPerQuery: searches,
    queries,
    runs: opts.runs,
    seedMs,
    connectP50: m((r) => r.connectP50),
    connectP99: m((r) => r.connectP99),
    searchP99: m((r) => r.searchP99),
    search: Object.fromEntries(
      kinds.map((k) => [
        k,
        {
          p50: m((r) => r.search[k]?.p50),
          p99: m((r) => r.search[k]?.p99),
          hits: m((r) => r.search[k]?.hits),
        },
      ]),
    ) as Record<string, { p50: number; p99: number; hits: number }>,
  };
  const worst = Math.max(...kinds.map((k) => summary.search[k]?.p99 ?? NaN));
  return {
    tables: [
      `room list, medians of ${opts.runs} run(s) (${count.toLocaleString('en-US')} rooms; SQLite):\n` +
        table(
          ['call', 'p50 ms', 'p99 ms', 'rooms returned'],
          [
            [
              'connect until rooms_listed',
              fmt(summary.connectP50, 2),
              fmt(summary.connectP99, 2),
              '100',
            ],
            ...kinds.map((k) => [
              `list_rooms {query: "${queries[k as keyof typeof queries]}"} (${k})`,
              fmt(summary.search[k]?.p50, 2),
              fmt(summary.search[k]?.p99, 2),
              fmt(summary.search[k]?.hits, 0),
            ]),
            ['all searches together', '', fmt(summary.searchP99, 2), ''],
          ],
        ),
    ],
    targets: [
      {
        scenario: 'room list',
        target: `rooms_listed p99 < 20 ms at ${count.toLocaleString('en-US')} rooms`,
        measured: `${fmt(summary.connectP99, 2)} ms`,
        ...atMost(summary.connectP99, 20, 'ms'),
      },
      {
        scenario: 'room list',
        target: 'search p99 < 50 ms (worst of the three queries)',
        measured: `${fmt(worst, 2)} ms`,
        ...atMost(worst, 50, 'ms'),
      },
    ],
    problems,
    data: { summary, runs },
  };
}
