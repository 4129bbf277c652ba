/**
 * Changing the key: the vault opens with the new key only, every tag re-derived (verify clean), contents
 * and history unchanged; a wrong current key, a damaged vault or an open vault change nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { withRawConnection } from '../helpers/tamper';
import { hexKey, tempDir } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isDocvaultError(err) ? err.kind : `not docvault: ${String(err)}`;
  }
}

function seed(key: string): { path: string; dir: string } {
  const t = tempDir('docvault-rekey-');
  cleanups.push(t.cleanup);
  const path = join(t.dir, 'v.dvault');
  const v = Vault.createSync(path, { key: { rawKey: key } });
  v.bulkCreate(Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, title: `t${i}`, content: `content ${i}`, tags: ['x'], metadata: { author: 'me' } })));
  v.update('d1', { content: 'second' });
  v.update('d1', { content: 'third' });
  v.delete('d2');
  v.close();
  return { path, dir: t.dir };
}

function snapshot(v: Vault): unknown {
  return { list: v.list({ limit: 1000 }).items, d1: v.versions('d1'), v1: v.getVersion('d1', 1).content, trash: v.listTrash().items, stats: [v.count()] };
}

describe('Vault.rekey', () => {
  it('raw key → passphrase → raw key: contents, history and Trash kept, verify clean, the old key refused', async () => {
    const key = hexKey();
    const { path, dir } = seed(key);
    const before = Vault.openSync(path, { key: { rawKey: key } });
    const expected = snapshot(before);
    before.close();
    const phases = new Set<string>();
    const r = await Vault.rekey(path, { key: { rawKey: key }, newKey: { passphrase: 'new pass', kdfProfile: 2 }, onProgress: (p) => phases.add(p.phase ?? '') });
    expect(r).toMatchObject({ documents: 30, versions: 32 });
    expect([...phases].sort()).toEqual(['check', 'copy', 'rekey', 'retag', 'verify']);
    expect(await kindOf(Vault.open(path, { key: { rawKey: key } }))).toBe('WrongKey');
    const after = await Vault.open(path, { key: { passphrase: 'new pass' } });
    expect(after.verify().ok).toBe(true);
    expect(snapshot(after)).toEqual(expected);
    after.update('d1', { content: 'fourth' }); // the chain goes on under the new key
    expect(after.verify().ok).toBe(true);
    after.close();
    const key2 = hexKey();
    await Vault.rekey(path, { key: { passphrase: 'new pass' }, newKey: { rawKey: key2 } });
    const again = Vault.openSync(path, { key: { rawKey: key2 } });
    expect(again.verify().ok).toBe(true);
    expect(again.get('d1').content).toBe('fourth');
    again.close();
    expect(readdirSync(dir).sort()).toEqual(['v.dvault']);
  });

  it('refuses a wrong current key, an open vault, a plain vault and a damaged vault, leaving the file as it was', async () => {
    const key = hexKey();
    const { path } = seed(key);
    const bytes = readFileSync(path);
    expect(await kindOf(Vault.rekey(path, { key: { rawKey: hexKey() }, newKey: { rawKey: hexKey() } }))).toBe('WrongKey');
    expect(await kindOf(Vault.rekey(path, { key: { rawKey: key }, newKey: { encryption: false } }))).toBe('Invalid');
    const open = Vault.openSync(path, { key: { rawKey: key } });
    expect(await kindOf(Vault.rekey(path, { key: { rawKey: key }, newKey: { rawKey: hexKey() } }))).toBe('Overloaded');
    open.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
    withRawConnection(path, key, (db) => db.prepare("UPDATE versions SET comment = 'forged' WHERE rowid = (SELECT min(rowid) FROM versions)").run());
    const damaged = readFileSync(path);
    expect(await kindOf(Vault.rekey(path, { key: { rawKey: key }, newKey: { rawKey: hexKey() } }))).toBe('Integrity');
    expect(readFileSync(path).equals(damaged)).toBe(true);
    const t = tempDir();
    cleanups.push(t.cleanup);
    const plain = join(t.dir, 'p.dvault');
    Vault.createSync(plain, { key: { encryption: false } }).close();
    expect(await kindOf(Vault.rekey(plain, { key: { encryption: false }, newKey: { rawKey: hexKey() } }))).toBe('Invalid');
  });
});
