/**
 * The core flow in the real Electron app, with Playwright's `_electron`. Runs only where an Electron
 * binary and the Electron build of the native module exist; elsewhere it is skipped with the reason
 * (found from node_modules/electron/path.txt + dist/, never `require('electron')`, which would download).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronVersion, findElectron, nativePath } from '../../scripts/start.mjs';

const exe = findElectron();
const version = electronVersion();
const reason =
  exe === undefined
    ? 'no Electron binary in node_modules/electron/dist (it cannot be downloaded here)'
    : version === undefined || !existsSync(nativePath(version))
      ? `no Electron build of better-sqlite3 at .native/electron-${version}/ (run npm start once to build it)`
      : undefined;
// Printed once, from the test worker (the runner also loads this file to list the tests).
if (reason !== undefined && process.env.TEST_WORKER_INDEX !== undefined) process.stdout.write(`electron.spec: skipped: ${reason}\n`);

test('Electron app: create a vault, add a document, lock, wrong and right passphrase', async () => {
  test.skip(reason !== undefined, reason);
  const dir = mkdtempSync(join(tmpdir(), 'docvault-electron-'));
  const app = await electron.launch({
    executablePath: exe,
    args: [process.cwd()],
    env: { ...process.env, DOCVAULT_USER_DATA: join(dir, 'userData'), DOCVAULT_VAULT: join(dir, 'e2e.dvault'), DOCVAULT_TEST_KDF_PROFILE: '2' },
  });
  try {
    const page = await app.firstWindow();
    expect(await page.evaluate(() => typeof (globalThis as { docvault?: unknown }).docvault)).toBe('object');
    // The renderer has no Node: the preload exposes only the contract.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    await page.locator('input[name="passphrase"]').fill('electron test passphrase');
    await page.locator('input[name="passphrase-again"]').fill('electron test passphrase');
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByTestId('editor').getByLabel('Title').fill('From Electron');
    await page.getByTestId('editor').getByLabel('Content').fill('Hello from the real app.');
    await page.keyboard.press('Control+s');
    await expect(page.getByTestId('editor').getByTestId('doc-info')).toContainText('Version 1');
    await page.getByRole('button', { name: 'Lock' }).click();
    await page.locator('input[name="passphrase"]').fill('wrong');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('alert')).toHaveAttribute('data-kind', 'WrongKey');
    await page.locator('input[name="passphrase"]').fill('electron test passphrase');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByTestId('doc-row')).toContainText('From Electron');
    await page.screenshot({ path: test.info().outputPath('electron.png') });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
