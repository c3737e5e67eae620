/**
 * Storage: messages committed per second through `storage.addMessage` with many
 * concurrent callers, on SQLite (a temp file) and PostgreSQL (DATABASE_URL, in a fresh
 * schema dropped afterwards; skipped with the reason when unreachable).
 */
import { randomBytes } from 'node:crypto';
import { dropSchema } from '../../packages/server/test/helpers/postgres.ts';
import { DATABASE_URL, masked, postgresUnreachable } from '../lib/deployment.ts';
import { Histogram } from '../lib/histogram.ts';
import {
  startStorageProcess,
  stopChildren,
  type Options,
  type StorageChild,
} from '../lib/processes.ts';
import { envInt, fmt, log, median, table } from '../lib/report.ts';
import { atLeast, type ScenarioOutput } from '../lib/scenario.ts';

interface StorageRun {
  backend: 'sqlite' | 'postgres';
  rooms: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpu: number;
}

export async function storage(opts: Options): Promise<ScenarioOutput> {
  const callers = envInt('BENCH_STORAGE_CALLERS', 1000);
  const durationMs = envInt('BENCH_STORAGE_MS', opts.quick ? 1000 : 5000);
  const roomVariants = [1, 100];
  const url = DATABASE_URL;
  const problems: string[] = [];
  const notes: string[] = [];
  const runs: StorageRun[] = [];

  const measure = async (backend: StorageRun['backend'], child: StorageChild) => {
    for (let run = 1; run <= opts.runs; run++) {
      for (const rooms of roomVariants) {
        const r = await child.request('addMessages', {
          callers,
          rooms,
          durationMs,
          bodyBytes: 100,
        });
        const h = Histogram.from(r.latency);
        const x: StorageRun = {
          backend,
          rooms,
          perSecond: r.perSecond,
          p50: h.quantile(0.5),
          p99: h.quantile(0.99),
          cpu: (r.cpu.cpuMs / r.cpu.wallMs) * 100,
        };
        runs.push(x);
        log(
          `  ${backend} run ${run}, ${callers} callers over ${rooms} room(s): ${fmt(x.perSecond)} msg/s committed, call p50 ${fmt(x.p50, 2)} p99 ${fmt(x.p99, 2)} ms, CPU ${fmt(x.cpu)}%`,
        );
        if (r.committed === 0) problems.push(`storage ${backend}: nothing committed`);
      }
    }
  };

  log(`storage: sqlite`);
  const sqlite = await startStorageProcess({ kind: 'sqlite' });
  try {
    await measure('sqlite', sqlite);
  } finally {
    await stopChildren(sqlite);
  }

  const why = await postgresUnreachable(url);
  if (why !== undefined) {
    const note = `PostgreSQL skipped: ${masked(url)} is unreachable (${why})`;
    notes.push(note);
    log(`storage: ${note}`);
  } else {
    const schema = `bench_${randomBytes(6).toString('hex')}`;
    log(`storage: postgres (schema ${schema})`);
    try {
      const child = await startStorageProcess({ kind: 'postgres', url, schema });
      try {
        await measure('postgres', child);
      } finally {
        await stopChildren(child);
      }
    } finally {
      await dropSchema(url, schema);
    }
  }

  const m = (backend: StorageRun['backend'], rooms: number, f: (r: StorageRun) => number) =>
    median(runs.filter((r) => r.backend === backend && r.rooms === rooms).map(f));
  const rows: string[][] = [];
  const summary: Record<string, number> = { callers, durationMs, runs: opts.runs };
  for (const backend of ['sqlite', 'postgres'] as const) {
    for (const rooms of roomVariants) {
      const ps = m(backend, rooms, (r) => r.perSecond);
      summary[`${backend}Rooms${rooms}PerSecond`] = ps;
      summary[`${backend}Rooms${rooms}P99`] = m(backend, rooms, (r) => r.p99);
      if (!Number.isFinite(ps)) continue;
      rows.push([
        backend,
        String(rooms),
        fmt(ps),
        fmt(
          m(backend, rooms, (r) => r.p50),
          2,
        ),
        fmt(
          m(backend, rooms, (r) => r.p99),
          2,
        ),
        fmt(m(backend, rooms, (r) => r.cpu)),
      ]);
    }
  }
  const worst = (backend: 'sqlite' | 'postgres') =>
    Math.min(...roomVariants.map((rooms) => summary[`${backend}Rooms${rooms}PerSecond`] ?? NaN));
  return {
    tables: [
      `storage.addMessage, medians of ${opts.runs} run(s) (${callers} concurrent callers, ${durationMs / 1000} s each):\n` +
        table(
          [
            'storage',
            'rooms',
            'messages/s committed',
            'call p50 ms',
            'call p99 ms',
            'CPU % of a core',
          ],
          rows,
        ) +
        (notes.length ? `\nNote: ${notes.join('; ')}.` : ''),
    ],
    targets: [
      {
        scenario: 'storage',
        target: '≥ 20,000 msg/s committed on SQLite',
        measured: `${fmt(worst('sqlite'))}/s (the lower of 1 and 100 rooms)`,
        ...atLeast(worst('sqlite'), 20_000, 'msg/s'),
      },
      {
        scenario: 'storage',
        target: '≥ 10,000 msg/s committed on PostgreSQL',
        measured: Number.isFinite(worst('postgres'))
          ? `${fmt(worst('postgres'))}/s (the lower of 1 and 100 rooms)`
          : 'skipped',
        ...atLeast(worst('postgres'), 10_000, 'msg/s'),
      },
    ],
    problems,
    data: { summary, notes, runs },
  };
}
