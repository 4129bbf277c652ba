import { defineConfig } from 'vitest/config';

// The native addon (better-sqlite3-multiple-ciphers) loads reliably in forked workers.
// test/global-setup.ts builds the bundles child processes run, once, before any test file.
// The fault suites' full form runs apart: `npm run test:faults` (vitest.faults.config.mts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts', 'test/faults/summary.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
