/**
 * The search ranking window in real Chromium through the web twin, with a window of 3 (the twin's
 * test-only `searchRankWindow`; the app's is 10,000): the quiet line under the results says how they were
 * ranked, and "Rank all matches" reruns the query ranking every match. Screenshots light, dark and narrow.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin({ backend: { searchRankWindow: 3 } });
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  // The oldest document is the best match (the word in its title, three times): outside the newest 3.
  await twin.call('doc.create', { document: { id: 'oldest', title: 'Invoice invoice invoice', content: 'The first invoice of the year, paid in January.' } });
  for (let i = 1; i <= 7; i++)
    await twin.call('doc.create', { document: { id: `n${i}`, title: `Note ${i}`, content: `Meeting notes ${i}: the invoice was discussed ${'at length and '.repeat(i)}then filed.` } });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('more matches than the window: the line says so, and "Rank all matches" reruns ranking every match', async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText('8 documents');
  const box = page.getByLabel('Search text');
  await box.fill('invoice');
  const hits = page.getByRole('option');
  await expect(hits).toHaveCount(8);
  const results = page.getByTestId('search-results');
  const line = results.locator('.search-ranking');
  await expect(line).toHaveText('Best matches among the 3 newest of 8 matches · Rank all matches');
  // Ranked within the newest three first: the best match of all, the oldest, is not on top.
  await expect(hits.first().locator('.hit-title')).not.toHaveText('Invoice invoice invoice');
  await expect(hits.last().locator('.hit-title')).not.toHaveText('Invoice invoice invoice');
  await shot(page, 'search-window-light');
  await line.getByRole('button', { name: 'Rank all matches' }).click();
  await expect(line).toHaveText('Every match ranked by relevance');
  await expect(hits.first().locator('.hit-title')).toHaveText('Invoice invoice invoice');
  await expect(hits).toHaveCount(8);
  await shot(page, 'search-window-ranked-all');
  // Typing again goes back to the window.
  await box.fill('invoice OR notes');
  await expect(line).toContainText('Rank all matches');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'search-window-dark');
  await page.setViewportSize({ width: 700, height: 700 });
  await shot(page, 'search-window-narrow');
  // A query with no more matches than the window: exact ranking, no line.
  await box.fill('"first invoice"');
  await expect(hits).toHaveCount(1);
  await expect(line).toHaveCount(0);
});
