import { defineConfig } from 'vitest/config';

// Each Temporal test file starts its own server (one per file, not per test); on 2 cores keep
// file parallelism at 2 so cold JVM/CLI starts stay inside the SDK's connect wait.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-runtime.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
