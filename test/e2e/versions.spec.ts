/**
 * Versions in real Chromium through the web twin: edit three times, read version 1, compare it with
 * version 3 (changed words marked), restore it from its preview as version 4; a version that fails its
 * integrity check cannot be restored; an edit conflict shows the two versions compared; two 1 MB
 * versions compare in the worker (progress, cancel) with only the visible rows in the DOM.
 */
import { expect, test, type Page } from '@playwright/test';
import { deriveRawKeyHex } from '../../src/app/store';
import { withRawConnection } from '../helpers/tamper';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';
const CLAUSES = Array.from({ length: 14 }, (_, i) => `Clause ${i + 1}: the tenant keeps the flat in good order, as clause ${i + 1} says.`);
const V1 = ['Lease of the flat at 12 Elm Street.', 'Rent: 900 EUR per month, paid on the first.', 'Deposit: two months of rent.', ...CLAUSES, 'Signed by Ada and Grace.'].join('\n') + '\n';
const V2 = V1.replace('900 EUR', '950 EUR');
const V3 = V2.replace('two months', 'three months').replace('Signed by Ada and Grace.', 'Signed by Ada, Grace and the agent.');

let twin: Twin;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function open(page: Page, title: string): Promise<void> {
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: title }).click();
}

async function saveContent(page: Page, content: string, version: number, title?: string): Promise<void> {
  const editor = page.getByTestId('editor');
  if (title !== undefined) await editor.getByLabel('Title').fill(title);
  await editor.getByLabel('Content').fill(content);
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByTestId('doc-info')).toContainText(`Version ${version}`);
}

