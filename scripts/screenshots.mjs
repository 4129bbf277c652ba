#!/usr/bin/env node
/* global document */
// `npm run screenshots [-- name…]`: the pictures in README.md and docs/, regenerated from the real UI.
//   1. Window views: builds what is stale, starts the built web twin on a temp vault (light test KDF), seeds
//      sample documents through the API, drives Chromium (the one the tests use) and writes
//      docs/screenshots/<name>-<light|dark>.png. SHOTS is the list: a name, a window size, what to do first.
//      The Performance, Benchmark and Settings panels are in it too (a background workload feeds the charts).
//   2. Views shot inside E2E specs: every spec in test/e2e that marks shots for the docs (`docs: true`) is run
//      with DOCVAULT_SCREENSHOT_DIR=docs/screenshots (the versions comparison does this).
// Not part of `npm test`: pictures are for people, and the E2E specs already check the behaviour.
import { chromium } from '@playwright/test';
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { findChromium } from './ensure-chromium.mjs';
import { ensureBuilt } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Node's built-in fetch (the lint config lists browser-neutral globals only). */
const { fetch } = globalThis;
const outDir = join(root, 'docs', 'screenshots');
const PASS = 'sample passphrase for screenshots';

/** Sample documents: what a person might keep. */
const SAMPLES = [
  { id: 'lease-2025', title: 'Flat lease, Rue des Lilas 12', type: 'contract', tags: ['home', 'legal', 'important-papers'], content: 'Lease signed 1 March 2025 for three years.\nRent 1,150 EUR, due on the 1st.\nDeposit 2,300 EUR, paid by transfer on 20 February.\n\nNotice period: three months, by registered letter.' },
  { id: 'passport-notes', title: 'Passport renewal notes', type: 'id', tags: ['travel'], content: 'Passport expires 14 June 2031. Renewal takes about six weeks: book the appointment in March.' },
  { id: 'tax-2025', title: 'Tax return 2025', type: 'tax', tags: ['money', 'yearly'], content: 'Filed online on 2 May. Refund expected in September.\nReceipts for the home office are in the blue folder.' },
  { id: 'insurance-home', title: 'Home insurance policy', type: 'contract', tags: ['home', 'insurance'], content: 'Policy 88-4410-C. Renews every 1 October. Covers water damage and theft; excess 150 EUR.' },
  { id: 'recipe-bread', title: 'Sourdough, the way it works', type: 'note', tags: ['kitchen'], content: '500 g flour, 350 g water, 100 g starter, 10 g salt. Fold four times, 30 minutes apart.' },
  { id: 'car-service', title: 'Car service history', type: 'note', tags: ['car'], content: '2024-11: oil and filters, 92,400 km.\n2025-10: brakes (front), 104,100 km.' },
  { id: 'warranty-laptop', title: 'Laptop warranty', type: 'receipt', tags: ['warranty', 'electronics'], content: 'Bought 3 January 2025; two-year warranty; serial in the photo.' },
  { id: 'will-draft', title: 'Will: draft for the notary', type: 'legal', tags: ['legal', 'family', 'important-papers'], content: 'Draft 2. Questions for the notary are at the end.' },
];

