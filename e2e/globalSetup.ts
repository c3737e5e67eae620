import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, DIST, ROOT } from './paths.ts';

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

/** Builds the web client once when packages/web/dist is missing or older than its sources. */
export default function setup(): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  const web = join(ROOT, 'packages/web');
  const built = existsSync(join(DIST, 'index.html'))
    ? statSync(join(DIST, 'index.html')).mtimeMs
    : 0;
  const sources = Math.max(
    newest(join(web, 'src')),
    newest(join(web, 'public')),
    newest(join(web, 'index.html')),
    newest(join(web, 'vite.config.ts')),
    newest(join(ROOT, 'packages/protocol/src')),
    newest(join(ROOT, 'packages/client/src')),
  );
  if (built >= sources) return;
  // Vitest sets NODE_ENV=test, under which Vite builds React's development bundle: the
  // browser tests must run what users get
  execFileSync('npm', ['run', 'build', '-w', '@chat/web'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
