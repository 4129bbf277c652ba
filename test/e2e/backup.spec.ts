/**
 * Back up and Change passphrase in the window (Settings → This vault): Back up writes a verified backup and says where;
 * Passphrase… re-encrypts the vault, refusing a wrong current passphrase (light, dark, narrow).
 */
import { existsSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'correct horse battery staple' });
  await twin.call('doc.create', { document: { id: 'lease', title: 'Flat lease', content: 'Signed 2026' } });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function backUp(page: Page, shotName: string): Promise<void> {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Back up' }).click();
  const dialog = page.getByTestId('backup-dialog');
  await expect(dialog).toContainText('1 document (1 version) copied and verified');
  const path = (await dialog.locator('code.path-value').textContent()) ?? '';
  expect(path).toMatch(/\/backups\/e2e-.*\.dvault$/);
  expect(existsSync(path)).toBe(true);
  await page.screenshot({ path: test.info().outputPath(`${shotName}.png`), fullPage: true });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
}

test('Back up writes a verified backup and says where', async ({ page }) => {
  await backUp(page, 'backup-light');
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('in dark mode', async ({ page }) => {
    await backUp(page, 'backup-dark');
  });
});

test.describe('narrow', () => {
  test.use({ viewport: { width: 700, height: 700 } });
  test('in a 700 px window', async ({ page }) => {
    await backUp(page, 'backup-narrow');
  });
});

async function openChange(page: Page): Promise<Locator> {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Passphrase…' }).click();
  return page.getByTestId('change-passphrase');
}

test.describe('change passphrase, dark', () => {
  test.use({ colorScheme: 'dark' });
  test('the dialog in dark mode, the button waits for a long enough new passphrase typed twice', async ({ page }) => {
    const dialog = await openChange(page);
    await dialog.locator('input[name="current"]').fill('something');
    await dialog.locator('input[name="new"]').fill('short');
    await expect(dialog.getByRole('button', { name: 'Change passphrase' })).toBeDisabled();
    await dialog.locator('input[name="new"]').fill('a much longer new passphrase');
    await dialog.locator('input[name="again"]').fill('a much longer new passphrase!');
    await expect(dialog).toContainText('The two passphrases differ.');
    await page.screenshot({ path: test.info().outputPath('change-dark.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});

test.describe('change passphrase, narrow', () => {
  test.use({ viewport: { width: 700, height: 700 } });
  test('a wrong current passphrase is refused; the right one re-encrypts, and only the new one unlocks', async ({ page }) => {
    const dialog = await openChange(page);
    await dialog.locator('input[name="current"]').fill('not the passphrase');
    await dialog.locator('input[name="new"]').fill('a much longer new passphrase');
    await dialog.locator('input[name="again"]').fill('a much longer new passphrase');
    await dialog.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(dialog.getByRole('alert')).toHaveAttribute('data-kind', 'WrongKey');
    await page.screenshot({ path: test.info().outputPath('change-narrow-wrong.png'), fullPage: true });
    await dialog.locator('input[name="current"]').fill('correct horse battery staple');
    await dialog.getByRole('button', { name: 'Change passphrase' }).click();
    await expect(dialog).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('doc-row').filter({ hasText: 'Flat lease' })).toBeVisible();
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.locator('input[name="passphrase"]').fill('correct horse battery staple');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert')).toHaveAttribute('data-kind', 'WrongKey');
    await page.locator('input[name="passphrase"]').fill('a much longer new passphrase');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('doc-row').filter({ hasText: 'Flat lease' })).toBeVisible();
  });
});
