/** Unlocking a vault made with `docvault init --key-file` from the window: a key file, a pasted key, a wrong file. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { Vault } from '../../src/main/storage';
import { startTwin, type Twin } from './twin';

const KEY = randomBytes(32).toString('hex');
let twin: Twin;
let keyFile: string;
let badFile: string;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin({
    prepare: async (path) => {
      const v = await Vault.create(path, { key: { rawKey: KEY } });
      v.put({ id: 'secret', title: 'Key-file secret', content: 'opened with a key file' });
      v.close();
    },
  });
  keyFile = join(dirname(twin.vaultPath), 'vault.key');
  badFile = join(dirname(twin.vaultPath), 'not-a-key.txt');
  writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
  writeFileSync(badFile, 'hello');
});
test.afterAll(async () => {
  await twin?.stop();
});

test('a key file chosen in the window unlocks the vault; a wrong file says what a key file is', async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByRole('heading', { name: 'Unlock your vault' })).toBeVisible();
  await page.locator('input[name="keyfile"]').setInputFiles(badFile);
  await expect(page.getByText('not a docvault key file')).toBeVisible();
  await page.locator('input[name="keyfile"]').setInputFiles(keyFile);
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  await expect(page.getByTestId('doc-row').filter({ hasText: 'Key-file secret' })).toBeVisible();
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  // Pasting the 64 hex characters into the passphrase field works too.
  await page.locator('input[name="passphrase"]').fill(KEY.toUpperCase());
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
});

test('a plain vault opens without a key and the top bar says it is not encrypted', async ({ page }) => {
  const plain = await startTwin({
    prepare: async (path) => {
      (await Vault.create(path, { key: { encryption: false } })).close();
    },
  });
  try {
    await page.goto(plain.server.url);
    await expect(page.getByText('This vault is not encrypted')).toBeVisible();
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('plain-vault')).toHaveText('Not encrypted');
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByTestId('vault-facts')).toContainText('none (not encrypted)');
    await expect(page.getByTestId('plain-vault')).toBeVisible();
  } finally {
    await plain.stop();
  }
});
