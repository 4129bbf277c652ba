/**
 * The audit log through the backend and the contract (`audit.list`), as both transports call it: opens and
 * failed unlocks (counted while locked, recorded at the next open; at once while open), backups, a failed
 * verify, and a chain broken with the page key shown as problems naming the entry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { UnlockThrottle } from '../../src/app/rate-limit';
import { vaultStoreFactory } from '../../src/app/store';
import { Vault } from '../../src/main/storage';
import type { AuditPage } from '../../src/shared/audit';
import { withRawConnection } from '../helpers/raw-db';
import { hexKey, tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  return { dir: t.dir, path: join(t.dir, 'v.dvault') };
}

/** A backend on a key-file vault (no KDF: fast), with its own unlock throttle. */
async function keyVault() {
  const { path } = setup();
  const key = hexKey();
  const v = await Vault.create(path, { key: { rawKey: key } });
  v.create({ id: 'doc', content: 'x' });
  v.close();
  const b = new DocvaultBackend({ vaultPath: path, storeFactory: vaultStoreFactory, unlockThrottle: new UnlockThrottle({ freeFailures: 100 }) });
  return { b, handle: createHandler(b), path, key };
}

async function list(handle: ReturnType<typeof createHandler>, limit?: number): Promise<AuditPage> {
  const r = await handle('audit.list', limit === undefined ? {} : { limit });
  if (!r.ok) throw new Error(`audit.list failed: ${r.error.kind} ${r.error.message}`);
  return r.value as AuditPage;
}

function shape(p: AuditPage): string[] {
  return p.entries.map((e) => `${e.event}:${e.outcome}${e.count === null ? '' : `:${e.count}`}`).reverse();
}

describe('audit log through the backend', () => {
  it('records failed unlocks at the next open, the open itself, and a wrong key tried while open at once', async () => {
    const { b, handle, key } = await keyVault();
    for (let i = 0; i < 3; i++) expect(await handle('vault.unlock', { rawKey: hexKey() })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect(await handle('audit.list', {})).toMatchObject({ ok: false, error: { kind: 'Closed' } });
    expect(await handle('vault.unlock', { rawKey: key })).toMatchObject({ ok: true });
    expect(await handle('vault.unlock', { rawKey: hexKey() })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect(shape(await list(handle))).toEqual(['vault.create:ok', 'document.create:ok:1', 'unlock.failed:failed:3', 'vault.open:ok', 'unlock.failed:failed:1']);
    await b.close();
  });

  it('attempts the unlock back-off refused are counted too, and recorded with the next entry (RateLimited)', async () => {
    const { path } = setup();
    const key = hexKey();
    (await Vault.create(path, { key: { rawKey: key } })).close();
    let now = 1_000_000;
    const b = new DocvaultBackend({ vaultPath: path, storeFactory: vaultStoreFactory, unlockThrottle: new UnlockThrottle({ freeFailures: 1, baseDelayMs: 60_000 }, () => now) });
    const handle = createHandler(b);
    expect(await handle('vault.unlock', { rawKey: hexKey() })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    expect(await handle('vault.unlock', { rawKey: hexKey() })).toMatchObject({ ok: false, error: { kind: 'WrongKey' } });
    for (let i = 0; i < 2; i++) expect(await handle('vault.unlock', { rawKey: key })).toMatchObject({ ok: false, error: { kind: 'RateLimited' } });
    now += 120_000;
    expect(await handle('vault.unlock', { rawKey: key })).toMatchObject({ ok: true });
    const page = await list(handle);
    expect(shape(page)).toEqual(['vault.create:ok', 'unlock.failed:failed:2', 'unlock.failed:failed:2', 'vault.open:ok']);
    expect(page.entries[1]).toMatchObject({ event: 'unlock.failed', detail: 'RateLimited' });
    await b.close();
  });

  it('records deletes from the window, a backup and a failed verify; the page verifies until the chain is altered', async () => {
    const { b, handle, key, path } = await keyVault();
    await handle('vault.unlock', { rawKey: key });
    expect(await handle('doc.delete', { id: 'doc' })).toMatchObject({ ok: true });
    expect(await handle('backup.create', {})).toMatchObject({ ok: true });
    const clean = await list(handle, 2);
    expect(clean).toMatchObject({ total: 5, firstSeq: 1, problems: [] });
    expect(shape(clean)).toEqual(['document.delete:ok:1', 'backup:ok:1']);
    await b.lock();
    withRawConnection(path, key, (db) => db.exec("UPDATE audit_log SET count = 7 WHERE seq = 4"));
    await handle('vault.unlock', { rawKey: key });
    const broken = await list(handle);
    expect(broken.problems).toEqual([expect.objectContaining({ seq: 4, message: expect.stringMatching(/audit entry 4 does not verify/) as string })]);
    const verify = await handle('vault.verify', {});
    expect(verify).toMatchObject({ ok: true, value: { ok: false, problems: [expect.objectContaining({ kind: 'Audit', entry: 4 })] } });
    const after = await list(handle, 1);
    expect(after.entries[0]).toMatchObject({ event: 'integrity.failure', outcome: 'failed', count: 1 });
    await b.close();
  });

  it('refuses a bad limit at the boundary', async () => {
    const { b, handle, key } = await keyVault();
    await handle('vault.unlock', { rawKey: key });
    for (const limit of [0, 10_001, 1.5]) expect(await handle('audit.list', { limit })).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
    expect(await handle('audit.list', { limit: 1, extra: true } as never)).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
    await b.close();
  });
});
