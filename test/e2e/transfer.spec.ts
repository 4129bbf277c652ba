/**
 * Import and export in the window, in real Chromium: a folder imported with its progress shown and its bad
 * files listed, then found in the list; Cancel part-way (committed batches stay); export to Markdown and JSON
 * and the files on disk.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTwin, type Twin } from './twin';

let work: string;
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'docvault-e2e-transfer-'));
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string | Buffer>): string {
  const root = join(work, name);
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), body);
  }
  return root;
}

async function startImport(page: Page, path: string): Promise<void> {
  // The shortcut opens the dialog (once the unlocked window is up); the path field has the focus.
  await expect(page.getByRole('button', { name: 'New', exact: true })).toBeVisible();
  await page.keyboard.press('Control+Shift+O');
  const form = page.getByTestId('transfer-form');
  await expect(form).toBeVisible();
  await expect(form.locator('input[name="transfer-path"]')).toBeFocused();
  await page.keyboard.type(path);
  await page.keyboard.press('Enter');
}

test.describe('import and export', () => {
  let twin: Twin;
  test.beforeAll(async () => {
    twin = await startTwin();
    await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  });
  test.afterAll(async () => twin?.stop());

  test('imports a folder: summary lists the bad files, the documents are listed; exports to Markdown and JSON', async ({ page }) => {
    const root = folder('notes', {
      'groceries.md': '---\ntitle: Groceries\ntags: [home]\n---\nmilk, eggs',
      'work/plan.txt': 'the plan',
      'latin1.md': Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      'one.md': '---\nid: same\n---\n1',
      'two.md': '---\nid: same\n---\n2',
    });
    symlinkSync(join(root, 'groceries.md'), join(root, 'link.md'));
    await page.goto(twin.server.url);
    await startImport(page, root);
    const summary = page.getByTestId('transfer-summary');
    await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Import finished with problems');
    await expect(summary.getByTestId('transfer-counts')).toContainText('2 documents (2 versions) imported from');
    const issues = summary.getByTestId('transfer-issues');
    await expect(issues.locator('tbody tr')).toHaveCount(4);
    await expect(issues).toContainText('latin1.md');
    await expect(issues).toContainText('not UTF-8 text');
    await expect(issues).toContainText('a symbolic link');
    await expect(issues).toContainText('duplicate id "same"');
    await page.screenshot({ path: test.info().outputPath('import-summary.png') });
    await page.keyboard.press('Escape');
    await expect(summary).toBeHidden();
    await expect(page.getByTestId('doc-row').filter({ hasText: 'Groceries' })).toBeVisible();
    await expect(page.getByTestId('doc-row').filter({ hasText: 'plan' })).toBeVisible();

    // Export everything, with every version, as Markdown, into a new folder inside `out`.
    await twin.call('doc.update', { id: 'groceries', patch: { content: 'milk, eggs, bread' }, expectedVersion: 1, comment: 'bread' });
    const out = join(work, 'out');
    mkdirSync(out);
    await page.keyboard.press('Control+Shift+E');
    const form = page.getByTestId('transfer-form');
    await form.getByLabel('Every version, not only the current one').check();
    await form.locator('input[name="transfer-path"]').fill(out);
    await form.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Export finished');
    await expect(summary.getByTestId('transfer-counts')).toContainText('2 documents (3 versions) exported to 3 files');
    await summary.getByRole('button', { name: 'Close' }).click();
    const [made] = readdirSync(out);
    expect(made).toMatch(/^docvault-export-/);
    expect(readdirSync(join(out, made ?? '')).sort()).toEqual(['Groceries.md', 'Groceries.v1.md', 'plan.md']);
    expect(readFileSync(join(out, made ?? '', 'Groceries.md'), 'utf8')).toContain('milk, eggs, bread');
    expect(readFileSync(join(out, made ?? '', 'Groceries.v1.md'), 'utf8')).toMatch(/"version": 1[\s\S]*milk, eggs$/);

    // The open document alone, as a JSON export.
    await page.getByTestId('doc-row').filter({ hasText: 'plan' }).click();
    await page.keyboard.press('Control+Shift+E');
    await form.getByLabel('The open document').check();
    await form.getByLabel('One docvault export file (JSON lines), to import elsewhere').check();
    await form.locator('input[name="transfer-path"]').fill(out);
    await form.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(summary.getByTestId('transfer-counts')).toContainText('1 document (1 version) exported to 1 file');
    await summary.getByRole('button', { name: 'Close' }).click();
    const jsonDir = readdirSync(out).filter((d) => d !== made)[0] ?? '';
    const lines = readFileSync(join(out, jsonDir, 'docvault-export.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ id: 'work/plan', versions: [{ content: 'the plan' }] });
  });

  test('a path that is not there is refused in the form, which stays open', async ({ page }) => {
    await page.goto(twin.server.url);
    await startImport(page, join(work, 'no-such-folder'));
    const form = page.getByTestId('transfer-form');
    await expect(form.getByRole('alert')).toContainText('Nothing at');
    await expect(form.locator('input[name="transfer-path"]')).toHaveValue(join(work, 'no-such-folder'));
  });
});

test.describe('progress and cancel', () => {
  let twin: Twin;
  test.beforeAll(async () => {
    // Held after each committed batch until cancelled: the test sees the job running without racing its end.
    twin = await startTwin({ backend: { holdTransfersForTests: true } });
    await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  });
  test.afterAll(async () => twin?.stop());

  test('shows progress with the current file; Cancel keeps the committed batch and says so', async ({ page }) => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`n${String(i).padStart(3, '0')}.md`] = `note ${i}`;
    const root = folder('many', files);
    await page.goto(twin.server.url);
    await startImport(page, root);
    const dialog = page.getByTestId('transfer-progress');
    await expect(dialog.getByTestId('transfer-progress-line')).toHaveText('Imported 250 of 600 documents');
    await expect(dialog.locator('progress')).toHaveAttribute('max', '600');
    await expect(dialog.locator('.transfer-current')).toHaveText('n249.md');
    // Escape does not walk away from a running job; Cancel has the focus.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.screenshot({ path: test.info().outputPath('import-progress.png') });
    await page.keyboard.press('Enter');
    const summary = page.getByTestId('transfer-summary');
    await expect(summary.getByRole('heading', { level: 2 })).toHaveText('Import cancelled');
    await expect(summary).toContainText('the 250 documents written before you cancelled stay in the vault');
    expect(await twin.call('doc.count', {})).toBe(250);
    await summary.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('doc-row').first()).toBeVisible();
  });
});
