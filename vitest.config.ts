import { defineConfig } from 'vitest/config';

// Each package (and e2e/) has its own vitest.config.ts; this runs them all. Two files run at a
// time (the machines have two cores and most tests wait on sockets and timers); the tests
// that measure the server's event loop (server-load) run after, alone, and the browser tests
// last, one file at a time.
export default defineConfig({
  test: {
    projects: ['{packages/*,e2e}/vitest{,.*}.config.ts'],
    maxWorkers: 2,
  },
});