test('edit three times, read v1, compare v1 with v3, restore v1 as v4', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const editor = page.getByTestId('editor');
  await editor.locator('input[name="id"]').fill('lease');
  await editor.locator('input[name="tags"]').fill('home');
  await saveContent(page, V1, 1, 'Flat lease');
  await saveContent(page, V2, 2);
  await editor.locator('input[name="tags"]').fill('home, legal');
  await saveContent(page, V3, 3, 'Flat lease (renewed)');

  await editor.getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  const timeline = history.getByTestId('timeline');
  await expect(timeline.locator('li')).toHaveCount(3);
  await expect(timeline.locator('li').first()).toContainText('Version 3');

  // Version 1, read-only.
  await timeline.getByRole('button', { name: /Version 1/ }).click();
  const view = history.getByTestId('version-view');
  await expect(view.getByRole('heading', { name: 'Flat lease' })).toBeVisible();
  await expect(history.getByTestId('version-content')).toContainText('Rent: 900 EUR per month');
  await expect(history.getByTestId('version-content')).toContainText('Signed by Ada and Grace.');
  await expect(timeline.locator('li').last()).toContainText('✓ verified');
  await shot(page, 'history-version');

  // Compare: version 1 against the current by default; changed words marked for eyes and screen readers.
  await history.getByRole('tab', { name: 'Compare' }).click();
  await expect(history.getByTestId('compare-left')).toHaveValue('1');
  await expect(history.getByTestId('compare-right')).toHaveValue('3');
  const cmp = history.getByTestId('comparison');
  await expect(cmp).toHaveAttribute('data-status', 'done');
  await expect(cmp.locator('del', { hasText: '900' })).toContainText('removed:');
  await expect(cmp.locator('ins', { hasText: '950' })).toContainText('added:');
  await expect(cmp.locator('del', { hasText: 'two' })).toBeVisible();
  await expect(cmp.locator('ins', { hasText: 'three' })).toBeVisible();
  await expect(cmp.getByTestId('field-changes')).toContainText('Flat lease (renewed)');
  await expect(cmp.getByTestId('field-changes')).toContainText('legal');
  await expect(cmp.getByTestId('diff-stats')).toContainText('+3 −3');
  // The unchanged clauses between the changes are collapsed; "show more" opens them.
  const more = cmp.getByRole('button', { name: /Show \d+ more unchanged lines/ });
  await expect(more).toHaveCount(1);
  await shot(page, 'compare-side-by-side');
  await more.click();
  await expect(cmp.getByText('Clause 7: the tenant')).toHaveCount(2); // both columns
  // Next / previous change, by button and by key.
  await expect(cmp.getByRole('status').filter({ hasText: /Change/ })).toHaveText('Change 1 of 2');
  await cmp.getByRole('button', { name: /Next/ }).click();
  await expect(cmp.getByRole('status').filter({ hasText: /Change/ })).toHaveText('Change 2 of 2');
  await cmp.getByRole('button', { name: /Previous/ }).click();
  await expect(cmp.getByRole('status').filter({ hasText: /Change/ })).toHaveText('Change 1 of 2');
  await cmp.getByRole('button', { name: 'Inline' }).click();
  await expect(cmp.locator('.diff-row.inline.removed', { hasText: '900' })).toBeVisible();
  await shot(page, 'compare-inline');
  await cmp.getByTestId('diff-lines').press('n');
  await expect(cmp.getByRole('status').filter({ hasText: /Change/ })).toHaveText('Change 2 of 2');
  await cmp.getByTestId('diff-lines').press('Shift+F7');
  await expect(cmp.getByRole('status').filter({ hasText: /Change/ })).toHaveText('Change 1 of 2');

  // Restore version 1: the preview compares the current version with it; a comment; then version 4.
  await history.getByRole('button', { name: 'Restore version 1…' }).click();
  const restore = page.getByTestId('restore-dialog');
  const preview = restore.getByTestId('restore-preview');
  await expect(preview).toHaveAttribute('data-status', 'done');
  await expect(preview.locator('del', { hasText: '950' })).toBeVisible();
  await expect(preview.locator('ins', { hasText: '900' })).toBeVisible();
  await restore.getByTestId('restore-comment').fill('the agent clause was a mistake');
  await shot(page, 'restore-preview');
  expect((await twin.call('doc.get', { id: 'lease' })).version).toBe(3); // nothing written before confirming
  await restore.getByRole('button', { name: 'Restore as version 4' }).click();
  await expect(editor.getByTestId('doc-info')).toContainText('Version 4');
  await expect(page.getByRole('status').filter({ hasText: 'Restored version 1 as version 4' })).toBeVisible();
  await expect(editor.getByLabel('Content')).toHaveValue(V1);
  await expect(editor.getByLabel('Title')).toHaveValue('Flat lease');

  await editor.getByRole('button', { name: 'History' }).click();
  const newest = page.getByTestId('timeline').locator('li').first();
  await expect(newest).toContainText('Version 4');
  await expect(newest).toContainText('restored from version 1: the agent clause was a mistake');
  // Version 4 is a copy of version 1: comparing them says so.
  await page.getByTestId('timeline').getByRole('button', { name: /Version 1/ }).click();
  await page.getByTestId('history-dialog').getByRole('tab', { name: 'Compare' }).click();
  await page.getByTestId('compare-left').selectOption('1');
  await page.getByTestId('compare-right').selectOption('4');
  await expect(page.getByTestId('comparison')).toContainText('The two versions are identical.');
  await page.keyboard.press('Escape');
});

test('a version that fails its integrity check is shown with the reason and cannot be restored', async ({ page }) => {
  const key = await deriveRawKeyHex(twin.vaultPath, PASS);
  withRawConnection(twin.vaultPath, key, (db) =>
    db.prepare("UPDATE versions SET comment = 'forged' WHERE version = 2 AND vid >> 24 = (SELECT doc FROM documents WHERE id = 'lease')").run(),
  );
  await open(page, 'Flat lease');
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  const bad = history.getByTestId('timeline').locator('li', { hasText: 'Version 2' });
  await expect(bad).toContainText('failed check');
  await expect(bad).toContainText('version tag mismatch');
  await bad.getByRole('button').click();
  await expect(history.getByRole('alert')).toHaveAttribute('data-kind', 'Integrity');
  await expect(history.getByRole('button', { name: 'Restore version 2…' })).toBeDisabled();
  await expect(history).toContainText('Version 2 cannot be restored: it failed its integrity check.');
  await shot(page, 'history-integrity');
  await page.keyboard.press('Escape');
  expect((await twin.call('doc.get', { id: 'lease' })).version).toBe(4);
});

