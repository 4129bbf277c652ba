/**
 * Restore from a backup in the window (Settings → This vault → Restore…), in real Chromium through the web
 * twin: the backups folder's backups are offered, a wrong passphrase is refused with the vault unchanged, the
 * right one restores and the window shows the restored vault and where the replaced one is kept (light, dark,
 * a 700 px window).
 */
import { existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';
let twin: Twin;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
  await twin.call('doc.create', { document: { id: 'lease', title: 'Flat lease', content: 'Signed 2026' } });
  await twin.call('backup.create', {});
  await twin.call('doc.create', { document: { id: 'later', title: 'Written after the backup', content: 'later' } });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function openRestore(page: Page): Promise<void> {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Restore…' }).click();
  await expect(page.getByTestId('restore-backup')).toBeVisible();
  await expect(page.getByRole('radio')).toHaveCount(1);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('the dialog in dark mode', async ({ page }) => {
    await openRestore(page);
    await shot(page, 'restore-dark');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('restore-backup')).toHaveCount(0);
  });
});

test.describe('narrow', () => {
  test.use({ viewport: { width: 700, height: 700 } });
  test('the dialog in a 700 px window', async ({ page }) => {
    await openRestore(page);
    await shot(page, 'restore-narrow');
    await page.keyboard.press('Escape');
  });
});

test('a wrong passphrase changes nothing; the right one restores and the window shows the restored vault', async ({ page }) => {
  await openRestore(page);
  const dialog = page.getByTestId('restore-backup');
  await expect(dialog).toContainText('.before-restore-<time>');
  const restore = dialog.getByRole('button', { name: 'Restore' });
  await expect(restore).toBeDisabled();
  await dialog.getByLabel(/The backup's passphrase/).fill('not the passphrase');
  await restore.click();
  await expect(dialog.locator('.error')).toContainText('Wrong passphrase');
  await expect(page.getByTestId('doc-row')).toHaveCount(2);
  await shot(page, 'restore-wrong-passphrase');
  await dialog.getByLabel(/The backup's passphrase/).fill(PASS);
  await restore.click();
  const done = page.getByTestId('restore-done');
  await expect(done).toContainText('1 document (1 version) restored and verified.');
  const kept = (await done.locator('code.path-value').textContent()) ?? '';
  expect(kept).toMatch(/e2e\.dvault\.before-restore-/);
  expect(existsSync(kept)).toBe(true);
  await shot(page, 'restore-done-light');
  await done.getByRole('button', { name: 'Close' }).click();
  // The window shows the restored vault: the document written after the backup is gone.
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await expect(page.getByTestId('doc-row')).toContainText('Flat lease');
});
