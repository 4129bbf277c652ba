import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault suites in full (DOCVAULT_FAULTS=full): 200 SIGKILL rounds, 10,000
// payloads per channel and transport, 300 tamper rounds, the resource cases. One file at a time, so the
// crash suite's kills are not timed by another suite's load. `npm test` runs the same files in short form.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts', 'test/faults/summary.ts'],
    env: { DOCVAULT_FAULTS: 'full' },
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
  },
});
