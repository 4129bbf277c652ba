/**
 * 10k documents (seeded through the API in bulk calls) scroll smoothly and open.
 * `DOCVAULT_E2E_DOCS=100000 npx playwright test large-list` runs the same check with 100k.
 */
import { expect, test } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const N = Number(process.env.DOCVAULT_E2E_DOCS ?? 10_000);
const CHUNK = 10_000;
let twin: Twin;

test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  for (let start = 0; start < N; start += CHUNK) {
    const documents = Array.from({ length: Math.min(CHUNK, N - start) }, (_, k) => {
      const i = start + k;
      return {
        id: `doc-${String(i).padStart(6, '0')}`,
        title: `Document ${String(i).padStart(6, '0')}`,
        type: i % 3 === 0 ? 'invoice' : 'note',
        tags: i % 2 === 0 ? ['even'] : ['odd'],
        content: `Body of document ${i}`,
      };
    });
    const r = await twin.call('doc.bulkPut', { documents });
    expect(r.committed).toBe(true);
  }
});
test.afterAll(async () => {
  await twin?.stop();
});

test(`a list of ${N.toLocaleString('en')} documents scrolls and opens one`, async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText(`${N.toLocaleString('en')} documents`);
  // Only the visible rows are in the DOM.
  expect(await page.getByTestId('doc-row').count()).toBeLessThan(100);
  await page.getByLabel('Sort by').selectOption('title');
  await expect(page.getByTestId('doc-row').first()).toContainText('Document 000000');

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
  // Around 95% of the way down: "Document 0095…" for 10k, "Document 0950…" for 100k.
  const near = `Document ${String(Math.floor(N * 0.95)).padStart(6, '0').slice(0, 4)}`;
  const row = page.getByTestId('doc-row').filter({ hasText: near }).first();
  await expect(row).toBeVisible();
  const id = await row.getAttribute('data-id');
  await row.click();
  await expect(page.getByTestId('editor').locator('input[name="id"]')).toHaveValue(id ?? '');
  await expect(page.getByTestId('editor').getByLabel('Content')).toHaveValue(`Body of document ${Number(id?.slice(4))}`);
  process.stdout.write(`large-list: ${N} documents, scrolled to 95% in ${elapsed} ms\n`);
  await page.screenshot({ path: test.info().outputPath('10k-list.png') });

  // Filters combine with the count.
  await page.getByLabel('Filter by type').selectOption('invoice');
  await expect(page.getByTestId('count')).toContainText(`${Math.ceil(N / 3).toLocaleString('en')} matching documents`);
});
