/**
 * The backend's unlock forms (key file, plain vault), a wrong key sent to an open vault, facts, settings,
 * the auto-lock and the stats subscription — through the request handler, as both transports call it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { vaultStoreFactory } from '../../src/app/store';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { MIGRATION_PHASE } from '../../src/shared/types';
import { copySchema1 } from '../helpers/fixture';
import type { PushEvent } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/shared/live';
import { hexKey, tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  return { dir: t.dir, path: join(t.dir, 'v.dvault') };
}

describe('unlock', () => {
  it('a wrong passphrase sent to an unlocked vault fails for that caller only; the vault stays open', async () => {
    const { path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2 });
    const handle = createHandler(b);
    const windowA: PushEvent[] = [];
    const windowB: PushEvent[] = [];
    b.subscribe((e) => windowA.push(e));
    b.subscribe((e) => windowB.push(e));
    await b.create('pass phrase');
    await b.channels['doc.create']({ document: { id: 'a', content: 'x' } });
    const r = await handle('vault.unlock', { passphrase: 'wrong' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect(b.isUnlocked).toBe(true);
    expect(await handle('doc.get', { id: 'a' })).toMatchObject({ ok: true, value: { content: 'x' } });
    expect(windowB.some((e) => e.event === 'vault.changed' && e.data.state === 'locked')).toBe(false);
    // The right passphrase on an open vault is a no-op that says "unlocked".
    expect(await handle('vault.unlock', { passphrase: 'pass phrase' })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    await b.close();
  });

  it('an older vault is upgraded as it unlocks, with progress events for the window (op vault.unlock)', async () => {
    const f = copySchema1();
    cleanup = f.cleanup;
    const b = new DocvaultBackend({ vaultPath: f.path, storeFactory: vaultStoreFactory });
    const events: PushEvent[] = [];
    b.subscribe((e) => events.push(e));
    expect(await createHandler(b)('vault.unlock', { rawKey: f.key })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const progress = events.flatMap((e) => (e.event === 'progress' ? [e.data] : []));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((p) => p.op === 'vault.unlock' && p.phase === MIGRATION_PHASE)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: SCHEMA_VERSION - 1, total: SCHEMA_VERSION - 1 });
    // Locked and unlocked again: no upgrade is due, no progress.
    await b.lock();
    events.length = 0;
    expect(await createHandler(b)('vault.unlock', { rawKey: f.key })).toMatchObject({ ok: true });
    expect(events.some((e) => e.event === 'progress')).toBe(false);
    await b.close();
  });

  it('opens a key-file vault with its raw key, in either case; a wrong key is WrongKey', async () => {
    const { path } = setup();
    const key = hexKey();
    (await Vault.create(path, { key: { rawKey: key } })).close();
    const b = new DocvaultBackend({ vaultPath: path, storeFactory: vaultStoreFactory });
    const handle = createHandler(b);
    expect((await b.status()).encrypted).toBe(true);
    expect(await handle('vault.unlock', { rawKey: hexKey() })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect(await handle('vault.unlock', { rawKey: 'abc' })).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
    expect(await handle('vault.unlock', { rawKey: key.toUpperCase() })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const facts = await handle('vault.facts', {});
    expect(facts).toMatchObject({ ok: true, value: { encrypted: true, path, schemaVersion: expect.any(Number) as number } });
    expect((facts as { value: { kdf: string; createdAt: number } }).value.kdf).toMatch(/raw 256-bit key/);
    expect((facts as { value: { createdAt: number } }).value.createdAt).toBeGreaterThan(0);
    expect((facts as { value: { attachments: unknown } }).value.attachments).toEqual({ files: 0, storedBytes: 0, referencedBytes: 0 });
    await b.close();
  });

  it('opens a plain vault without a key and says it is not encrypted', async () => {
    const { path } = setup();
    (await Vault.create(path, { key: { encryption: false } })).close();
    const b = new DocvaultBackend({ vaultPath: path, storeFactory: vaultStoreFactory });
    expect((await b.status()).encrypted).toBe(false);
    expect(await createHandler(b)('vault.unlock', { passphrase: 'x' })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect((await b.unlock({ encryption: false })).state).toBe('unlocked');
    expect((await b.channels['vault.facts']({})).kdf).toMatch(/not encrypted/);
    await b.close();
  });

  it('reports the KDF profile of a passphrase vault', async () => {
    const { path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory });
    await b.create('pass phrase');
    expect((await b.channels['vault.facts']({})).kdf).toMatch(/^Argon2id, 8 MiB, 1 pass/);
    await b.close();
  });
});

describe('settings and auto-lock', () => {
  it('keeps settings in app data, drops bad stored values, and applies the memory mode on the next open', async () => {
    const { dir, path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory, appDataDir: dir });
    expect(await b.channels['settings.get']({})).toEqual(DEFAULT_SETTINGS);
    const handle = createHandler(b);
    expect(await handle('settings.set', { readers: 0 })).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
    await handle('settings.set', { memoryMode: 'baseline', cacheMiB: 8, showTicker: false });
    expect(JSON.parse(readFileSync(join(dir, 'preferences.json'), 'utf8'))).toMatchObject({ memoryMode: 'baseline', cacheMiB: 8, showTicker: false });
    await b.create('pass phrase');
    const stats = await b.channels['vault.stats']({});
    expect(stats.memoryMode).toBe('baseline');
    expect(stats.cache.maxBytes).toBe(8 * 1024 * 1024);
    await b.close();
    const again = new DocvaultBackend({ vaultPath: path, appDataDir: dir });
    expect(again.settings.memoryMode).toBe('baseline');
    await again.close();
  });

  it('locks after the idle time; activity postpones it', async () => {
    const { dir, path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory, appDataDir: dir });
    const states: string[] = [];
    b.subscribe((e) => {
      if (e.event === 'vault.changed') states.push(e.data.state);
    });
    await b.channels['settings.set']({ autoLockMinutes: 0.005 }); // 300 ms
    await b.create('pass phrase');
    expect(b.isUnlocked).toBe(true);
    await expect.poll(() => b.isUnlocked, { timeout: 5000 }).toBe(false);
    expect(states).toEqual(['unlocked', 'locked']);
    await b.close();
  });

  it('never locks with autoLockMinutes 0', async () => {
    const { dir, path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory, appDataDir: dir });
    await b.channels['settings.set']({ autoLockMinutes: 0 });
    await b.create('pass phrase');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.isUnlocked).toBe(true);
    await b.close();
  });
});

describe('stats subscription', () => {
  it('pushes live samples only between subscribe and unsubscribe; calls appear in them', async () => {
    const { path } = setup();
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, statsIntervalMs: 20 });
    const handle = createHandler(b);
    const ticks: PushEvent[] = [];
    b.subscribe((e) => {
      if (e.event === 'stats.tick') ticks.push(e);
    });
    expect(await handle('stats.subscribe', {})).toMatchObject({ ok: false, error: { kind: 'Closed' } });
    await b.create('pass phrase');
    await new Promise((r) => setTimeout(r, 60));
    expect(ticks).toHaveLength(0); // listening is not watching
    const sub = await handle('stats.subscribe', {});
    if (!sub.ok) throw new Error('subscribe failed');
    await handle('doc.create', { document: { id: 'a', content: 'x' } });
    for (let i = 0; i < 20; i++) await handle('doc.get', { id: 'a' });
    await expect
      .poll(() => ticks.some((t) => t.event === 'stats.tick' && (t.data.ops['doc.get']?.perSec ?? 0) > 0 && t.data.vault.documents === 1))
      .toBe(true);
    await handle('stats.unsubscribe', { id: (sub.value as { id: string }).id });
    const n = ticks.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks.length).toBeLessThanOrEqual(n + 1); // at most one tick already under way
    await b.close();
  });
});
