/** The Markdown preview in real Chromium: rendered beside the editor, with no script, no remote load, nothing to follow. */
import { expect, test } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'a long enough test passphrase' });
  await twin.call('doc.put', {
    document: {
      id: 'md',
      title: 'Markdown note',
      content: [
        '# Heading',
        '',
        'Some **bold** and `code`.',
        '',
        '- one',
        '- two',
        '',
        '<script>window.__pwned = 1</script>',
        '<img src="x" onerror="window.__pwned = 2">',
        '![tracker](https://example.com/pixel.png)',
        '[click me](javascript:window.__pwned=3) and [a site](https://example.com/page)',
        '',
        '| a | b |',
        '|---|---|',
        '| 1 | 2 |',
      ].join('\n'),
    },
  });
});
test.afterAll(async () => {
  await twin?.stop();
});

test('preview renders Markdown sanitized: no script, no remote image, no link to follow', async ({ page }) => {
  const remote: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(twin.server.origin.replace(/\/$/, ''))) remote.push(r.url());
  });
  await page.goto(twin.server.url);
  await page.getByTestId('doc-row').filter({ hasText: 'Markdown note' }).click();
  const editor = page.getByTestId('editor');
  await editor.getByRole('button', { name: 'Preview' }).click();
  const preview = editor.getByTestId('md-preview');
  await expect(preview.locator('h1')).toHaveText('Heading');
  await expect(preview.locator('strong')).toHaveText('bold');
  await expect(preview.locator('li')).toHaveCount(2);
  await expect(preview.locator('td')).toHaveCount(2);
  await expect(preview).toContainText('<script>window.__pwned = 1</script>'); // shown as text
  expect(await preview.locator('script, img, a, iframe, [onerror]').count()).toBe(0);
  await expect(preview.locator('.md-image')).toHaveText('[image: tracker]');
  await expect(preview.locator('.md-link').last()).toHaveAttribute('title', 'https://example.com/page');
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // Typing updates the preview.
  await editor.getByLabel('Content').fill('Now *italic*');
  await expect(preview.locator('em')).toHaveText('italic');
  expect(remote).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('preview.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 700, height: 700 });
  await editor.getByLabel('Content').fill('# Dark\n\n> quoted **text**\n\n```\ncode block\n```');
  await expect(preview.locator('pre')).toHaveText('code block');
  await page.screenshot({ path: test.info().outputPath('preview-dark-narrow.png'), fullPage: true });
});
