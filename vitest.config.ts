import { defineConfig } from 'vitest/config';

// Each package (and e2e/) has its own vitest.config.ts; this runs them all.
export default defineConfig({
  test: {
    projects: ['{packages/*,e2e}/vitest.config.ts'],
  },
});
