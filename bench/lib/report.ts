import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Median of each numeric field over runs (fields missing in a run are skipped). */
export function medianOf<T extends Record<string, number>>(runs: T[]): T {
  const out: Record<string, number> = {};
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  for (const k of keys) out[k] = median(runs.map((r) => r[k] ?? NaN));
  return out as T;
}

export function fmt(x: number | undefined, digits = 1): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

/** A ratio as `1.23x`, or `-` when there is none. */
export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-';
}

/** A Markdown table (also readable on a terminal). */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(cells[0]!),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** One row of `compare`: its name, the measure of a run, the digits shown. */
export type CompareRow<R> = [name: string, measure: (r: R) => number, digits: number];

/** One of the variants `compare` shows: `name` in the ratio's heading, `label` over its column. */
export interface Variant<R> {
  name: string;
  label: string;
  runs: R[];
}

/**
 * Two variants measured in the same runs (`run` numbers), side by side: each row's median
 * per variant, and the median of the same-run ratios `columns[over]` / the other.
 */
export function compare<R extends { run: number }>(
  columns: [Variant<R>, Variant<R>],
  over: 0 | 1,
  rows: CompareRow<R>[],
) {
  const [top, bottom] = over === 0 ? columns : [columns[1], columns[0]];
  const medians = columns.map((c) =>
    Object.fromEntries(rows.map(([name, f]) => [name, median(c.runs.map(f))])),
  );
  const ratios = Object.fromEntries(
    rows.map(([name, f]) => [
      name,
      median(
        top.runs.map((t) => {
          const b = bottom.runs.find((x) => x.run === t.run);
          return b ? f(t) / f(b) : NaN;
        }),
      ),
    ]),
  );
  const text = table(
    ['measure', columns[0].label, columns[1].label, `${top.name} / ${bottom.name}`],
    rows.map(([name, , digits]) => [
      name,
      fmt(medians[0]![name], digits),
      fmt(medians[1]![name], digits),
      times(ratios[name]!),
    ]),
  );
  return { text, medians, ratios };
}

export function writeResult(scenario: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${scenario}.json`);
  writeFileSync(path, JSON.stringify(data, replacer, 2) + '\n');
  return path;
}

export function readResult(scenario: string): unknown {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `${scenario}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint32Array) return undefined; // histograms' raw buckets stay out
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

export function log(...parts: unknown[]): void {
  const t = new Date().toISOString().slice(11, 19);
  console.log(`[${t}]`, ...parts);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return Math.floor(n);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `Max open files` soft limit of this process (inherited by its children). */
export function openFilesLimit(): number {
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+)/m.exec(text);
    return m ? Number(m[1]) : Infinity;
  } catch {
    return Infinity;
  }
}
