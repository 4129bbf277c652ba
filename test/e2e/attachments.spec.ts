/**
 * Attachments in the window, in real Chromium: attach by button and by drop, listed with size and type,
 * saved as a download with the same bytes, an image previewed from a blob: URL, removed after a question,
 * and the change shown in History.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startTwin, type Twin } from './twin';

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let twin: Twin;
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  await twin.call('doc.put', { document: { id: 'passport', title: 'Passport', content: 'Scans of the passport.' } });
});
test.afterAll(async () => twin?.stop());

test('attach, list, save with the same bytes, preview an image, drop a file, remove, see it in History', async ({ page }) => {
  // 600 KB: three upload pieces and a read that spans them.
  const big = Buffer.alloc(600 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Passport' }).click();
  const panel = page.getByTestId('attachments');
  await expect(panel).toContainText('No attachments');
  await page.screenshot({ path: test.info().outputPath('attachments-empty.png') });

  await panel.getByTestId('attach-input').setInputFiles([
    { name: 'scan.bin', mimeType: 'application/octet-stream', buffer: big },
    { name: 'photo.png', mimeType: 'image/png', buffer: PNG_1x1 },
  ]);
  const rows = panel.getByTestId('attachment-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'scan.bin' })).toContainText('600 KB · application/octet-stream');
  await expect(rows.filter({ hasText: 'photo.png' })).toContainText('image/png');
  expect((await twin.call('attachments.list', { id: 'passport' })).map((a) => a.name).sort()).toEqual(['photo.png', 'scan.bin']);

  // Save: a download of the very bytes.
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Save scan.bin' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('scan.bin');
  const saved = await download.path();
  expect(Buffer.compare(readFileSync(saved), big)).toBe(0);

  // Preview: the image decodes from a blob: URL (the CSP allows blob: for images).
  await panel.getByRole('button', { name: 'Preview photo.png' }).click();
  const img = page.getByTestId('image-preview').locator('img');
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('image-preview')).toBeHidden();

  // Drop a file on the document.
  const dataTransfer = await page.evaluateHandle(() => {
    // The page's own classes (the test tsconfig has no DOM library).
    const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string, o: { type: string }) => unknown };
    const dt = new w.DataTransfer();
    dt.items.add(new w.File(['dropped text'], 'note.txt', { type: 'text/plain' }));
    return dt;
  });
  const editor = page.getByTestId('editor');
  await editor.dispatchEvent('dragover', { dataTransfer });
  await editor.dispatchEvent('drop', { dataTransfer });
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'note.txt' })).toContainText('12 B · text/plain');
  await page.screenshot({ path: test.info().outputPath('attachments-list.png') });

  // Remove asks first; Cancel keeps it, Remove takes it out of the new version.
  await panel.getByRole('button', { name: 'Remove note.txt' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(rows).toHaveCount(3);
  await panel.getByRole('button', { name: 'Remove note.txt' }).click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(rows).toHaveCount(2);

  // History: each version says what happened to the attachments.
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('[data-version="2"]')).toContainText('scan.bin added (600 KB)');
  await expect(timeline.locator('[data-version="5"]')).toContainText('note.txt removed');
  await page.screenshot({ path: test.info().outputPath('attachments-history.png') });
});

test('an upload shows its progress and Cancel drops it: no version, nothing listed', async ({ page }) => {
  await twin.call('doc.put', { document: { id: 'contract', title: 'Signed contract', content: 'The contract.' } });
  // The second piece's answer waits until Cancel was pressed: the upload is certainly under way, without timing.
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let pieces = 0;
  await page.route('**/api/attachments.chunk', async (route) => {
    if (++pieces === 2) await gate;
    await route.continue();
  });
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Signed contract' }).click();
  const panel = page.getByTestId('attachments');
  await panel.getByTestId('attach-input').setInputFiles([{ name: 'contract.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2 * 1024 * 1024, 0x25) }]);
  const upload = panel.getByTestId('upload-row');
  await expect(upload).toContainText('256 KB of 2.0 MB');
  await expect(upload.locator('progress')).toHaveAttribute('max', String(2 * 1024 * 1024));
  await page.screenshot({ path: test.info().outputPath('upload-progress.png') });
  await upload.getByRole('button', { name: 'Cancel uploading contract.pdf' }).click();
  release();
  await expect(upload).toHaveCount(0);
  await expect(panel).toContainText('No attachments');
  expect(await twin.call('attachments.list', { id: 'contract' })).toEqual([]);
  expect((await twin.call('doc.get', { id: 'contract' })).version).toBe(1);
});