test('an edit conflict shows the two versions compared', async ({ page, context }) => {
  await twin.call('doc.create', { document: { id: 'tax', title: 'Tax return', content: 'Filed on 1 March.\nRefund: none, as far as we know today.\n' } });
  await open(page, 'Tax return');
  const mine = page.getByTestId('editor');
  await mine.getByLabel('Content').fill('Filed on 1 March.\nRefund: 120 EUR, as far as we know today.\n');

  const other = await context.newPage();
  await open(other, 'Tax return');
  await saveContent(other, 'Filed on 1 March, amended on 3 March.\nRefund: none, as far as we know today.\n', 2);

  await expect(mine.getByTestId('changed-elsewhere')).toBeVisible();
  await mine.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByTestId('conflict-dialog');
  const cmp = dialog.getByTestId('conflict-comparison');
  await expect(cmp).toHaveAttribute('data-status', 'done');
  // Left: the saved version 2; right: yours.
  await expect(cmp.locator('del', { hasText: 'amended on 3 March' })).toBeVisible();
  await expect(cmp.locator('del', { hasText: 'none' })).toBeVisible();
  await expect(cmp.locator('ins', { hasText: '120 EUR' })).toBeVisible();
  await shot(page, 'conflict-compare');
  expect((await twin.call('doc.get', { id: 'tax' })).content).toBe('Filed on 1 March, amended on 3 March.\nRefund: none, as far as we know today.\n');
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await other.close();
});

/** ~1 MB of numbered lines; every 100th line edited in `edited`. */
function megabyte(edited: boolean, seed = 0): string {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 1_000_000; i++) {
    const line = `Line ${i} of the ledger, entry ${(i * 7919 + seed) % 100003}: amount ${(i * 31 + seed) % 997} EUR, approved.`;
    lines.push(edited && i % 100 === 50 ? line.replace('approved', 'approved after review') : line);
    size += line.length + 1;
  }
  return lines.join('\n') + '\n';
}

test('two 1 MB versions compare in the worker, with only the visible rows in the DOM', async ({ page }) => {
  await twin.call('doc.create', { document: { id: 'ledger', title: 'Ledger', content: megabyte(false) } });
  await twin.call('doc.update', { id: 'ledger', patch: { content: megabyte(true) }, expectedVersion: 1 });
  await open(page, 'Ledger');
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  await history.getByTestId('timeline').getByRole('button', { name: /Version 1/ }).click();
  await history.getByRole('tab', { name: 'Compare' }).click();
  const cmp = history.getByTestId('comparison');
  await expect(cmp).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  const stats = await cmp.getByTestId('diff-stats').innerText();
  test.info().annotations.push({ type: '1 MB vs 1 MB (1% of lines edited), in the worker', description: stats });
  expect(stats).toMatch(/\+(\d+) −\1/);
  await expect(cmp.locator('ins', { hasText: 'after review' }).first()).toBeVisible();
  expect(await cmp.locator('.diff-item').count()).toBeLessThan(200);
  // The window answers while it works: switching the layout is immediate.
  await cmp.getByRole('button', { name: 'Inline' }).click();
  await expect(cmp.locator('.diff-row.inline').first()).toBeVisible();
  await page.keyboard.press('Escape');
});

