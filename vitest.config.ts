import { defineConfig } from 'vitest/config';

// Each package (and e2e/, and each example) has its own vitest.config.ts; this runs them all.
// Two files run at a time (the machines have two cores and most tests wait on sockets and
// timers), in four groups, one after another: the unit and server tests; the cluster nodes,
// whose short leases a busy machine would let lapse (server-cluster); the tests that measure
// the server's event loop, alone (server-load); the browser tests, one file at a time (e2e).
export default defineConfig({
  test: {
    projects: ['{packages/*,examples/*,e2e}/vitest{,.*}.config.ts'],
    maxWorkers: 2,
  },
});
