/**
 * Full-text search in real Chromium through the web twin: results as you type with the match marked,
 * keyboard navigation, a malformed query explained, and the hit opened scrolled to the marked word.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  const filler = Array.from({ length: 120 }, (_, i) => `Line ${i} of routine notes about the flat.`).join('\n');
  const r = await twin.call('doc.bulkPut', {
    documents: [
      { id: 'allergy', title: 'Allergies', content: `${filler}\nThe doctor noted a rash after penicillin in 2019.\n${filler}`, tags: ['health'] },
      { id: 'record', title: 'Clinic visits', content: 'Copy of the medical record. Penicillin is mentioned once.', tags: ['health'] },
      { id: 'lease', title: 'Flat lease', content: 'Signed in 2024. Deposit paid.' },
    ],
  });
  expect(r.committed).toBe(true);
});
test.afterAll(async () => {
  await twin?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test('search a word, move with the keyboard, open the hit scrolled to the marked word', async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText('3 documents');
  const box = page.getByLabel('Search text');
  await box.fill('penic');
  await expect(page.getByTestId('search-results')).toContainText('No document contains that.');
  await box.fill('penic*');
  const hits = page.getByRole('option');
  await expect(hits).toHaveCount(2);
  await expect(hits.first().locator('mark').first()).toHaveText(/penicillin/i);
  await expect(hits.first()).toHaveAttribute('aria-selected', 'true');
  await shot(page, 'search-results');
  await box.press('ArrowDown');
  await expect(hits.nth(1)).toHaveAttribute('aria-selected', 'true');
  const target = await hits.nth(1).locator('.hit-title').innerText();
  await box.press('Enter');
  const editor = page.getByTestId('editor');
  await expect(editor.getByLabel('Title')).toHaveValue(target);
  await expect(editor.getByTestId('match-count')).toContainText('1 match');
  await expect(editor.getByTestId('marks').locator('mark')).toHaveText(/penicillin/i);
  if (target === 'Allergies') {
    // The match is line 121 of 241: the textarea scrolled to it.
    expect(await editor.getByLabel('Content').evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
  }
  await shot(page, 'search-opened');
  await box.press('Escape');
  await expect(box).toHaveValue('');
  await expect(page.getByTestId('count')).toBeVisible();
});

test('open the long document from a phrase; a malformed query is explained, not thrown', async ({ page }) => {
  await page.goto(twin.server.url);
  const box = page.getByLabel('Search text');
  await box.fill('"rash after');
  await expect(page.getByTestId('search-results')).toContainText('quotation mark is not closed');
  await box.fill('"rash after"');
  await expect(page.getByRole('option')).toHaveCount(1);
  await page.getByRole('option').first().click();
  const editor = page.getByTestId('editor');
  await expect(editor.getByLabel('Title')).toHaveValue('Allergies');
  await expect(editor.getByTestId('marks').locator('mark')).toHaveText(['rash', 'after']);
  expect(await editor.getByLabel('Content').evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
  await shot(page, 'search-phrase');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 700, height: 700 });
  await box.fill('nothingmatchesthis');
  await expect(page.getByTestId('search-results')).toContainText('No document contains that.');
  await box.fill('"rash after"');
  await expect(page.getByRole('option')).toHaveCount(1);
  await shot(page, 'search-dark-narrow');
});
