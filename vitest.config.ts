import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one line at the end saying why the corpus tests skipped, when ../shared/corpus is absent
    globalSetup: ['test/harness/corpus-notice.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real registries and git servers are started per test file; two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
