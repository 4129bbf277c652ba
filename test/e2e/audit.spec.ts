/**
 * The Audit log view (Settings → This vault → Audit log), in real Chromium through the web twin: events
 * appear after a create and a delete, and an entry edited with the page key (a second connection without the
 * tag key) is shown as a clear warning naming it, its row marked (light, dark, a 700 px window).
 */
import { expect, test, type Page } from '@playwright/test';
import { deriveRawKeyHex } from '../../src/app/store';
import { withRawConnection } from '../helpers/raw-db';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';
let twin: Twin;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function openAudit(page: Page): Promise<void> {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Audit log' }).click();
  await expect(page.getByTestId('audit-view')).toBeVisible();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('a create and a delete appear, newest first, and the chain verifies', async ({ page }) => {
  await openAudit(page);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-event', 'vault.create');
  await twin.call('doc.create', { document: { id: 'lease', title: 'Flat lease', content: 'Signed 2026' } });
  await twin.call('doc.delete', { id: 'lease' });
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Moved to the Trash');
  await expect(rows.nth(0)).toContainText('1 document');
  await expect(rows.nth(1)).toContainText('Documents created');
  await expect(page.getByTestId('audit-ok')).toHaveText('All 3 entries verify.');
  // Never a title or an id.
  await expect(page.getByTestId('audit-view')).not.toContainText('lease');
  await expect(page.getByTestId('audit-view')).not.toContainText('Flat lease');
  await shot(page, 'audit-light');
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('in dark mode', async ({ page }) => {
    await openAudit(page);
    await expect(page.getByTestId('audit-row')).toHaveCount(3);
    await shot(page, 'audit-dark');
  });
});

test('an entry edited with the page key: a warning naming it, the row marked', async ({ page }) => {
  const key = await deriveRawKeyHex(twin.vaultPath, PASS);
  // Entry 2 (the create): the newest, 3, is kept in the audit head, not in audit_log.
  withRawConnection(twin.vaultPath, key, (db) => db.exec("UPDATE audit_log SET event = 'document.undelete' WHERE seq = 2"));
  await openAudit(page);
  const warning = page.getByTestId('audit-tampered');
  await expect(warning).toContainText('The audit log was altered outside docvault.');
  await expect(warning).toContainText('audit entry 2 does not verify');
  const marked = page.locator('tr.broken');
  await expect(marked).toHaveCount(1);
  await expect(marked).toContainText('altered?');
  await expect(page.getByTestId('audit-ok')).toHaveCount(0);
  await shot(page, 'audit-tampered-light');
});

test.describe('narrow', () => {
  test.use({ viewport: { width: 700, height: 700 } });
  test('in a 700 px window, tampered', async ({ page }) => {
    await openAudit(page);
    await expect(page.getByTestId('audit-tampered')).toBeVisible();
    await shot(page, 'audit-narrow');
  });
});

test.describe('dark, tampered', () => {
  test.use({ colorScheme: 'dark' });
  test('the warning in dark mode', async ({ page }) => {
    await openAudit(page);
    await expect(page.getByTestId('audit-tampered')).toBeVisible();
    await shot(page, 'audit-tampered-dark');
  });
});
