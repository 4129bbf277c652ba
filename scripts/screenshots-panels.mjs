#!/usr/bin/env node
/* global fetch, URLSearchParams, document */
// `node scripts/screenshots-panels.mjs`: pictures of the Performance, Benchmark and Settings panels for
// README.md and docs/app.md, from the real UI (light, dark, and a ~700 px window). Same shape as the
// ui-shell branch's scripts/screenshots.mjs (a SHOTS list over the built web twin on a temp vault); when both
// are merged, these entries belong in that list. Not part of `npm test`.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findChromium } from './ensure-chromium.mjs';
import { ensureBuilt } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'screenshots');

async function startTwin(vault, dataHome) {
  const child = spawn(process.execPath, [join(root, 'out', 'node', 'web-server.mjs'), '--vault', vault], {
    cwd: root,
    // XDG_DATA_HOME: the twin's app data (settings, past benchmark runs) go to the temp folder, not the user's.
    env: { ...process.env, DOCVAULT_TEST_KDF_PROFILE: '2', XDG_DATA_HOME: dataHome },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`web twin exited with ${code}`)));
    lines.on('line', (l) => {
      const m = /^docvault web: (\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
  });
  const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token');
  const call = async (channel, input) => {
    const res = await fetch(new URL(`/api/${channel}`, url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-docvault-token': token }, body: JSON.stringify(input) });
    const r = await res.json();
    if (!r.ok) throw new Error(`${channel}: ${r.error.kind}: ${r.error.message}`);
    return r.value;
  };
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { url, call, stop };
}

const WORDS = 'lease rent deposit notice passport renewal tax refund receipt policy warranty notary draft service brakes filter'.split(' ');
const doc = (i) => ({ id: `doc-${i}`, title: `${WORDS[i % WORDS.length]} ${i}`, type: ['note', 'contract', 'tax', 'receipt', 'id'][i % 5], tags: [WORDS[(i * 7) % WORDS.length]], content: Array.from({ length: 120 }, (_, k) => WORDS[(i + k * 3) % WORDS.length]).join(' ') });

/** Calls in the background (reads, some writes) so the charts have something to show. */
function workload(call) {
  let stop = false;
  const done = (async () => {
    let i = 0;
    while (!stop) {
      await call('doc.get', { id: `doc-${(i * 37) % 2000}` });
      if (i % 40 === 0) await call('doc.put', { document: doc(2000 + i) });
      if (i % 200 === 0) await call('doc.list', { limit: 100 });
      i++;
    }
  })();
  return async () => {
    stop = true;
    await done;
  };
}

const SHOTS = [
  {
    name: 'performance',
    width: 1280,
    height: 900,
    run: async (page) => {
      await page.getByRole('button', { name: 'Performance' }).click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-points') ?? 0) >= 12, undefined, { timeout: 60_000 });
    },
  },
  {
    name: 'performance-narrow',
    width: 700,
    height: 900,
    run: async (page) => {
      await page.getByRole('button', { name: 'Performance' }).click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-points') ?? 0) >= 8, undefined, { timeout: 60_000 });
    },
  },
  {
    name: 'benchmark',
    width: 1280,
    height: 900,
    run: async (page) => {
      await page.getByRole('button', { name: 'Benchmark' }).click();
      const panel = page.getByRole('region', { name: 'Benchmark' });
      for (const t of ['exists', 'bulk-save-100', 'list-page']) await panel.locator(`input[name="trial-${t}"]`).check();
      await panel.locator('input[name="driver-plain"]').check();
      await panel.locator('input[name="driver-service"]').check();
      await panel.getByRole('button', { name: 'Run benchmark' }).click();
      await panel.getByTestId('bench-progress').waitFor();
      await panel.getByTestId('bench-progress').waitFor({ state: 'detached', timeout: 120_000 });
    },
  },
  {
    name: 'benchmark-narrow',
    width: 700,
    height: 1000,
    run: async (page) => {
      await page.getByRole('button', { name: 'Benchmark' }).click();
      await page.getByTestId('bench-results').waitFor();
    },
  },
  {
    name: 'settings',
    width: 1000,
    height: 900,
    run: async (page) => {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByTestId('vault-facts').waitFor();
    },
  },
];

ensureBuilt();
mkdirSync(outDir, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'docvault-shots-'));
const twin = await startTwin(join(dir, 'screens.dvault'), join(dir, 'data'));
const executablePath = findChromium();
const browser = await chromium.launch({ ...(executablePath === undefined ? {} : { executablePath }), args: ['--no-sandbox', '--disable-gpu'] });
try {
  await twin.call('vault.create', { passphrase: 'sample passphrase for screenshots' });
  await twin.call('doc.bulkPut', { documents: Array.from({ length: 2000 }, (_, i) => doc(i)) });
  const only = process.argv.slice(2);
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    for (const shot of SHOTS) {
      if (only.length > 0 && !only.includes(shot.name)) continue;
      const page = await context.newPage();
      await page.setViewportSize({ width: shot.width, height: shot.height });
      await page.goto(twin.url);
      await page.getByRole('button', { name: 'Lock', exact: true }).waitFor();
      const stopWork = shot.name.startsWith('performance') ? workload(twin.call) : async () => {};
      try {
        await shot.run(page);
      } finally {
        await stopWork();
      }
      const file = join(outDir, `${shot.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${file.slice(root.length + 1)}`);
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await twin.stop();
  rmSync(dir, { recursive: true, force: true });
}
