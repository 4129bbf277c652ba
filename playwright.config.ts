// End-to-end tests in real Chromium against the web twin (test/e2e/*.spec.ts). Each spec starts its own
// twin on a random port with a temp vault (test/e2e/twin.ts). Run with `npm run test:e2e`, which finds or
// installs Chromium and builds first. Playwright never downloads browsers here.
import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/ensure-chromium.mjs';

const executablePath = findChromium();

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // 2 shared cores: one worker, specs in order.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath === undefined ? {} : { executablePath }),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
