import { defineConfig } from 'vitest/config';
import { CLUSTER_TESTS, SERVER_TEST } from './vitest.config.ts';

export default defineConfig({
  test: {
    ...SERVER_TEST,
    name: 'server-cluster',
    include: CLUSTER_TESTS,
    sequence: { groupOrder: 1 },
    testTimeout: 60_000,
  },
});
