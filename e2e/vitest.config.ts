import { defineConfig } from 'vitest/config';

// Browser tests: the real server (startServer) and Debian's Chromium through playwright-core.
// Files run one after another: the machines have 2 cores and each file drives 2-3 browsers.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['*.test.ts'],
    globalSetup: ['./globalSetup.ts'],
    fileParallelism: false,
    // after the server's load tests: browsers and measured loops do not share the machine
    sequence: { groupOrder: 3 },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
