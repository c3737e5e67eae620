/** What the browser scenarios share: the web client's build, Chromium, the page's metrics. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { BENCH_DIR } from './report.ts';

/**
 * Builds the web client (production) into `outDir`, its own folder: the e2e tests rebuild
 * dist. `unminified`: functions keep their names in CPU profiles.
 */
export function buildWebClient(outDir: string, unminified: boolean): void {
  execFileSync(
    'npx',
    [
      'vite',
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      ...(unminified ? ['--minify', 'false'] : []),
    ],
    {
      cwd: join(BENCH_DIR, '..', 'packages', 'web'),
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}

/** Debian's Chromium (CHROMIUM_PATH), headless, software raster. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

/** The q-quantile of values sorted ascending (NaN for none). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export type Metrics = Record<string, number>;

/** The page's CDP Performance metrics (TaskDuration, ScriptDuration, JSHeapUsedSize, ...). */
export async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}
