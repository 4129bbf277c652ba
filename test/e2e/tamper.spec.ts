/**
 * What a user sees of tampering and of hostile text, in real Chromium through the web twin (issue 9):
 * rows altered by a second connection holding the page key get the list's "altered?" badge and open to an
 * "Integrity check failed" message; an altered older version is flagged in the history. Titles, types and
 * tags holding bidirectional controls (U+202E) are isolated wherever they are shown and the controls written
 * out (`\u202e`, marked), so they can reorder neither the text around them nor their own.
 */
import { expect, test, type Page } from '@playwright/test';
import { deriveRawKeyHex } from '../../src/app/store';
import { withRawConnection } from '../helpers/raw-db';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';
let twin: Twin;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
  await twin.call('doc.create', { document: { id: 'renamed', title: 'Quarterly report', content: 'numbers' } });
  await twin.call('doc.create', { document: { id: 'forged', title: 'Payment order', content: 'pay 100' } });
  await twin.call('doc.update', { id: 'forged', patch: { content: 'pay 200' }, expectedVersion: 1 });
  await twin.call('doc.create', { document: { id: 'older', title: 'Lease', content: 'rent 900' } });
  await twin.call('doc.update', { id: 'older', patch: { content: 'rent 950' }, expectedVersion: 1 });
  await twin.call('doc.create', { document: { id: 'fine', title: 'Untouched note', content: 'fine' } });
});
test.afterAll(async () => {
  await twin?.stop();
});

/** Alters rows the way a second connection with the page key (but not the tag key) can. */
async function alterRows(): Promise<void> {
  const key = await deriveRawKeyHex(twin.vaultPath, PASS);
  withRawConnection(twin.vaultPath, key, (db) => {
    const vid = (id: string, v: number): number => (db.prepare('SELECT doc FROM documents WHERE id = ?').pluck().get(id) as number) * 2 ** 24 + v;
    db.prepare("UPDATE documents SET title = 'Forged title' WHERE id = 'renamed'").run();
    db.prepare("UPDATE versions SET content = 'pay 9999' WHERE vid = ?").run(vid('forged', 2));
    db.prepare("UPDATE versions SET title = 'Backdated' WHERE vid = ?").run(vid('older', 1));
  });
  // The twin notices an outside commit at its next look; poll the API, never a fixed wait.
  await expect
    .poll(async () => twin.call('doc.get', { id: 'forged' }).then(() => 'served', (err: Error) => err.message), { timeout: 30_000 })
    .toMatch(/^doc\.get: Integrity/);
}

