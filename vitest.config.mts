import { defineConfig } from 'vitest/config';

// The native addon (better-sqlite3-multiple-ciphers) loads reliably in forked workers.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
