import { defineConfig } from 'vitest/config';

/**
 * The nodes of a cluster, whose leases (1.5 s in tests) a machine busy with the other files
 * would let lapse: they run after those, two files at a time (vitest.cluster.config.ts).
 */
export const CLUSTER_TESTS = ['test/cluster/**/*.test.ts'];
/**
 * Tests that measure the server's event loop under attack: they run last, one at a time, on
 * a machine that does nothing else (vitest.load.config.ts).
 */
export const LOAD_TESTS = ['test/attacks.test.ts', 'test/fuzz.test.ts'];

/** What every server project shares. */
export const SERVER_TEST = {
  globalSetup: ['test/globalSetup.ts'],
  // each file starts its own servers and clients: a worker need not load the modules afresh
  // for every file (a second a file, at two files at a time)
  isolate: false,
  testTimeout: 20_000,
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    ...SERVER_TEST,
    name: 'server',
    include: ['test/**/*.test.ts'],
    exclude: [...CLUSTER_TESTS, ...LOAD_TESTS],
  },
});
