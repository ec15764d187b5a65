import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real registries and git servers are started per test file; two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
