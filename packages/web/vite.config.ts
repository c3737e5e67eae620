import { defineConfig } from 'vite';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // react-router marks its modules "use client" (for server components): harmless here
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      // The protocol package is plain declarations: what the client does not import (the zod
      // schemas the server validates with) is left out of the bundle.
      treeshake: {
        moduleSideEffects: [{ test: /packages[\\/]protocol[\\/]src[\\/]/, sideEffects: false }],
      },
    },
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:9000', ws: true } },
  },
});
