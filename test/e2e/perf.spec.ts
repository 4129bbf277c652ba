/**
 * The Performance view, settings with vault facts, auto-lock, and a wrong passphrase sent from a second tab
 * while the first is unlocked — in real Chromium through the web twin.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
  await twin.call('doc.bulkPut', { documents: Array.from({ length: 200 }, (_, i) => ({ id: `doc-${i}`, title: `Document ${i}`, type: 'note', tags: ['a'], content: `content ${i} `.repeat(20) })) });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function open(page: Page): Promise<void> {
  await page.goto(twin.server.url);
  const status = await twin.call('vault.status', {});
  if (status.state !== 'unlocked') {
    await page.locator('input[name="passphrase"]').fill(PASS);
    await page.getByRole('button', { name: 'Unlock' }).click();
  }
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
}

test('the Performance view shows rates, hit rate, percentiles and a chart that moves while work happens', async ({ page }) => {
  // uPlot must work under the page's CSP (style-src 'self', no inline styles): no violation may be reported.
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await open(page);
  await page.getByRole('button', { name: 'Performance' }).click();
  const view = page.getByRole('region', { name: 'Performance' });
  await expect(view.getByTestId('chart').first()).toBeVisible();
  // Work from outside the window (another client), so the figures must come from pushed samples.
  let stop = false;
  const work = (async () => {
    let i = 0;
    while (!stop) {
      await twin.call('doc.get', { id: `doc-${i++ % 200}` });
      if (i % 25 === 0) await twin.call('doc.put', { document: { id: `w-${i}`, content: 'written while watching' } });
    }
  })();
  try {
    await expect(view.getByTestId('op-doc.get')).toBeVisible({ timeout: 15_000 });
    await expect(view.getByTestId('hit-rate')).toContainText('%');
    const row = view.getByTestId('op-doc.get');
    await expect(row.locator('td').nth(0)).not.toHaveText('0');
    await expect(row.locator('td').nth(3)).toContainText(/s$/); // p99 in µs or ms
    const points = async (): Promise<number> => Number(await view.getByTestId('chart').first().getAttribute('data-points'));
    const before = await points();
    await expect.poll(points, { timeout: 10_000 }).toBeGreaterThan(before + 1);
    await expect(view.locator('canvas').first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('performance.png'), fullPage: true });
    expect(violations).toEqual([]);
  } finally {
    stop = true;
    await work;
  }
});

test('settings show the vault facts and keep their values', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const facts = page.getByTestId('vault-facts');
  await expect(facts).toContainText(twin.vaultPath);
  await expect(facts).toContainText('sqlcipher4');
  await expect(facts).toContainText('Argon2id');
  // The same counts the vault reports (200 seeded, plus those the other tests wrote).
  const stats = await twin.call('vault.stats', {});
  expect(stats.documents).toBeGreaterThanOrEqual(200);
  await expect(facts).toContainText(`Documents${stats.documents.toLocaleString('en-US')} · ${stats.versions.toLocaleString('en-US')} versions`);
  // Attachments: "none", or "N file(s) · X stored · Y as the versions list them" (other tests may attach).
  await expect(page.getByTestId('facts-attachments')).toHaveText(/^(none|[\d,]+ files? · [\d.]+ [KMG]?i?B stored · [\d.]+ [KMG]?i?B as the versions list them)$/);
  await page.locator('select[name="memoryMode"]').selectOption('baseline');
  await expect(page.getByText('About 2 GB machines')).toBeVisible();
  await page.getByLabel('Show live counts in the top bar').uncheck();
  await expect(page.getByTestId('stats')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.locator('select[name="memoryMode"]')).toHaveValue('baseline');
  await page.getByLabel('Show live counts in the top bar').check();
  await expect(page.getByTestId('stats')).toBeVisible();
});

test('a wrong passphrase from a second tab leaves the first unlocked', async ({ page, context }) => {
  await open(page);
  const other = await context.newPage();
  await other.goto(twin.server.url);
  // The second tab sees an unlocked vault too; send a wrong passphrase as another client would.
  await expect(other.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  const r = await other.evaluate(async ({ token }) => {
    const res = await fetch('/api/vault.unlock', { method: 'POST', headers: { 'content-type': 'application/json', 'x-docvault-token': token }, body: JSON.stringify({ passphrase: 'wrong' }) });
    return (await res.json()) as { ok: boolean; error?: { kind: string } };
  }, { token: twin.server.token });
  expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'WrongKey' }) as unknown });
  await page.getByTestId('doc-row').first().click();
  await expect(page.getByTestId('editor')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Lock', exact: true })).toBeVisible();
  expect((await twin.call('vault.status', {})).state).toBe('unlocked');
  await other.close();
});

test('the vault locks itself after the idle time', async ({ page }) => {
  await open(page);
  await twin.call('settings.set', { autoLockMinutes: 0.05 }); // 3 s
  await expect(page.getByRole('heading', { name: 'Unlock your vault' })).toBeVisible({ timeout: 20_000 });
  await twin.call('settings.set', { autoLockMinutes: 10 });
});
