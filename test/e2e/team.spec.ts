/**
 * The team vault in real Chromium through the web twin, against a real PostgreSQL with TLS (test/pg/server.ts,
 * one per spec): the not-attached section, attaching with a CA file picked in the page, Sync now and the
 * counts, a conflict made by a second device (a clone driven through the engine) listed and opened in the
 * comparison view on its two versions, and the error state when the server is gone.
 * docs: true — with DOCVAULT_SCREENSHOT_DIR set (`npm run screenshots`), its pictures go to docs/screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { cloneVault, syncVault } from '../../src/app/sync/team-sync';
import { pgUnavailable, startTestPg, type TestPg } from '../pg/server';
import { startTwin, type Twin } from './twin';

const PASS = 'team vault pass phrase';
const why = pgUnavailable();
let srv: TestPg;
let twin: Twin;
let dir: string;

/** A picture for the test report, and for the docs when `npm run screenshots` runs this spec. */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  const docs = process.env['DOCVAULT_SCREENSHOT_DIR'];
  if (docs !== undefined) await page.screenshot({ path: join(docs, `${name}.png`) });
}

/** The same view in light and dark, wide and at 700 px. */
async function shots(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(page, `${name}-${scheme}`);
  }
  await page.setViewportSize({ width: 700, height: 1000 });
  await shot(page, `${name}-narrow`);
  await page.setViewportSize({ width: 1000, height: 1000 });
  await page.emulateMedia({ colorScheme: 'light' });
}

async function openSettings(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1000, height: 1000 });
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByTestId('team-vault').scrollIntoViewIfNeeded();
}

test.describe.configure({ mode: 'serial' });
test.skip(why !== undefined, `needs PostgreSQL: ${why ?? ''}`);
test.beforeAll(async () => {
  test.setTimeout(120_000);
  srv = await startTestPg();
  const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
  await admin.init(['alice']);
  await admin.close();
  dir = mkdtempSync(join(tmpdir(), 'docvault-team-e2e-'));
  twin = await startTwin({ backend: { remotePassword: async () => srv.alicePassword } });
  await twin.call('vault.create', { passphrase: PASS });
  await twin.call('doc.create', { document: { id: 'plan', title: 'Project plan', content: 'Start in March.\nBudget: 10k.\n' } });
  await twin.call('doc.create', { document: { id: 'contacts', title: 'Contacts', content: 'Ada, Grace' } });
});
test.afterAll(async () => {
  await twin?.stop();
  srv?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('not attached: the section offers to attach, and the top bar has no sync badge', async ({ page }) => {
  await openSettings(page);
  const team = page.getByTestId('team-vault');
  await expect(team).toContainText('Not attached');
  await expect(page.getByTestId('sync-indicator')).toHaveCount(0);
  // A password in the address is refused in the form, before anything is sent.
  await team.getByLabel('Server', { exact: true }).fill('postgresql://alice:secret@db.example.com/team');
  await expect(team.getByRole('alert')).toContainText('Leave the password out');
  await expect(team.getByRole('button', { name: 'Attach' })).toBeDisabled();
  await team.getByLabel('Server', { exact: true }).fill('');
  await shots(page, 'team-not-attached');
});

test('attach with a CA file, then Sync now: counts and the top-bar badge follow', async ({ page }) => {
  await openSettings(page);
  const team = page.getByTestId('team-vault');
  await team.getByLabel('Server', { exact: true }).fill(srv.aliceUrl);
  await team.getByLabel(/CA certificate/).setInputFiles(srv.caFile);
  await team.getByRole('button', { name: 'Attach' }).click();
  await expect(team.getByTestId('sync-pending')).toHaveText('2');
  await expect(page.getByTestId('sync-indicator')).toHaveText('2 to sync');
  await team.getByRole('button', { name: 'Sync now' }).click();
  await expect(team.getByTestId('sync-pending')).toHaveText('0');
  await expect(page.getByTestId('sync-indicator')).toHaveText('Synced');
  await expect(team.getByTestId('sync-status')).toContainText(srv.aliceUrl);
  await expect(team.getByTestId('sync-status')).not.toContainText(srv.alicePassword);
  await shots(page, 'team-synced');
});

test('a conflict from a second device is listed, opens in the comparison view on its two versions, and is settled by Keep current', async ({ page }) => {
  const second = await cloneVault(srv.aliceUrl, { path: join(dir, 'laptop.dvault'), key: { passphrase: PASS }, caFile: srv.caFile, password: srv.alicePassword });
  try {
    second.vault.update('plan', { content: 'Start in March.\nBudget: 12k, agreed with Grace.\n' });
    await syncVault(second.vault, { password: srv.alicePassword });
  } finally {
    second.vault.close();
  }
  await twin.call('doc.update', { id: 'plan', patch: { content: 'Start in April.\nBudget: 10k.\n' }, expectedVersion: 1 });
  await openSettings(page);
  const team = page.getByTestId('team-vault');
  await team.getByRole('button', { name: 'Sync now' }).click();
  await expect(team.getByTestId('sync-conflicts')).toHaveText('1');
  await expect(page.getByTestId('sync-indicator')).toHaveText('1 conflict');
  const list = team.getByRole('list', { name: 'Conflicts' });
  await expect(list).toContainText('plan');
  await shots(page, 'team-conflict');
  await list.getByRole('button', { name: 'Compare…' }).click();
  const history = page.getByTestId('history-dialog');
  const comparison = history.locator('[data-testid="comparison"][data-status="done"]');
  await expect(comparison).toBeVisible();
  // Both sides are there, nothing overwritten: this device's April and the laptop's 12k.
  await expect(comparison).toContainText('April');
  await expect(comparison).toContainText('12k');
  await shot(page, 'team-conflict-compare-light');
  await history.getByRole('button', { name: 'Close' }).last().click();
  await expect(history).toHaveCount(0);
  // Keep current: the head written again as a new version, pushed at once; the conflict is settled.
  await list.getByRole('button', { name: 'Keep current' }).click();
  await expect(team.getByTestId('sync-conflicts')).toHaveText('0');
  await expect(page.getByTestId('sync-indicator')).toHaveText('Synced');
  expect((await twin.call('doc.versions', { id: 'plan' })).length).toBe(4);
});

test('the server gone: the badge and the section show the error, and the window keeps working', async ({ page }) => {
  await openSettings(page);
  srv.kill();
  try {
    const team = page.getByTestId('team-vault');
    await team.getByRole('button', { name: 'Sync now' }).click();
    await expect(team.getByTestId('sync-error')).toContainText('cannot be reached');
    // A failure outranks the conflict in the badge: nothing syncs until it is fixed.
    await expect(page.getByTestId('sync-indicator')).toHaveText('Sync failed');
    await shots(page, 'team-error');
    await twin.call('doc.create', { document: { id: 'offline', content: 'written while the server is down' } });
    await expect(team.getByTestId('sync-pending')).not.toHaveText('0');
  } finally {
    srv.start();
  }
});
