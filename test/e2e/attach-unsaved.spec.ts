/**
 * Attaching (or removing a file) while the editor holds unsaved edits, in real Chromium: the edits are saved
 * first as their own version and the file goes on top, with no conflict dialog and nothing lost; typing
 * during the upload stays in the editor and saves without a conflict; and when the edits cannot be saved
 * (someone else saved first) the conflict dialog is the editor's, nothing is attached, and the text stays.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
});
test.afterAll(async () => twin?.stop());

async function openDoc(page: Page, id: string, title: string): Promise<void> {
  await twin.call('doc.put', { document: { id, title, content: 'Saved text.' } });
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: title }).click();
  await expect(page.getByLabel('Content')).toHaveValue('Saved text.');
}

test('unsaved edits are saved first, then the file attaches on top; typing during the upload is kept', async ({ page }) => {
  await openDoc(page, 'lease', 'Flat lease');
  const content = page.getByLabel('Content');
  await content.fill('Saved text. Edited before attaching.');
  await expect(page.getByTestId('dirty')).toBeVisible();

  // Hold the second piece until the user has typed more: the upload is under way, without timing.
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let pieces = 0;
  let reachedSecond: () => void = () => undefined;
  const second = new Promise<void>((r) => (reachedSecond = r));
  await page.route('**/api/attachments.chunk', async (route) => {
    if (++pieces === 2) {
      reachedSecond();
      await gate;
    }
    await route.continue();
  });
  const panel = page.getByTestId('attachments');
  await panel.getByTestId('attach-input').setInputFiles([{ name: 'lease.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(300 * 1024, 0x25) }]);
  await second;
  // The edits went first, as version 2, without the file.
  const v2 = await twin.call('doc.getVersion', { id: 'lease', version: 2 });
  expect(v2.content).toBe('Saved text. Edited before attaching.');
  expect(v2.attachments ?? []).toEqual([]);
  await content.fill('Saved text. Edited before attaching. And typed during the upload.');
  await page.screenshot({ path: test.info().outputPath('attach-while-typing.png') });
  release();

  await expect(panel.getByTestId('attachment-row')).toHaveCount(1);
  const v3 = await twin.call('doc.get', { id: 'lease' });
  expect(v3.version).toBe(3);
  expect(v3.content).toBe('Saved text. Edited before attaching.');
  expect(v3.attachments?.map((a) => a.name)).toEqual(['lease.pdf']);
  // No dialog, no "changed elsewhere": the attach was this window's own write. The later typing is still here.
  await expect(page.getByTestId('conflict-dialog')).toHaveCount(0);
  await expect(page.getByTestId('changed-elsewhere')).toHaveCount(0);
  await expect(content).toHaveValue('Saved text. Edited before attaching. And typed during the upload.');
  await expect(page.getByTestId('dirty')).toBeVisible();
  await expect(page.getByTestId('doc-info')).toContainText('Version 3');

  // It saves on top of the attach's version: no conflict, the file carried along.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('dirty')).toHaveCount(0);
  const v4 = await twin.call('doc.get', { id: 'lease' });
  expect(v4).toMatchObject({ version: 4, content: 'Saved text. Edited before attaching. And typed during the upload.' });
  expect(v4.attachments?.map((a) => a.name)).toEqual(['lease.pdf']);
  await expect(page.getByTestId('conflict-dialog')).toHaveCount(0);

  // Removing a file with unsaved edits saves them first too.
  await content.fill('Edited before removing the file.');
  await panel.getByRole('button', { name: 'Remove lease.pdf' }).click();
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(panel.getByTestId('attachment-row')).toHaveCount(0);
  expect(await twin.call('doc.getVersion', { id: 'lease', version: 5 })).toMatchObject({ content: 'Edited before removing the file.' });
  const v6 = await twin.call('doc.get', { id: 'lease' });
  expect(v6).toMatchObject({ version: 6, content: 'Edited before removing the file.' });
  expect(v6.attachments ?? []).toEqual([]);
  await expect(page.getByTestId('dirty')).toHaveCount(0);
  await expect(page.getByTestId('conflict-dialog')).toHaveCount(0);
});

test('when the edits cannot be saved (someone saved first), nothing is attached and the text stays', async ({ page }) => {
  await openDoc(page, 'will', 'Last will');
  const content = page.getByLabel('Content');
  await content.fill('My unsaved paragraph.');
  // Another client saves a version meanwhile: this window's save will be a Conflict.
  await twin.call('doc.update', { id: 'will', patch: { content: 'Their text.' }, expectedVersion: 1 });
  const panel = page.getByTestId('attachments');
  await panel.getByTestId('attach-input').setInputFiles([{ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') }]);
  await expect(page.getByTestId('conflict-dialog')).toBeVisible();
  await expect(panel.locator('.error[data-kind="Aborted"]')).toContainText('Nothing was attached or removed');
  await expect(content).toHaveValue('My unsaved paragraph.');
  expect(await twin.call('attachments.list', { id: 'will' })).toEqual([]);
  expect((await twin.call('doc.get', { id: 'will' })).version).toBe(2);
  await page.screenshot({ path: test.info().outputPath('attach-conflict.png') });
});
