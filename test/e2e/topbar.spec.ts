/**
 * The top bar in real Chromium: on a plain vault (its "Not encrypted" badge is the widest bar) at 700 px and
 * 1000 px every button is visible, inside the window and clear of the others; the Trash and the panels
 * switch so that one button at most is pressed, the one for what fills the pane; Tab walks the buttons in
 * the order they are shown.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { Vault } from '../../src/main/storage';
import { startTwin, type Twin } from './twin';

const BUTTONS = ['Trash', 'Performance', 'Benchmark', 'Settings', 'Verify', 'Lock'];

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin({
    prepare: async (path) => {
      const v = await Vault.create(path, { key: { encryption: false } });
      v.put({ id: 'note', title: 'A note', content: 'kept in a plain vault' });
      v.delete('note');
      v.put({ id: 'kept', title: 'Kept note', content: 'still here' });
      v.close();
    },
  });
});
test.afterAll(async () => {
  await twin?.stop();
});

async function open(page: Page, width: number): Promise<Locator> {
  await page.setViewportSize({ width, height: 700 });
  await page.goto(twin.server.url);
  const openButton = page.getByRole('button', { name: 'Open', exact: true });
  const lock = page.getByRole('button', { name: 'Lock', exact: true });
  await expect(openButton.or(lock)).toBeVisible();
  if (await openButton.isVisible()) await openButton.click();
  await expect(lock).toBeVisible();
  await expect(page.getByTestId('plain-vault')).toBeVisible();
  return page.locator('header.topbar');
}

for (const width of [700, 1000]) {
  test(`at ${width} px every top-bar button is visible, inside the window and clear of the others`, async ({ page }) => {
    const bar = await open(page, width);
    const boxes = [];
    for (const name of BUTTONS) {
      const button = bar.getByRole('button', { name, exact: true });
      await expect(button).toBeVisible();
      const box = await button.boundingBox();
      expect(box, name).not.toBeNull();
      if (box === null) continue;
      expect(box.x, `${name} starts inside the window`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} ends inside the window`).toBeLessThanOrEqual(width);
      boxes.push({ name, ...box });
    }
    for (const badge of [page.getByTestId('plain-vault'), bar.locator('.brand')]) {
      const box = await badge.boundingBox();
      expect(box).not.toBeNull();
      if (box !== null) boxes.push({ name: (await badge.textContent()) ?? '', ...box });
    }
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.name} and ${b.name} overlap`).toBe(true);
      }
    // The bar holds its buttons: nothing scrolls sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
  });
}

test('Tab walks the top-bar buttons in the order they are shown', async ({ page }) => {
  const bar = await open(page, 700);
  await bar.getByRole('button', { name: 'Trash' }).focus();
  for (const name of BUTTONS.slice(1)) {
    await page.keyboard.press('Tab');
    await expect(bar.getByRole('button', { name, exact: true })).toBeFocused();
  }
});

test('the Trash and the panels take turns: one pressed button at most, the one for what is shown', async ({ page }) => {
  const bar = await open(page, 1000);
  const pressed = bar.locator('button[aria-pressed="true"]');
  await expect(pressed).toHaveCount(0);

  await bar.getByRole('button', { name: 'Trash' }).click();
  await expect(page.getByTestId('trash')).toBeVisible();
  await expect(pressed).toHaveText(['Trash']);

  // A panel over the Trash: the panel's button is the pressed one, and "Trash" brings the Trash back.
  await bar.getByRole('button', { name: 'Performance' }).click();
  await expect(page.getByRole('region', { name: 'Performance' })).toBeVisible();
  await expect(page.getByTestId('trash')).toHaveCount(0);
  await expect(pressed).toHaveText(['Performance']);
  await bar.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('region', { name: 'Performance' })).toHaveCount(0);
  await expect(pressed).toHaveText(['Settings']);
  await bar.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(page.getByTestId('trash')).toBeVisible();
  await expect(pressed).toHaveText(['Trash']);

  // From the Trash back to the documents; a panel's button closes what it opened.
  await bar.getByRole('button', { name: 'Trash' }).click();
  await expect(page.getByTestId('trash')).toHaveCount(0);
  await expect(pressed).toHaveCount(0);
  await bar.getByRole('button', { name: 'Benchmark' }).click();
  await expect(pressed).toHaveText(['Benchmark']);
  await bar.getByRole('button', { name: 'Benchmark' }).click();
  await expect(pressed).toHaveCount(0);
});
