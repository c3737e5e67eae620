/**
 * Idle connections: N (20,000) open connections, nobody in a room; the server process's
 * memory per connection (RSS, and V8 heap after forced GC), chat server against bare ws.
 */
import type { ServerKind, ServerStats } from '../lib/commands.ts';
import { Histogram } from '../lib/histogram.ts';
import {
  startGenerators,
  startServerProcess,
  stopChildren,
  type Options,
} from '../lib/processes.ts';
import { envInt, fmt, log, median, openFilesLimit, sleep, table } from '../lib/report.ts';
import { atMost, type ScenarioOutput } from '../lib/scenario.ts';

interface IdleRun {
  kind: ServerKind;
  connections: number;
  connectMs: number;
  connectP99: number;
  rssPerConn: number;
  heapPerConn: number;
  externalPerConn: number;
  /** Heap left after every connection closed, vs before (a leak shows here). */
  heapLeftAfterClose: number;
  base: ServerStats;
  loaded: ServerStats;
  after: ServerStats;
}

/** Descriptors a server process needs besides its sockets (stdio, IPC, epoll, SQLite, ...). */
const FD_MARGIN = 100;

export async function idle(opts: Options): Promise<ScenarioOutput> {
  const wanted = envInt('BENCH_IDLE_CONNECTIONS', opts.quick ? 1000 : 20_000);
  const limit = openFilesLimit();
  const n = Math.min(wanted, limit - FD_MARGIN);
  const notes: string[] = [];
  if (n < wanted) {
    notes.push(
      `${n} connections instead of ${wanted}: this machine's open-files limit is ${limit} per process and cannot be raised here (ulimit -n), and the server needs one descriptor per connection`,
    );
    log(`idle: ${notes[0]}`);
  }
  const perGen = Math.max(1, limit - FD_MARGIN);
  const generators = Math.max(
    envInt('BENCH_GENERATORS', 1),
    Math.ceil(n / perGen),
    n > 5000 ? 2 : 1,
  );
  const localAddresses = process.env.BENCH_LOCAL_ADDRESSES?.split(',').filter((a) => a !== '');
  const problems: string[] = [];
  const runs: IdleRun[] = [];

  for (let run = 1; run <= opts.runs; run++) {
    log(`idle run ${run}/${opts.runs}: ${n} connections`);
    for (const kind of ['bare', 'chat'] as const) {
      const { server, url } = await startServerProcess(
        { kind, storage: process.env.BENCH_STORAGE ?? 'sqlite-temp' },
        opts.profile && kind === 'chat' ? `idle-chat-run${run}` : undefined,
      );
      const gens = await startGenerators(generators);
      try {
        await sleep(500);
        const base = await server.request('stats', { gc: true });
        const per = gens.map((_, g) => Math.floor(n / gens.length) + (g < n % gens.length ? 1 : 0));
        const t0 = performance.now();
        const opened = await Promise.all(
          gens.map((g, i) =>
            g.request('open', {
              url,
              kind,
              count: per[i]!,
              concurrency: 100,
              ...(localAddresses ? { localAddresses } : {}),
            }),
          ),
        );
        const connectMs = performance.now() - t0;
        const ok = opened.reduce((a, o) => a + o.opened, 0);
        const failed = opened.reduce((a, o) => a + o.failed, 0);
        if (failed > 0)
          problems.push(
            `idle ${kind}: ${failed} connections failed: ${opened.flatMap((o) => o.errors).join('; ')}`,
          );
        await Promise.all(gens.map((g) => g.request('quiet', { quietMs: 500, maxMs: 30_000 })));
        await sleep(1000);
        const loaded = await server.request('stats', { gc: true });
        if (loaded.connections !== ok)
          problems.push(
            `idle ${kind}: server counts ${loaded.connections} connections, generator ${ok}`,
          );
        await Promise.all(gens.map((g) => g.request('closeAll', {})));
        await sleep(1500);
        const after = await server.request('stats', { gc: true });
        const r: IdleRun = {
          kind,
          connections: ok,
          connectMs,
          connectP99: Histogram.from(...opened.map((o) => o.connect)).quantile(0.99),
          rssPerConn: (loaded.rss - base.rss) / ok,
          heapPerConn: (loaded.heapUsed - base.heapUsed) / ok,
          externalPerConn: (loaded.external - base.external) / ok,
          heapLeftAfterClose: after.heapUsed - base.heapUsed,
          base,
          loaded,
          after,
        };
        runs.push(r);
        log(
          `  ${kind}: ${ok} connected in ${fmt(connectMs / 1000)} s; per connection RSS ${fmt(r.rssPerConn / 1024, 2)} KB, heap ${fmt(r.heapPerConn / 1024, 2)} KB, external ${fmt(r.externalPerConn / 1024, 2)} KB; heap left after close ${fmt(r.heapLeftAfterClose / 1024)} KB`,
        );
      } finally {
        await stopChildren(...gens, server);
      }
    }
  }

  const m = (kind: ServerKind, f: (r: IdleRun) => number) =>
    median(runs.filter((r) => r.kind === kind).map(f));
  const kb = (x: number) => fmt(x / 1024, 2);
  const summary = {
    connections: n,
    wanted,
    runs: opts.runs,
    chatRssPerConn: m('chat', (r) => r.rssPerConn),
    bareRssPerConn: m('bare', (r) => r.rssPerConn),
    chatHeapPerConn: m('chat', (r) => r.heapPerConn),
    bareHeapPerConn: m('bare', (r) => r.heapPerConn),
    chatExternalPerConn: m('chat', (r) => r.externalPerConn),
    bareExternalPerConn: m('bare', (r) => r.externalPerConn),
    chatConnectMs: m('chat', (r) => r.connectMs),
    bareConnectMs: m('bare', (r) => r.connectMs),
    chatHeapLeftAfterClose: m('chat', (r) => r.heapLeftAfterClose),
    bareHeapLeftAfterClose: m('bare', (r) => r.heapLeftAfterClose),
  };
  const rssRatio = summary.chatRssPerConn / summary.bareRssPerConn;
  const heapRatio = summary.chatHeapPerConn / summary.bareHeapPerConn;
  return {
    tables: [
      `idle connections, medians of ${opts.runs} run(s) (${n} connections, after forced GC):\n` +
        table(
          ['per connection', 'chat server', 'bare ws', 'chat / bare'],
          [
            ['RSS, KB', kb(summary.chatRssPerConn), kb(summary.bareRssPerConn), fmt(rssRatio, 2)],
            [
              'V8 heap used, KB',
              kb(summary.chatHeapPerConn),
              kb(summary.bareHeapPerConn),
              fmt(heapRatio, 2),
            ],
            [
              'external (buffers), KB',
              kb(summary.chatExternalPerConn),
              kb(summary.bareExternalPerConn),
              '',
            ],
            [
              'time to open all, s',
              fmt(summary.chatConnectMs / 1000, 2),
              fmt(summary.bareConnectMs / 1000, 2),
              '',
            ],
            [
              'heap left after all closed, KB (total)',
              kb(summary.chatHeapLeftAfterClose),
              kb(summary.bareHeapLeftAfterClose),
              '',
            ],
          ],
        ) +
        (notes.length ? `\nNote: ${notes.join('; ')}.` : ''),
    ],
    targets: [
      {
        scenario: 'idle',
        target: '≤ 1.5x bare memory per connection (RSS)',
        measured: `${fmt(rssRatio, 2)}x (${kb(summary.chatRssPerConn)} vs ${kb(summary.bareRssPerConn)} KB)`,
        ...atMost(rssRatio, 1.5, 'x'),
      },
      {
        scenario: 'idle',
        target: '< 20 KB per connection (RSS)',
        measured: `${kb(summary.chatRssPerConn)} KB`,
        ...atMost(summary.chatRssPerConn / 1024, 20, 'KB'),
      },
    ],
    problems,
    data: { summary, notes, runs },
  };
}