test('a running comparison shows progress and can be cancelled and run again', async ({ page }) => {
  // Two unrelated 1 MB texts (the worst case: the anchored diff). The worker's script is held back
  // until Cancel is pressed, so the comparison is surely still running then, however fast the machine.
  await twin.call('doc.create', { document: { id: 'archive', title: 'Archive', content: megabyte(false, 1) } });
  await twin.call('doc.update', { id: 'archive', patch: { content: megabyte(false, 2) }, expectedVersion: 1 });
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  await page.route(
    '**/compare.worker-*.js',
    async (route) => {
      await held;
      // The cancelled worker's request may be gone by then; that is the point.
      await route.continue().catch(() => undefined);
    },
    { times: 1 },
  );
  await open(page, 'Archive');
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  await history.getByTestId('timeline').getByRole('button', { name: /Version 1/ }).click();
  await history.getByRole('tab', { name: 'Compare' }).click();
  const cmp = history.getByTestId('comparison');
  await expect(cmp).toHaveAttribute('data-status', 'running');
  await expect(cmp.getByRole('progressbar', { name: 'Comparison progress' })).toBeVisible();
  await shot(page, 'compare-running');
  await cmp.getByRole('button', { name: 'Cancel' }).click();
  await expect(cmp).toHaveAttribute('data-status', 'cancelled');
  await expect(cmp).toContainText('Comparison cancelled.');
  release();
  await cmp.getByRole('button', { name: 'Compare again' }).click();
  await expect(cmp).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(cmp).toContainText('little in common');
});

test('where no worker can start, the comparison is made on the page', async ({ page }) => {
  let blocked = 0;
  await page.route('**/compare.worker-*.js', (route) => {
    blocked++;
    return route.abort();
  });
  await open(page, 'Flat lease');
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  await history.getByTestId('timeline').getByRole('button', { name: /Version 3/ }).click();
  await history.getByRole('tab', { name: 'Compare' }).click();
  const cmp = history.getByTestId('comparison');
  await expect(cmp).toHaveAttribute('data-status', 'done');
  await expect(cmp.locator('ins', { hasText: '900' })).toBeVisible();
  expect(blocked).toBe(1); // the worker's script never arrived: the page made this comparison
});

test('a document with one version has nothing to compare or restore', async ({ page }) => {
  await twin.call('doc.create', { document: { id: 'note', title: 'Single', content: 'Only one version.\n' } });
  await open(page, 'Single');
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  await expect(history.getByTestId('timeline').locator('li')).toHaveCount(1);
  await expect(history.getByTestId('version-content')).toContainText('Only one version.');
  await expect(history.getByRole('tab', { name: 'Compare' })).toBeDisabled();
  await expect(history.getByRole('button', { name: /Restore/ })).toHaveCount(0);
  await shot(page, 'history-single');
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('comparison in dark mode', async ({ page }) => {
    await open(page, 'Flat lease');
    await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
    const history = page.getByTestId('history-dialog');
    await history.getByTestId('timeline').getByRole('button', { name: /Version 3/ }).click();
    await history.getByRole('tab', { name: 'Compare' }).click();
    await expect(history.getByTestId('comparison')).toHaveAttribute('data-status', 'done');
    await shot(page, 'compare-dark');
  });
});

test.describe('narrow window', () => {
  test.use({ viewport: { width: 700, height: 900 } });
  test('comparison at 700 px is inline and fits', async ({ page }) => {
    await open(page, 'Flat lease');
    await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
    const history = page.getByTestId('history-dialog');
    await history.getByTestId('timeline').getByRole('button', { name: /Version 3/ }).click();
    await history.getByRole('tab', { name: 'Compare' }).click();
    const cmp = history.getByTestId('comparison');
    await expect(cmp).toHaveAttribute('data-status', 'done');
    await expect(cmp.getByRole('button', { name: 'Inline' })).toHaveAttribute('aria-pressed', 'true');
    const box = await history.boundingBox();
    expect(box?.width ?? 0).toBeLessThanOrEqual(700);
    await shot(page, 'compare-narrow');
  });
});
