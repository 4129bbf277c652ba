/**
 * Restore from the window: a backup that fails verification is refused before the vault is locked (the
 * window keeps its screen and shows Integrity; nothing is replaced), and a good one is swapped in without the
 * windows seeing a "locked" moment, then the restored vault's log records the restore and the reopening.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { resolveKey } from '../../src/main/storage';
import type { AuditPage } from '../../src/shared/audit';
import type { BackupCreated, PushEvent } from '../../src/shared/contract';
import { withRawConnection } from '../helpers/raw-db';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  const path = join(t.dir, 'v.dvault');
  const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2 });
  const handle = createHandler(b);
  const events: PushEvent[] = [];
  b.subscribe((e) => events.push(e));
  await b.create('pass phrase');
  await handle('doc.create', { document: { id: 'kept', content: 'in the backup' } });
  const made = (await handle('backup.create', {})) as { ok: true; value: BackupCreated };
  await handle('doc.create', { document: { id: 'later', content: 'after the backup' } });
  return { b, handle, events, path, backup: made.value };
}

/** The raw key of a passphrase vault, for a page-key edit. */
async function rawKeyOf(path: string): Promise<string> {
  const k = await resolveKey(path, { passphrase: 'pass phrase' });
  if (!('rawKey' in k)) throw new Error('expected a raw key');
  return k.rawKey.toString('hex');
}

describe('backup.restore from the window', () => {
  it('refuses a backup that does not verify before locking anything: Integrity, the vault open and unchanged', async () => {
    const { b, handle, events, path, backup } = await setup();
    withRawConnection(backup.path, await rawKeyOf(backup.path), (db) => db.exec("UPDATE versions SET content = 'forged'"));
    events.length = 0;
    const r = await handle('backup.restore', { name: backup.name, passphrase: 'pass phrase' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'Integrity', message: expect.stringMatching(/Nothing was replaced/) as string } });
    expect(b.isUnlocked).toBe(true);
    expect(events.filter((e) => e.event === 'vault.changed')).toEqual([]);
    expect(await handle('doc.get', { id: 'later' })).toMatchObject({ ok: true });
    expect(readdirSync(dirname(path)).filter((n) => n.includes('before-restore'))).toEqual([]);
    await b.close();
  });

  it('swaps a good backup in without a locked moment; the restored log records the restore and the reopening', async () => {
    const { b, handle, events, backup } = await setup();
    events.length = 0;
    const r = await handle('backup.restore', { name: backup.name, passphrase: 'pass phrase' });
    expect(r).toMatchObject({ ok: true, value: { documents: 1, status: { state: 'unlocked' } } });
    expect(events.filter((e) => e.event === 'vault.changed').map((e) => (e.data as { state: string }).state)).toEqual(['unlocked']);
    expect(await handle('doc.get', { id: 'later' })).toMatchObject({ ok: false, error: { kind: 'NotFound' } });
    const log = (await handle('audit.list', {})) as { ok: true; value: AuditPage };
    expect(log.value.problems).toEqual([]);
    expect(log.value.entries.slice(0, 2).map((e) => e.event)).toEqual(['vault.open', 'restore']);
    await b.close();
  });
});
