/**
 * Screenshots of an E2E run. Every shot goes to the test's output folder (test-results/); with
 * DOCVAULT_SCREENSHOT_DIR set (scripts/screenshots.mjs sets it to docs/screenshots) the named ones
 * meant for the docs are written there too, so the README's pictures can be made again when the UI changes.
 */
import { join } from 'node:path';
import { test, type Page } from '@playwright/test';

/** Saves a full-page shot under test-results, and under the docs folder when it is a docs shot and one is set. */
export async function shot(page: Page, name: string, opts: { docs?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  const dir = process.env.DOCVAULT_SCREENSHOT_DIR;
  if (opts.docs === true && dir !== undefined && dir !== '') await page.screenshot({ path: join(dir, `${name}.png`) });
}
