/**
 * PDF attachments previewed in the window with PDF.js, in real Chromium, under the page's CSP as it is: the
 * pages are drawn (pixels on the canvas, the standard font loaded from 'self'), paged, and no CSP violation
 * or page error happens on the way; a damaged PDF says so and Save still works. Settings → This vault counts
 * the stored files. Screenshots: light, dark, and a 700 px window.
 */
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

/** A two-page PDF (Helvetica, not embedded: the standard font must come from 'self'), with a correct xref. */
function twoPagePdf(): Buffer {
  const page = (text: string, shade: string): string => `q ${shade} rg 72 600 300 120 re f Q BT /F1 28 Tf 72 560 Td (${text}) Tj ET`;
  const streams = [page('Signed lease, page one', '0.2 0.4 0.8'), page('Page two: signatures', '0.8 0.3 0.2')];
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> /Contents 6 0 R >>',
    ...streams.map((s) => `<< /Length ${s.length} >>\nstream\n${s}\nendstream`),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

let twin: Twin;
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  await twin.call('doc.put', { document: { id: 'lease', title: 'Flat lease', content: 'The signed lease.' } });
});
test.afterAll(async () => twin?.stop());

/** Every CSP violation and page error while the test runs. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

/** Dark opaque pixels of the preview canvas: text and the shaded box drawn (an undrawn canvas is transparent: none). */
async function inkOf(page: Page): Promise<number> {
  return page.getByTestId('pdf-preview').locator('canvas').evaluate((el) => {
    const c = el as unknown as { width: number; height: number; getContext(t: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255 && (d[i] as number) + (d[i + 1] as number) + (d[i + 2] as number) < 300) n++;
    return n;
  });
}

async function openPreview(page: Page, name: string): Promise<void> {
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
  await page.getByTestId('attachments').getByRole('button', { name: `Preview ${name}` }).click();
}

test('a PDF attachment previews page by page inside the CSP', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Flat lease' }).click();
  const panel = page.getByTestId('attachments');
  await panel.getByTestId('attach-input').setInputFiles([{ name: 'lease.pdf', mimeType: 'application/pdf', buffer: twoPagePdf() }]);
  await expect(panel.getByTestId('attachment-row')).toHaveCount(1);
  await panel.getByRole('button', { name: 'Preview lease.pdf' }).click();
  const dialog = page.getByTestId('pdf-preview');
  await expect(dialog.getByTestId('pdf-page')).toHaveText('Page 1 of 2');
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'lease.pdf, page 1 of 2');
  await expect.poll(() => inkOf(page)).toBeGreaterThan(1000);
  const first = await inkOf(page);
  await page.screenshot({ path: test.info().outputPath('pdf-preview-light.png') });
  await dialog.getByRole('button', { name: 'Next page' }).click();
  await expect(dialog.getByTestId('pdf-page')).toHaveText('Page 2 of 2');
  await expect(dialog.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await expect.poll(() => inkOf(page)).not.toBe(first);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // A second preview reuses the parser worker.
  await panel.getByRole('button', { name: 'Preview lease.pdf' }).click();
  await expect(dialog.getByTestId('pdf-page')).toHaveText('Page 1 of 2');
  await expect.poll(() => inkOf(page)).toBeGreaterThan(1000);
  expect(problems).toEqual([]);
});

test('a damaged PDF says it cannot be shown; Save still gives the file', async ({ page }) => {
  const problems = watchProblems(page);
  await twin.call('doc.put', { document: { id: 'broken', title: 'Broken scan', content: 'x' } });
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Broken scan' }).click();
  const panel = page.getByTestId('attachments');
  await panel.getByTestId('attach-input').setInputFiles([{ name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nthis is not a PDF at all') }]);
  await panel.getByRole('button', { name: 'Preview broken.pdf' }).click();
  await expect(page.getByTestId('pdf-preview').getByRole('alert')).toContainText('cannot be shown here');
  await page.keyboard.press('Escape');
  const downloading = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Save broken.pdf' }).click();
  expect((await downloading).suggestedFilename()).toBe('broken.pdf');
  expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
});

/** Settings → This vault (from an open window, no dialog up), scrolled to the facts' attachments line. */
async function factsShown(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const line = page.getByTestId('facts-attachments');
  await line.scrollIntoViewIfNeeded();
  await expect(line).toHaveText(/^2 files · 9\d\d B stored · 9\d\d B as the versions list them$/);
}

test('Settings → This vault counts the stored files', async ({ page }) => {
  const stats = await twin.call('vault.stats', {});
  // lease.pdf and broken.pdf, each stored once and listed by one version.
  expect(stats.attachments.files).toBe(2);
  expect(stats.attachments.referencedBytes).toBe(stats.attachments.storedBytes);
  await page.goto(twin.server.url);
  await factsShown(page);
  await page.screenshot({ path: test.info().outputPath('facts-attachments-light.png') });
});

test.describe('dark', () => {
  test.use({ colorScheme: 'dark' });
  test('screenshot', async ({ page }) => {
    await openPreview(page, 'lease.pdf');
    await expect(page.getByTestId('pdf-page')).toHaveText('Page 1 of 2');
    await expect.poll(() => inkOf(page)).toBeGreaterThan(1000);
    await page.screenshot({ path: test.info().outputPath('pdf-preview-dark.png') });
    await page.keyboard.press('Escape');
    await factsShown(page);
    await page.screenshot({ path: test.info().outputPath('facts-attachments-dark.png') });
  });
});

test.describe('narrow', () => {
  test.use({ viewport: { width: 700, height: 800 } });
  test('screenshot', async ({ page }) => {
    await openPreview(page, 'lease.pdf');
    await expect(page.getByTestId('pdf-page')).toHaveText('Page 1 of 2');
    await expect.poll(() => inkOf(page)).toBeGreaterThan(500);
    await page.screenshot({ path: test.info().outputPath('pdf-preview-700.png') });
    await page.keyboard.press('Escape');
    await factsShown(page);
    await page.screenshot({ path: test.info().outputPath('facts-attachments-700.png') });
  });
});
