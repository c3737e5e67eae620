import { defineConfig } from 'vitest/config';
import { LOAD_TESTS } from './vitest.config.ts';

// What these tests measure (the server's event loop, an honest client's round trips) is
// only true of a machine that does nothing else: they run after the other projects, alone.
export default defineConfig({
  test: {
    name: 'server-load',
    include: LOAD_TESTS,
    fileParallelism: false,
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
