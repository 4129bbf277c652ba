/** Back up in the window: the top bar's button writes a verified backup and says where (light, dark, narrow). */
import { existsSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
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
