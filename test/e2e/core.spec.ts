/**
 * The core flow in real Chromium through the web twin: create a vault, add documents, edit one twice,
 * reload and find everything, lock, wrong then right passphrase, and a conflict from a second tab.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
});
test.afterAll(async () => {
  await twin?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

async function newDocument(page: Page, d: { id: string; title: string; type: string; tags: string; content: string }): Promise<void> {
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const editor = page.getByTestId('editor');
  await editor.getByLabel('Title').fill(d.title);
  await editor.locator('input[name="id"]').fill(d.id);
  await editor.locator('input[name="type"]').fill(d.type);
  await editor.locator('input[name="tags"]').fill(d.tags);
  await editor.getByLabel('Content').fill(d.content);
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByTestId('doc-info')).toContainText('Version 1');
}

test('create a vault, add documents, edit one twice', async ({ page }) => {
  await page.goto(twin.server.url);
  // The token leaves the address bar at once.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
  await page.locator('input[name="passphrase"]').fill('short');
  await expect(page.getByTestId('strength')).toContainText('Weak');
  await page.locator('input[name="passphrase"]').fill(PASS);
  await page.locator('input[name="passphrase-again"]').fill(PASS + 'x');
  await expect(page.getByText('The two passphrases differ.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create vault' })).toBeDisabled();
  await page.locator('input[name="passphrase-again"]').fill(PASS);
  await shot(page, '01-create');
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();

  await newDocument(page, { id: 'lease', title: 'Flat lease', type: 'contract', tags: 'home, legal', content: 'Lease signed 2024-01-01.' });
  await newDocument(page, { id: 'passport', title: 'Passport scan notes', type: 'id', tags: 'travel', content: 'Expires 2031.' });
  await newDocument(page, { id: 'tax-2025', title: 'Tax return 2025', type: 'tax', tags: 'money', content: 'Filed.' });
  await expect(page.getByTestId('count')).toContainText('3 documents');

  // Edit "lease" twice (Ctrl+S for the second save).
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
  const editor = page.getByTestId('editor');
  await editor.getByLabel('Content').fill('Lease signed 2024-01-01. Deposit 1200.');
  await expect(editor.getByTestId('dirty')).toBeVisible();
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByTestId('doc-info')).toContainText('Version 2');
  await editor.getByLabel('Title').fill('Flat lease (renewed)');
  await page.keyboard.press('Control+s');
  await expect(editor.getByTestId('doc-info')).toContainText('Version 3');
  await shot(page, '02-edited');
});

test('reload and find everything', async ({ page }) => {
  // A new tab gets the token from the URL again; the vault is still unlocked on the server.
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText('3 documents');
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease (renewed)' }).click();
  await expect(page.getByTestId('editor').getByLabel('Content')).toHaveValue('Lease signed 2024-01-01. Deposit 1200.');
  await page.reload();
  await expect(page.getByTestId('count')).toContainText('3 documents');
  // Filter by type and by tag.
  await page.getByLabel('Filter by type').selectOption('tax');
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await page.getByLabel('Filter by type').selectOption('');
  await page.getByLabel('Filter by tag').fill('travel');
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await expect(page.getByTestId('doc-row')).toContainText('Passport');
  await page.getByLabel('Filter by tag').fill('');
  // History shows the three versions of the lease.
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history-dialog').getByTestId('timeline').locator('li')).toHaveCount(3);
  await shot(page, '03-history');
  await page.keyboard.press('Escape');
});

test('lock, wrong passphrase, right passphrase', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Unlock your vault' })).toBeVisible();
  expect((await twin.call('vault.status', {})).state).toBe('locked');
  await page.locator('input[name="passphrase"]').fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Wrong passphrase');
  await expect(alert).toHaveAttribute('data-kind', 'WrongKey');
  await shot(page, '04-wrong-key');
  await page.locator('input[name="passphrase"]').fill(PASS);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByTestId('count')).toContainText('3 documents');
});

test('a conflict from a second tab opens a dialog with both versions', async ({ page, context }) => {
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Tax return 2025' }).click();
  const mine = page.getByTestId('editor');
  await expect(mine.getByTestId('doc-info')).toContainText('Version 1');
  await mine.getByLabel('Content').fill('Filed. Refund expected in May.');

  const other = await context.newPage();
  await other.goto(twin.server.url);
  await other.getByTestId('doc-row').filter({ hasText: 'Tax return 2025' }).click();
  await other.getByTestId('editor').getByLabel('Content').fill('Filed. Amended on 3 March.');
  await other.getByTestId('editor').getByRole('button', { name: 'Save' }).click();
  await expect(other.getByTestId('editor').getByTestId('doc-info')).toContainText('Version 2');

  await expect(mine.getByText('This document was changed elsewhere')).toBeVisible();
  await mine.getByRole('button', { name: 'Save' }).click();
  const dialog = page.getByTestId('conflict-dialog');
  await expect(dialog).toBeVisible();
  // The saved version (left) compared with yours (right); the lines differ too much for word marks.
  const cmp = dialog.getByTestId('conflict-comparison');
  await expect(cmp).toHaveAttribute('data-status', 'done');
  await expect(cmp.locator('.diff-cell.removed .diff-text')).toHaveText('removed line 1: Filed. Amended on 3 March.');
  await expect(cmp.locator('.diff-cell.added .diff-text')).toHaveText('added line 1: Filed. Refund expected in May.');
  await shot(page, '05-conflict');
  // Nothing was overwritten.
  expect((await twin.call('doc.get', { id: 'tax-2025' })).content).toBe('Filed. Amended on 3 March.');
  await dialog.getByRole('button', { name: /Save mine as version 3/ }).click();
  await expect(mine.getByTestId('doc-info')).toContainText('Version 3');
  expect((await twin.call('doc.get', { id: 'tax-2025' })).content).toBe('Filed. Refund expected in May.');
  await other.close();
});

test('unsaved changes are guarded', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
  const editor = page.getByTestId('editor');
  await editor.getByLabel('Content').fill('A change I have not saved');
  await page.getByTestId('doc-row').filter({ hasText: 'Passport' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Discard unsaved changes?');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(editor.getByLabel('Content')).toHaveValue('A change I have not saved');
  await page.getByTestId('doc-row').filter({ hasText: 'Passport' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Discard changes' }).click();
  await expect(editor.locator('input[name="id"]')).toHaveValue('passport');
  expect((await twin.call('doc.get', { id: 'lease' })).content).toBe('Lease signed 2024-01-01. Deposit 1200.');
});

test('find by id with Ctrl+F, and a readable NotFound', async ({ page }) => {
  await page.goto(twin.server.url);
  await expect(page.getByTestId('count')).toContainText('3 documents');
  await page.keyboard.press('Control+f');
  const find = page.getByLabel('Find by id');
  await expect(find).toBeFocused();
  await find.fill('no-such-doc');
  await find.press('Enter');
  await expect(page.getByRole('alert')).toHaveAttribute('data-kind', 'NotFound');
  await find.fill('tax-2025');
  await find.press('Enter');
  await expect(page.getByTestId('editor').locator('input[name="id"]')).toHaveValue('tax-2025');
});

test('verify reports every version intact, with progress shown while it takes over a second', async ({ page }) => {
  await page.goto(twin.server.url);
  // Hold the request back in the browser until the progress indicator is on screen (it appears once the
  // call has taken 1 s), then let it through: no fixed delay to race against the threshold.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/vault.verify', async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('progress')).toContainText('Verifying every version');
  release();
  await expect(page.getByTestId('progress')).toHaveCount(0);
  const dialog = page.getByTestId('verify-dialog');
  await expect(dialog).toContainText('match their signatures');
  await expect(dialog).toContainText('of 3 documents');
  await page.keyboard.press('Escape');
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });
  test('follows the OS', async ({ page }) => {
    await page.goto(twin.server.url);
    await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
    await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(23, 25, 29)');
    await shot(page, '06-dark');
  });
});

test('delete moves to the Trash, Undo brings it back; the Trash restores and deletes forever', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Passport' }).click();
  const editor = page.getByTestId('editor');
  // No confirmation: nothing is lost, and Undo is right there.
  await editor.getByRole('button', { name: 'Delete' }).click();
  const undo = page.getByTestId('undo-notice');
  await expect(undo).toContainText('moved to the Trash');
  await expect(page.getByTestId('count')).toContainText('2 documents');
  expect(await twin.call('doc.count', {})).toBe(2);
  await shot(page, '07-undo');
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('count')).toContainText('3 documents');
  await expect(editor.locator('input[name="id"]')).toHaveValue('passport');
  expect((await twin.call('doc.get', { id: 'passport' })).content).toBe('Expires 2031.');

  // Delete again, then restore from the Trash view.
  await editor.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('count')).toContainText('2 documents');
  await page.getByRole('button', { name: 'Trash' }).click();
  const trash = page.getByTestId('trash');
  const row = trash.getByTestId('trash-row').filter({ hasText: 'Passport scan notes' });
  await expect(row).toContainText('deleted');
  await expect(trash.getByTestId('trash-count')).toHaveText('1 document');
  await shot(page, '08-trash');
  await row.getByRole('button', { name: 'Restore' }).click();
  await expect(editor.locator('input[name="id"]')).toHaveValue('passport');
  await expect(page.getByTestId('count')).toContainText('3 documents');

  // Delete forever asks, says it cannot be undone, and then the document is gone for good.
  await editor.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Trash' }).click();
  await trash.getByTestId('trash-row').filter({ hasText: 'Passport scan notes' }).getByRole('button', { name: 'Delete forever' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('cannot be undone');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(trash.getByTestId('trash-row')).toHaveCount(1);
  await trash.getByTestId('trash-row').getByRole('button', { name: 'Delete forever' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete forever' }).click();
  await expect(trash).toContainText('The Trash is empty.');
  expect((await twin.call('doc.trash', {})).total).toBe(0);
  await expect(twin.call('doc.get', { id: 'passport' })).rejects.toThrow(/NotFound/);
});
