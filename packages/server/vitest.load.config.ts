import { defineConfig } from 'vitest/config';
import { LOAD_TESTS, SERVER_TEST } from './vitest.config.ts';

// What these tests measure (the server's event loop, an honest client's round trips) is
// only true of a machine that does nothing else: they run after the other projects, alone.
export default defineConfig({
  test: {
    ...SERVER_TEST,
    name: 'server-load',
    include: LOAD_TESTS,
    fileParallelism: false,
    sequence: { groupOrder: 2 },
    testTimeout: 60_000,
  },
});