/** Starts out/node/web-server.mjs; resolves with its URL and a stop function. */
async function startTwin(vault, dataHome) {
  const child = spawn(process.execPath, [join(root, 'out', 'node', 'web-server.mjs'), '--vault', vault], {
    cwd: root,
    // XDG_DATA_HOME: the twin's app data (settings, past benchmark runs) go to the temp folder, not the user's.
    // DOCVAULT_TEST_HOLD_TRANSFERS: a big import waits between batches until cancelled, for the progress picture.
    env: { ...process.env, DOCVAULT_TEST_KDF_PROFILE: '2', DOCVAULT_TEST_HOLD_TRANSFERS: '1', XDG_DATA_HOME: dataHome },
    stdio: ['ignore', 'pipe', 'inherit'],
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

async function seed(call) {
  await call('vault.create', { passphrase: PASS });
  for (const d of SAMPLES) await call('doc.create', { document: d });
  // A history for the lease, so versions exist to look at.
  await call('doc.update', { id: 'lease-2025', patch: { content: `${SAMPLES[0].content}\nRent raised to 1,180 EUR from March 2026.` }, expectedVersion: 1, comment: 'Rent indexation' });
  await call('doc.update', { id: 'tax-2025', patch: { content: `${SAMPLES[2].content}\nRefund received: 412 EUR.` }, expectedVersion: 1 });
  // A third lease version with changes inside lines, for the comparison pictures.
  const lease3 = `${SAMPLES[0].content.replace('three years', 'five years').replace('paid by transfer on 20 February', 'returned in full on 5 March')}\nRent raised to 1,180 EUR from March 2026.`;
  await call('doc.update', { id: 'lease-2025', patch: { content: lease3 }, expectedVersion: 2, comment: 'Renewed for five years' });
  // Two things in the Trash.
  await call('doc.create', { document: { id: 'old-gym', title: 'Gym membership (cancelled)', type: 'contract', tags: ['sport'], content: 'Cancelled in May.' } });
  await call('doc.create', { document: { id: 'shopping', title: 'Shopping list', type: 'note', content: 'Milk, eggs.' } });
  await call('doc.delete', { id: 'old-gym' });
  await call('doc.delete', { id: 'shopping' });
}

const openDoc = (title) => async (page) => {
  await page.getByTestId('doc-row').filter({ hasText: title }).first().click();
  await page.getByTestId('editor').getByLabel('Title').waitFor();
};

/** Opens the lease's history, selects version 1 and compares it with the current version. */
const compareLease = async (page) => {
  await openDoc('Flat lease')(page);
  await page.getByTestId('editor').getByRole('button', { name: 'History' }).click();
  const history = page.getByTestId('history-dialog');
  await history.getByTestId('timeline').getByRole('button', { name: /Version 1/ }).click();
  await history.getByRole('tab', { name: 'Compare' }).click();
  await history.locator('[data-testid="comparison"][data-status="done"]').waitFor();
};

/** Calls in the background (reads, a list now and then, saves to one scratch note) so the live charts have something to show. */
function workload(call) {
  let stop = false;
  const done = (async () => {
    for (let i = 0; !stop; i++) {
      // Paced under the per-channel rate limit (500 calls/s): a busy user, not a flood.
      if (i % 2 === 0) await sleep(4);
      await call('doc.get', { id: SAMPLES[i % SAMPLES.length].id });
      if (i % 40 === 0) await call('doc.put', { document: { id: 'shots-meter', title: 'Meter readings', type: 'note', tags: ['home'], content: `Electricity: ${41_200 + i} kWh` } });
      if (i % 200 === 0) await call('doc.list', { limit: 100 });
    }
  })();
  return async () => {
    stop = true;
    await done;
  };
}

/** Opens the Performance view while the workload runs, until the chart holds `points` ticks. */
const performanceView = (points) => async (page, call) => {
  const stopWork = workload(call);
  try {
    await page.getByRole('button', { name: 'Performance' }).click();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="chart"]')?.getAttribute('data-points') ?? 0) >= n, points, { timeout: 60_000 });
  } finally {
    await stopWork();
  }
};

/** Folders to import from (made once, in the temp folder): a few notes with bad files among them, and many notes. */
function importFolders(dir) {
  const notes = join(dir, 'import', 'notes');
  mkdirSync(join(notes, 'receipts'), { recursive: true });
  writeFileSync(join(notes, 'boiler.md'), '---\ntitle: Boiler service\ntags: [home]\n---\nServiced 12 October; next one due in a year.');
  writeFileSync(join(notes, 'receipts', 'fridge.txt'), 'Fridge bought 4 April, receipt number 22-118.');
  writeFileSync(join(notes, 'old-notes.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  writeFileSync(join(notes, 'dentist.md'), '---\nid: dentist\n---\nCheck-up in May.');
  writeFileSync(join(notes, 'dentist-copy.md'), '---\nid: dentist\n---\nCheck-up in May.');
  symlinkSync(join(notes, 'boiler.md'), join(notes, 'shortcut.md'));
  const many = join(dir, 'import', 'archive');
  mkdirSync(many, { recursive: true });
  for (let i = 0; i < 1200; i++) writeFileSync(join(many, `letter-${String(i).padStart(4, '0')}.md`), `Letter ${i}`);
  return { notes, many };
}

/** Opens Import… with its shortcut and types `path`; the web twin takes typed paths. */
const importForm = (path) => async (page) => {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Import…' }).click();
  const form = page.getByTestId('transfer-form');
  await form.locator('input[name="transfer-path"]').fill(path);
};

/** A document with three attachments: a scan, a PDF and a photo. */
async function attachSamples(call) {
  const pieces = [
    ['passport-scan.png', 'image/png', Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')],
    ['renewal-form.pdf', 'application/pdf', Buffer.alloc(184_320, 0x25)],
    ['photo-booth.jpg', 'image/jpeg', Buffer.alloc(1_250_000, 0xd8)],
  ];
  for (const [name, mediaType, bytes] of pieces) {
    const t = await call('attachments.begin', { id: 'passport-notes', name, mediaType, size: bytes.length });
    for (let off = 0; off < bytes.length; off += t.chunkBytes) await call('attachments.chunk', { uploadId: t.uploadId, offset: off, data: bytes.subarray(off, off + t.chunkBytes).toString('base64') });
    await call('attachments.commit', { id: 'passport-notes', uploadId: t.uploadId });
  }
}

let folders;

/** The pictures: name, window size, what to do first (given the page and the API), and what to put back afterwards. */
const SHOTS = [
  { name: 'list', width: 1280, height: 800, run: async () => {} },
  { name: 'editor', width: 1280, height: 800, run: openDoc('Flat lease') },
  {
    name: 'trash',
    width: 1280,
    height: 800,
    run: async (page) => {
      await page.getByRole('button', { name: 'Trash' }).click();
      await page.getByTestId('trash-row').first().waitFor();
    },
  },
  { name: 'narrow', width: 700, height: 760, run: openDoc('Flat lease') },
  {
    // The unlock screen after a wrong passphrase (one message); the vault is unlocked again afterwards.
    name: 'unlock',
    width: 1000,
    height: 600,
    run: async (page) => {
      await page.getByRole('button', { name: 'Lock' }).click();
      await page.locator('input[name="passphrase"]').fill('not the passphrase');
      await page.getByRole('button', { name: 'Unlock' }).click();
      await page.getByRole('alert').waitFor();
    },
    after: (call) => call('vault.unlock', { passphrase: PASS }),
  },
  { name: 'compare', width: 1280, height: 800, run: compareLease },
  { name: 'compare-narrow', width: 700, height: 900, run: compareLease },
  {
    name: 'restore',
    width: 1280,
    height: 800,
    run: async (page) => {
      await compareLease(page);
      await page.getByRole('button', { name: 'Restore version 1…' }).click();
      const dialog = page.getByTestId('restore-dialog');
      await dialog.locator('[data-testid="restore-preview"][data-status="done"]').waitFor();
      await dialog.getByTestId('restore-comment').fill('The renewal was never signed');
    },
  },
  {
    // An edit conflict: a document saved through the API while the window has unsaved edits. It is purged
    // afterwards, so the next pictures (and the dark pass) see the same vault.
    name: 'conflict',
    width: 1280,
    height: 800,
    run: async (page, call) => {
      await call('doc.create', { document: { id: 'shots-conflict', title: 'Meeting notes', type: 'note', content: 'Agenda: budget, hiring.\nDecision: hire two engineers in Q3.\n' } });
      await page.getByTestId('doc-row').filter({ hasText: 'Meeting notes' }).first().click();
      const editor = page.getByTestId('editor');
      await editor.getByLabel('Content').fill('Agenda: budget, hiring.\nDecision: hire one engineer in Q3, one in Q4.\n');
      await call('doc.update', { id: 'shots-conflict', patch: { content: 'Agenda: budget, hiring, offices.\nDecision: hire two engineers in Q3.\n' }, expectedVersion: 1 });
      await editor.getByRole('button', { name: 'Save' }).click();
      await page.locator('[data-testid="conflict-comparison"][data-status="done"]').waitFor();
    },
    after: (call) => call('doc.purge', { id: 'shots-conflict' }),
  },
  {
    name: 'no-matches',
    width: 1000,
    height: 600,
    run: async (page) => {
      await page.getByLabel('Filter by tag').fill('#nothing');
      await page.getByTestId('list-empty').waitFor();
    },
  },
  // The panels that take the place of the editor. The scratch note the workload saves is purged afterwards.
  { name: 'performance', width: 1280, height: 900, run: performanceView(12), after: (call) => call('doc.purge', { id: 'shots-meter' }) },
  { name: 'performance-narrow', width: 700, height: 900, run: performanceView(8), after: (call) => call('doc.purge', { id: 'shots-meter' }) },
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
    // The run above, in a narrow window.
    name: 'benchmark-narrow',
    width: 700,
    height: 1000,
    run: async (page) => {
      await page.getByRole('button', { name: 'Benchmark' }).click();
      await page.getByTestId('bench-results').waitFor();
    },
  },
  { name: 'import-form', width: 1000, height: 760, run: async (page) => importForm(folders.notes)(page) },
  {
    name: 'import-progress',
    width: 1000,
    height: 760,
    run: async (page) => {
      await importForm(folders.many)(page);
      await page.getByTestId('transfer-form').getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByTestId('transfer-progress-line').filter({ hasText: 'Imported 250 of 1,200' }).waitFor();
    },
    // Held between batches: cancel it, and take the 250 letters out again for the next pictures.
    after: async (call) => {
      const { running } = await call('transfer.info', {});
      if (running !== null) await call('transfer.cancel', { jobId: running.jobId });
      while ((await call('transfer.info', {})).running !== null) await sleep(20);
      for (let i = 0; i < 1200; i++) await call('doc.purge', { id: `letter-${String(i).padStart(4, '0')}` }).catch(() => undefined);
    },
  },
  {
    name: 'import-summary',
    width: 1000,
    height: 760,
    run: async (page) => {
      await importForm(folders.notes)(page);
      await page.getByTestId('transfer-form').getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByTestId('transfer-summary').waitFor();
    },
    after: async (call) => {
      for (const id of ['boiler', 'receipts/fridge']) await call('doc.purge', { id }).catch(() => undefined);
    },
  },
  { name: 'attachments', width: 1280, height: 800, run: openDoc('Passport renewal') },
  { name: 'attachments-narrow', width: 700, height: 760, run: openDoc('Passport renewal') },
  {
    name: 'settings',
    width: 1000,
    height: 900,
    run: async (page) => {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByTestId('vault-facts').waitFor();
    },
  },
  {
    name: 'audit-log',
    width: 1000,
    height: 700,
    run: async (page) => {
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Audit log' }).click();
      await page.getByTestId('audit-row').first().waitFor();
    },
  },
  {
    name: 'restore-backup',
    width: 1000,
    height: 700,
    run: async (page, call) => {
      await call('backup.create', {});
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Restore…' }).click();
      await page.getByRole('radio').first().waitFor();
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
  await seed(twin.call);
  await attachSamples(twin.call);
  folders = importFolders(dir);
  const only = process.argv.slice(2);
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    for (const shot of SHOTS) {
      if (only.length > 0 && !only.includes(shot.name)) continue;
      const page = await context.newPage();
      await page.setViewportSize({ width: shot.width, height: shot.height });
      await page.goto(twin.url);
      await page.getByRole('button', { name: 'Lock', exact: true }).waitFor();
      await page.getByTestId('doc-row').first().waitFor();
      await shot.run(page, twin.call);
      const file = join(outDir, `${shot.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${file.slice(root.length + 1)}`);
      await shot.after?.(twin.call);
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
  await twin.stop();
  rmSync(dir, { recursive: true, force: true });
}

// 2. Specs that take docs shots themselves (a name on the command line picks specs too: `-- versions`).
const e2eDir = join(root, 'test', 'e2e');
const only = process.argv.slice(2);
const specs = readdirSync(e2eDir).filter(
  (f) => f.endsWith('.spec.ts') && readFileSync(join(e2eDir, f), 'utf8').includes('docs: true') && (only.length === 0 || only.some((o) => f.startsWith(o))),
);
if (specs.length > 0) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...specs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, DOCVAULT_SCREENSHOT_DIR: outDir },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
