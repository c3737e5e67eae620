import { chmod, rename, rm } from 'node:fs/promises';
import { build, type Plugin } from 'esbuild';

/**
 * Our workspace packages are TypeScript sources: bundle them; every other package is loaded
 * from node_modules as it is (native modules, and what a production install keeps).
 */
const workspaceOnly: Plugin = {
  name: 'workspace-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@chat/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Bundles each entry (name: source file) to `<outdir>/<name>.js` with its source map, runnable
 * with plain node (`--enable-source-maps` for stack traces in the sources). Written beside the
 * final files, then renamed over them, so that a concurrent build never leaves a half-written
 * file for a process starting it.
 */
export async function bundle(entries: Record<string, string>, outdir: string): Promise<void> {
  const tmp = `${outdir}/.${process.pid}-${Date.now()}`;
  await build({
    entryPoints: entries,
    outdir: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [workspaceOnly],
    logLevel: 'warning',
  });
  for (const name of Object.keys(entries)) {
    await rename(`${tmp}/${name}.js.map`, `${outdir}/${name}.js.map`);
    // runnable as a command (the package's bin)
    await chmod(`${tmp}/${name}.js`, 0o755);
    await rename(`${tmp}/${name}.js`, `${outdir}/${name}.js`);
  }
  await rm(tmp, { recursive: true, force: true });
}
