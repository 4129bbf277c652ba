/** The Benchmark panel through the web twin: a quick run to a result with progress, then a run cancelled midway. */
import { existsSync, readdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startTwin, type Twin } from './twin';

let twin: Twin;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  twin = await startTwin();
  await twin.call('vault.create', { passphrase: 'bench panel passphrase' });
});
test.afterAll(async () => {
  await twin?.stop();
});

const scratch = (): string[] => (existsSync(twin.scratchDir) ? readdirSync(twin.scratchDir) : []);

test('a quick benchmark runs to a result with progress; a second run cancelled midway leaves no scratch files', async ({ page }) => {
  await page.goto(twin.server.url);
  await page.getByRole('button', { name: 'Benchmark' }).click();
  const panel = page.getByRole('region', { name: 'Benchmark' });
  await expect(panel.locator('input[name="driver-docvault"]')).toBeChecked();
  await expect(panel.locator('input[name="driver-signal"]')).toHaveCount(0); // AGPL: never offered in the app
  await panel.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(panel.getByTestId('bench-progress')).toBeVisible();
  await expect(panel.getByTestId('bench-outcome')).toHaveText('done', { timeout: 60_000 });
  const table = panel.getByTestId('bench-table');
  await expect(table).toContainText('docvault / raw');
  await expect(table.getByRole('row', { name: /get-hot/ })).toContainText('1.99M'); // the seed report's figure beside ours
  await expect(table.getByRole('row', { name: /save/ })).toContainText('×');
  await expect(panel.getByTestId('bench-chart')).toBeVisible();
  await expect(panel.getByTestId('bench-event-loop')).toContainText(/p99 [\d.]+ ms/);
  await expect(panel).toContainText('measured in memory with encryption off');
  expect(scratch()).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('bench-done.png'), fullPage: true });

  // A longer run (every trial), cancelled once the first trial is measuring.
  for (const t of ['exists', 'bulk-save-100', 'update', 'list-page', 'history+diff']) await panel.locator(`input[name="trial-${t}"]`).check();
  await panel.locator('input[name="driver-plain"]').check();
  await panel.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(panel.getByTestId('bench-progress')).toContainText(/run \d+ of \d+/, { timeout: 30_000 });
  expect(scratch()).toHaveLength(1);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByTestId('bench-outcome')).toHaveText('cancelled');
  expect(scratch()).toEqual([]);
  const runs = await twin.call('bench.runs', {});
  expect(runs.map((r) => r.outcome)).toEqual(['cancelled', 'done']);
});