test('altered rows: the list badge, the message on opening, the flag in the history', async ({ page }) => {
  await alterRows();
  await page.setViewportSize({ width: 1200, height: 800 });
  await page.goto(twin.server.url);
  const rows = page.getByTestId('doc-row');
  await expect(rows).toHaveCount(4);
  // The head row's fields are shown as stored (untrusted), with the badge; rows whose head verifies have none.
  const forgedRow = rows.filter({ hasText: 'Forged title' });
  await expect(forgedRow.locator('.pill.integrity')).toHaveText('altered?');
  await expect(page.locator('.pill.integrity')).toHaveCount(1);

  // Opening it: the kind's title and what it means, never the altered content.
  await forgedRow.click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-kind', 'Integrity');
  await expect(alert).toContainText('Integrity check failed');
  await expect(alert).toContainText('it may have been altered outside docvault. Nothing was changed.');
  await shot(page, 'tamper-head-opened');

  // A document whose current content was altered: the same message; its content is not shown.
  await rows.filter({ hasText: 'Payment order' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-kind', 'Integrity');
  await expect(page.getByText('pay 9999')).toHaveCount(0);

  // An altered older version: the document opens; its history flags that version and refuses to restore it.
  await rows.filter({ hasText: 'Lease' }).click();
  const editor = page.getByTestId('editor');
  await expect(editor.getByLabel('Content')).toHaveValue('rent 950');
  await editor.getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  const v1 = history.getByTestId('timeline').locator('li', { hasText: 'Version 1' });
  await expect(v1).toContainText('⚠ failed check');
  await v1.getByRole('button').click();
  await expect(history).toContainText('Version 1 cannot be restored: it failed its integrity check.');
  await expect(history.getByRole('button', { name: 'Restore version 1…' })).toBeDisabled();
  await shot(page, 'tamper-history');
  await page.keyboard.press('Escape');
});

const RLO = '\u202E';
const TITLE = `invoice${RLO}fdp.exe`;
/** How the window shows TITLE: the override written out (and marked), so it cannot reverse `fdp.exe`. */
const SHOWN = 'invoice\\u202efdp.exe';
/** `text` as the window shows it: each U+202E written out. */
const shown = (text: string): string => text.replaceAll(RLO, '\\u202e');

let bidiSeeded = false;
/** The documents the bidi cases look at, made once per run of this file (whichever case runs first). */
async function seedBidi(): Promise<void> {
  if (bidiSeeded) return;
  bidiSeeded = true;
  await twin.call('doc.create', { document: { id: 'bidi', title: TITLE, type: `no${RLO}te`, tags: [`a${RLO}b`, 'plain'], content: 'bidi invoice' } });
  await twin.call('doc.update', { id: 'bidi', patch: { content: 'bidi invoice, v2' }, expectedVersion: 1, comment: `checked${RLO} by Ada` });
  await twin.call('doc.create', { document: { id: 'bidi-trashed', title: `trashed${RLO}txt.exe`, content: 'gone' } });
  await twin.call('doc.delete', { id: 'bidi-trashed' });
}

/** The `unicode-bidi` Chromium computed for each element `selector` matches on the page. */
async function bidiOf(page: Page, selector: string): Promise<string[]> {
  // Runs in the page; the test's tsconfig has no DOM lib, so the page's global is typed here by hand.
  return page.locator(selector).evaluateAll((els) => {
    const win = globalThis as unknown as { getComputedStyle(e: unknown): { unicodeBidi: string } };
    return els.map((e) => win.getComputedStyle(e).unicodeBidi);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`bidirectional controls in user text (${scheme})`, () => {
    test.use({ colorScheme: scheme });

    test('are isolated in list rows, editor fields, history, search hits and the Trash', async ({ page }) => {
      await seedBidi();
      for (const width of [1200, 700]) {
        await page.setViewportSize({ width, height: 800 });
        await page.goto(twin.server.url);
        const row = page.getByTestId('doc-row').filter({ hasText: 'invoice' });
        await expect(row.locator('.row-title bdi')).toHaveText(SHOWN);
        await expect(row.locator('.row-title .escaped-char')).toHaveText('\\u202e');
        expect(await bidiOf(page, '[data-testid="doc-row"] bdi')).not.toHaveLength(0);
        for (const v of await bidiOf(page, '[data-testid="doc-row"] bdi')) expect(v).toBe('isolate');
        await expect(row.locator('.tag bdi')).toHaveText([shown(`a${RLO}b`), 'plain']);
        await expect(row.locator('.pill bdi')).toHaveText(shown(`no${RLO}te`));
        await shot(page, `bidi-list-${scheme}-${width}`);
      }

      await page.getByTestId('doc-row').filter({ hasText: 'invoice' }).click();
      const editor = page.getByTestId('editor');
      await expect(editor.getByLabel('Title')).toHaveValue(TITLE);
      for (const v of await bidiOf(page, '[data-testid="editor"] input, [data-testid="editor"] textarea')) expect(v).toBe('plaintext');

      await editor.getByRole('button', { name: 'History' }).click();
      const history = page.getByTestId('history-dialog');
      // The dialog's title holds the document's title between FSI and PDI (the text form of <bdi>).
      await expect(history.getByRole('heading').first()).toContainText(`“\u2068${SHOWN}\u2069”`);
      await expect(history.locator('.comment bdi')).toHaveText(shown(`checked${RLO} by Ada`));
      await history.getByTestId('timeline').locator('li', { hasText: 'Version 2' }).getByRole('button').click();
      await expect(history.locator('.version-view h3 bdi')).toHaveText(SHOWN);
      for (const v of await bidiOf(page, '[data-testid="history-dialog"] bdi')) expect(v).toBe('isolate');
      await shot(page, `bidi-history-${scheme}`);
      await page.keyboard.press('Escape');

      await page.getByLabel('Search text').fill('invoice');
      await expect(page.locator('.hit-title bdi')).toHaveText(SHOWN);
      for (const v of await bidiOf(page, '.hit-title bdi')) expect(v).toBe('isolate');
      await shot(page, `bidi-search-${scheme}`);
      await page.getByLabel('Search text').fill('');

      await page.getByRole('button', { name: 'Trash' }).click();
      const trashRow = page.getByTestId('trash-row');
      await expect(trashRow.locator('.row-title bdi')).toHaveText(shown(`trashed${RLO}txt.exe`));
      for (const v of await bidiOf(page, '[data-testid="trash-row"] bdi')) expect(v).toBe('isolate');
      await shot(page, `bidi-trash-${scheme}`);
    });
  });
}
