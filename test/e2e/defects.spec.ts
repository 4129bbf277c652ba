/**
 * The defects a new user hit (issue 8), each reproduced in real Chromium through the web twin and shown fixed.
 * One twin for the file; each test seeds what it needs through the API.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startTwin, type Twin } from './twin';

const PASS = 'correct horse battery staple';
let twin: Twin;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: PASS });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function open(page: Page, width = 1200): Promise<void> {
  await page.setViewportSize({ width, height: 800 });
  await page.goto(twin.server.url);
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();
}

async function openDoc(page: Page, title: string): Promise<void> {
  await page.getByTestId('doc-row').filter({ hasText: title }).first().click();
  await expect(page.getByTestId('editor').getByLabel('Title')).toHaveValue(title);
}

test('1: quick saves of your own are never "changed elsewhere"', async ({ page }) => {
  await twin.call('doc.create', { document: { id: 'quick', title: 'Quick saves', content: 'v1' } });
  await open(page);
  await openDoc(page, 'Quick saves');
  const editor = page.getByTestId('editor');
  const content = editor.getByLabel('Content');
  // Six saves as fast as the keyboard allows: each waits only for its own version number.
  for (let i = 2; i <= 7; i++) {
    await content.fill(`version ${i}`);
    await page.keyboard.press('Control+s');
    await expect(editor.getByTestId('doc-info')).toContainText(`Version ${i}`);
  }
  // Typing on while a save is on its way is kept and stays unsaved. The answer is held back in the browser
  // until the typing is done, so the save's own push event surely arrives first (the race users hit).
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/doc.update', async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await content.fill('version 8');
  await page.keyboard.press('Control+s');
  await expect(editor.getByRole('button', { name: 'Saving…' })).toBeVisible();
  await content.press('End');
  await content.pressSequentially(' and more');
  await expect.poll(async () => (await twin.call('doc.get', { id: 'quick' })).version).toBe(8);
  release();
  await expect(editor.getByTestId('doc-info')).toContainText('Version 8');
  await expect(content).toHaveValue('version 8 and more');
  await expect(editor.getByTestId('dirty')).toBeVisible();
  await expect(editor.getByText('changed elsewhere')).toHaveCount(0);
  expect((await twin.call('doc.get', { id: 'quick' })).version).toBe(8);
});

test('2: two "New" + save in the same second get different ids', async ({ page }) => {
  await open(page);
  const editor = page.getByTestId('editor');
  for (let i = 0; i < 2; i++) {
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await editor.getByLabel('Title').fill('Same title');
    await editor.getByLabel('Content').fill(`note ${i}`);
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect(editor.getByTestId('doc-info')).toContainText('Version 1');
  }
  await expect(page.getByRole('alert')).toHaveCount(0);
  const page1 = await twin.call('doc.list', { limit: 100 });
  const ids = page1.items.filter((d) => d.title === 'Same title').map((d) => d.id);
  expect(ids).toHaveLength(2);
  expect(new Set(ids).size).toBe(2);
  for (const id of ids) expect(id).toMatch(/^same-title-[0-9a-z]{8}$/);
});

test('3: tag filter takes #tag, suggests partial matches, and an empty result says "No matches" with Clear filters', async ({ page }) => {
  await twin.call('doc.bulkPut', {
    documents: [
      { id: 'f1', title: 'Budget', content: 'x', tags: ['finance'] },
      { id: 'f2', title: 'Loan', content: 'x', tags: ['finance', 'home'] },
      { id: 'f3', title: 'Final draft', content: 'x', tags: ['final'] },
    ],
  });
  await open(page);
  const tag = page.getByLabel('Filter by tag');
  await tag.fill('#finance');
  await expect(page.getByTestId('doc-row')).toHaveCount(2);
  await expect(page.getByTestId('count')).toContainText('2 matching documents');
  await tag.fill('fin');
  const suggestions = page.getByTestId('tag-suggestions');
  await expect(suggestions.getByRole('button')).toHaveText(['#final', '#finance']);
  await suggestions.getByRole('button', { name: '#final' }).click();
  await expect(tag).toHaveValue('final');
  await expect(page.getByTestId('doc-row')).toHaveCount(1);
  await tag.fill('#nothing-has-this');
  const empty = page.getByTestId('list-empty');
  await expect(empty).toContainText('No matches');
  await empty.getByRole('button', { name: 'Clear filters' }).click();
  await expect(tag).toHaveValue('');
  await expect(page.getByTestId('doc-row').first()).toBeVisible();
});

test('4: a new sort or filter starts at the top of the list', async ({ page }) => {
  await twin.call('doc.bulkPut', { documents: Array.from({ length: 300 }, (_, i) => ({ id: `s${String(i).padStart(3, '0')}`, title: `Scroll ${i}`, content: 'x', tags: ['scroll'] })) });
  await open(page);
  const list = page.getByTestId('doc-list');
  // Scroll inside the poll: until the first page of rows is drawn there is nothing to scroll.
  const scrolledDown = () => list.evaluate((el) => (el.scrollTo({ top: 5000 }), el.scrollTop));
  await expect.poll(scrolledDown).toBeGreaterThan(1000);
  await page.getByLabel('Sort by').selectOption('title');
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(0);
  await expect.poll(scrolledDown).toBeGreaterThan(1000);
  await page.getByLabel('Filter by tag').fill('scroll');
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(0);
});

test('5: a document added by the CLI shows up in the list', async ({ page }) => {
  await open(page);
  await page.getByLabel('Filter by tag').fill('from-cli');
  await expect(page.getByTestId('list-empty')).toBeVisible();
  // Another process on the same vault file, as a user would run it: no event reaches the app from it.
  const cli = join(process.cwd(), 'bin', 'docvault.mjs');
  const child = spawn(process.execPath, [cli, 'put', '--id', 'cli-doc', '--title', 'Written by the CLI', '--tag', 'from-cli', '--vault', twin.vaultPath], {
    env: { ...process.env, DOCVAULT_PASSPHRASE: PASS },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end('hello from the command line');
  const [code] = (await once(child, 'exit')) as [number];
  expect(code, stderr).toBe(0);
  await expect(page.getByTestId('doc-row').filter({ hasText: 'Written by the CLI' })).toBeVisible();
});

test('6: rows keep their date with three tags, and at 700 px History, Delete and Tags stay usable', async ({ page }) => {
  await twin.call('doc.create', { document: { id: 'tags3', title: 'Three tags and a date', type: 'contract', content: 'x', tags: ['insurance', 'household', 'important-papers'] } });
  await open(page, 700);
  const row = page.getByTestId('doc-row').filter({ hasText: 'Three tags and a date' });
  const date = row.locator('.date');
  await expect(date).toBeVisible();
  // The date is never clipped: its text fits its box, and its box is inside the row.
  expect(await date.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  const rowBox = await row.boundingBox();
  const dateBox = await date.boundingBox();
  expect(dateBox!.x + dateBox!.width).toBeLessThanOrEqual(rowBox!.x + rowBox!.width + 1);
  await row.click();
  const editor = page.getByTestId('editor');
  for (const name of ['History', 'Delete', 'Save']) {
    const box = await editor.getByRole('button', { name, exact: true }).boundingBox();
    expect(box!.x + box!.width, name).toBeLessThanOrEqual(700);
  }
  const tags = editor.locator('input[name="tags"]');
  const tagsBox = await tags.boundingBox();
  expect(tagsBox!.x + tagsBox!.width).toBeLessThanOrEqual(700);
  expect(tagsBox!.width).toBeGreaterThan(150);
  await page.screenshot({ path: test.info().outputPath('narrow-700.png') });
});

test('7: counts say "1 document · 1 version", not "1 documents · 1 versions"', async ({ page }) => {
  // A vault of its own, so the totals are exactly one.
  const own = await startTwin();
  try {
    await own.call('vault.create', { passphrase: PASS });
    await own.call('doc.create', { document: { id: 'single', title: 'Single', content: 'x', tags: ['only-one'] } });
    await page.goto(own.server.url);
    await expect(page.getByTestId('stats')).toContainText('1 document · 1 version ·');
    await expect(page.getByTestId('count')).toHaveText('1 document');
    await page.getByLabel('Filter by tag').fill('#only-one');
    await expect(page.getByTestId('count')).toHaveText('1 matching document');
    await page.getByTestId('doc-row').click();
    await expect(page.getByTestId('doc-info')).toContainText('Version 1 · 1 byte ·');
  } finally {
    await own.stop();
  }
});

for (const scheme of ['dark', 'light'] as const) test.describe(`8: ${scheme} mode`, () => {
  test.use({ colorScheme: scheme });
  test('a disabled primary button meets WCAG AA contrast (4.5:1)', async ({ page }) => {
    await twin.call('doc.put', { document: { id: 'dark', title: 'Dark', content: 'x' } });
    await open(page);
    await page.getByLabel('Find by id').fill('dark');
    await page.getByLabel('Find by id').press('Enter');
    const save = page.getByTestId('editor').getByRole('button', { name: 'Save' });
    await expect(save).toBeDisabled();
    const ratio = await save.evaluate((el) => {
      const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]): number => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      if (style.opacity !== '1') return 0;
      const a = lum(rgb(style.color));
      const b = lum(rgb(style.backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
    expect(ratio).toBeGreaterThanOrEqual(4.5);
  });
});

test('9: the page has an icon and /favicon.ico is served', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  await open(page);
  const res = await page.request.get(new URL('/favicon.ico', twin.server.url).href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('image/x-icon');
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute('href', './favicon.ico');
  expect(missing).toEqual([]);
});

test('10: a wrong passphrase shows one message', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.locator('input[name="passphrase"]').fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveCount(1);
  await expect(alert).toHaveAttribute('data-kind', 'WrongKey');
  await expect(alert.locator('.detail')).toHaveCount(0);
  await page.locator('input[name="passphrase"]').fill(PASS);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('button', { name: 'Lock' })).toBeVisible();
});

test('11: when the server stops, the page says to restart docvault, whichever way it was started', async ({ page }) => {
  const own = await startTwin();
  try {
    await own.call('vault.create', { passphrase: PASS });
    await own.call('doc.create', { document: { id: 'a', title: 'Alpha', content: 'x' } });
    await page.goto(own.server.url);
    await expect(page.getByTestId('doc-row')).toHaveCount(1);
    await own.server.close();
    await page.getByTestId('doc-row').click();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Restart docvault');
    await expect(alert).toContainText('npm start or npm run serve');
  } finally {
    await own.stop();
  }
});
