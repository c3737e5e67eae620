import type { Options } from './processes.ts';
import { log } from './report.ts';

/** One line of the targets table. */
export interface TargetRow {
  scenario: string;
  target: string;
  measured: string;
  /** null: not measured (skipped). */
  met: boolean | null;
  /** How far from the target, when not met. */
  distance: string;
}

export interface ScenarioOutput {
  /** Tables to print (Markdown). */
  tables: string[];
  targets: TargetRow[];
  /** What went wrong: lost messages, failed connections, errors. Empty: completed, nothing lost. */
  problems: string[];
  /** What the numbers say about the server beyond the targets (printed, not failures). */
  findings?: string[];
  /** Written to bench/results/<scenario>.json. */
  data: unknown;
}

export type Scenario = (opts: Options) => Promise<ScenarioOutput>;

/** "met" or the ratio to the target, for a lower-is-better measure. */
export function atMost(
  measured: number,
  limit: number,
  unit: string,
): Pick<TargetRow, 'met' | 'distance'> {
  if (!Number.isFinite(measured) || measured < 0) return { met: null, distance: 'not measured' };
  const met = measured <= limit;
  return {
    met,
    distance: met
      ? '-'
      : `${(measured / limit).toFixed(2)}x the limit (${fmtNum(measured - limit)} ${unit} over)`,
  };
}

/** "met" or the shortfall, for a higher-is-better measure. */
export function atLeast(
  measured: number,
  limit: number,
  unit: string,
): Pick<TargetRow, 'met' | 'distance'> {
  if (!Number.isFinite(measured)) return { met: null, distance: 'not measured' };
  const met = measured >= limit;
  return {
    met,
    distance: met
      ? '-'
      : `${((measured / limit) * 100).toFixed(0)}% of the target (${fmtNum(limit - measured)} ${unit} short)`,
  };
}

function fmtNum(x: number): string {
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2);
}

/**
 * One run of a measurement; when it fails (e.g. a node refused connections while other
 * programs overloaded the machine) the failure is a problem and the other runs still count.
 */
export async function attempt<T>(
  problems: string[],
  what: string,
  run: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    problems.push(`${what} failed: ${msg}`);
    log(`  ${what} FAILED: ${msg}`);
    return undefined;
  }
}

/**
 * Measures up to `tries` times while other programs took more than `limit` % of a core
 * meanwhile (this machine is shared: their bursts make latency tails that are not the
 * server's); the least disturbed attempt counts, each attempt's disturbance is kept.
 */
export async function leastDisturbed<T extends { othersCpu: number }>(
  what: string,
  opts: { tries: number; limit: number },
  measure: (attempt: number) => Promise<T>,
): Promise<T & { attempts: number[] }> {
  const attempts: number[] = [];
  let best: T | undefined;
  for (let a = 1; a <= Math.max(1, opts.tries); a++) {
    const m = await measure(a);
    attempts.push(m.othersCpu);
    if (!best || m.othersCpu < best.othersCpu) best = m;
    if (m.othersCpu <= opts.limit) break;
    if (a < opts.tries)
      log(`  ${what}: other programs took ${m.othersCpu.toFixed(0)}% of a core: measuring again`);
  }
  return { ...best!, attempts };
}
