// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(join(tmpdir(), 'chat-web-size-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('production bundle', () => {
  it('loads at most 250 KB of gzipped JavaScript initially', async () => {
    // Vitest sets NODE_ENV=test, under which Vite builds React's development bundle
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        root,
        configFile: join(root, 'vite.config.ts'),
        logLevel: 'silent',
        mode: 'production',
        build: { outDir: out, emptyOutDir: true },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    // a production bundle: no JSX compiled for React's development runtime, none of React's
    // development warnings (the bare word jsxDEV is in react-markdown's JSX options)
    const scripts = readdirSync(join(out, 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const f of scripts) {
      const code = readFileSync(join(out, 'assets', f), 'utf8');
      expect(code, f).not.toMatch(/\bjsxDEV\)\(/);
      expect(code, f).not.toContain('Each child in a list should have a unique');
    }
    // size.mjs exits non-zero over the limit, which makes execFileSync throw
    const report = execFileSync(
      process.execPath,
      [join(root, 'scripts/size.mjs'), out, '--limit', '250'],
      {
        encoding: 'utf8',
      },
    );
    const m = /gzip ([\d.]+) KB \(limit/.exec(report);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(250);
  }, 120_000);
});
