import { defineConfig } from 'vitest/config';

/** The tests that measure the event loop under attack: run alone (vitest.load.config.ts). */
export const LOAD_TESTS = ['test/attacks.test.ts', 'test/fuzz.test.ts'];

export default defineConfig({
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    exclude: LOAD_TESTS,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
