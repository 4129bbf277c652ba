/**
 * A vault made by the first docvault (the committed schema-1 fixture) unlocked in the window: it is upgraded
 * as it opens, the progress indicator says so, and its documents are there afterwards. The
 * fixture upgrades in milliseconds, and the indicator shows only for a call that has run past
 * PROGRESS_AFTER_MS, so the twin's store factory waits before the real open (which reports the upgrade) and
 * after it: the upgrade itself, its progress events and the window are the real ones.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import { serviceStoreFactory, type StoreFactory } from '../../src/app/store';
import { SCHEMA_VERSION } from '../../src/main/storage';
import { PROGRESS_AFTER_MS } from '../../src/shared/contract';
import { startTwin, type Twin } from './twin';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'schema1');
const KEY = readFileSync(join(FIXTURE, 'key.hex'), 'utf8').trim();

/** The service's factory, with waits around `open` so the window's indicator is up while the upgrade reports. */
const slowOpen: StoreFactory = {
  create: (path, key, opts) => serviceStoreFactory.create(path, key, opts),
  async open(path, key, opts) {
    await sleep(PROGRESS_AFTER_MS + 300);
    const store = await serviceStoreFactory.open(path, key, opts);
    await sleep(1500);
    return store;
  },
};

let twin: Twin;
test.beforeAll(async () => {
  twin = await startTwin({ prepare: async (path) => copyFileSync(join(FIXTURE, 'vault.dvault'), path), backend: { storeFactory: slowOpen } });
});
test.afterAll(async () => {
  await twin?.stop();
});

test('an older vault is upgraded as it unlocks: the indicator says so, then its documents are there', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.locator('input[name="keyfile"]').setInputFiles({ name: 'vault.key', mimeType: 'text/plain', buffer: Buffer.from(`${KEY}\n`) });
  // The last report of the upgrade (all steps done) is on screen while the open finishes.
  await expect(page.getByTestId('progress')).toContainText(/Upgrading the vault for this version of docvault \(once\): 100%/);
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('doc-row').filter({ hasText: 'Alpha plan' })).toBeVisible();
  await expect(page.getByText('12 documents', { exact: true }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('vault-facts')).toContainText(`Schema version${SCHEMA_VERSION}`);
});
