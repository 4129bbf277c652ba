/** 10k documents (seeded through the API in one bulk call) scroll smoothly and open. */
import { expect, test } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const N = 10_000;
let twin: Twin;

test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  const documents = Array.from({ length: N }, (_, i) => ({
    id: `doc-${String(i).padStart(5, '0')}`,
    title: `Document ${String(i).padStart(5, '0')}`,
    type: i % 3 === 0 ? 'invoice' : 'note',
    tags: i % 2 === 0 ? ['even'] : ['odd'],
    content: `Body of document ${i}`,
  }));
  const r = await twin.call('doc.bulkPut', { documents });
  expect(r.committed).toBe(true);
});
test.afterAll(async () => {
  await twin?.stop();
});

test(`a list of ${N.toLocaleString('en')} documents scrolls and opens one`, async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText('10,000 documents');
  // Only the visible rows are in the DOM.
  expect(await page.getByTestId('doc-row').count()).toBeLessThan(100);
  await page.getByLabel('Sort by').selectOption('title');
  await expect(page.getByTestId('doc-row').first()).toContainText('Document 00000');

  // Scroll far down in steps; pages load as the view reaches them.
  const list = page.getByTestId('doc-list');
  const started = Date.now();
  for (const fraction of [0.1, 0.3, 0.6, 0.95]) {
    await list.evaluate((el, f) => {
      el.scrollTop = el.scrollHeight * f;
    }, fraction);
    await expect(page.getByTestId('doc-row-loading')).toHaveCount(0);
  }
  const elapsed = Date.now() - started;
  test.info().annotations.push({ type: 'scroll-ms', description: String(elapsed) });
  const row = page.getByTestId('doc-row').filter({ hasText: 'Document 095' }).first();
  await expect(row).toBeVisible();
  const id = await row.getAttribute('data-id');
  await row.click();
  await expect(page.getByTestId('editor').locator('input[name="id"]')).toHaveValue(id ?? '');
  await expect(page.getByTestId('editor').getByLabel('Content')).toHaveValue(`Body of document ${Number(id?.slice(4))}`);
  await page.screenshot({ path: test.info().outputPath('10k-list.png') });

  // Filters combine with the count.
  await page.getByLabel('Filter by type').selectOption('invoice');
  await expect(page.getByTestId('count')).toContainText('3,334 matching documents');
});
