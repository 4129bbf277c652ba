/**
 * Backups and restoring them: an encrypted, verified, consistent copy written while another process
 * writes; never a half backup at the target; a restore that refuses a tampered backup or a wrong key,
 * keeps the vault it replaces, and swaps atomically.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { isDocvaultError, type ErrorKind } from '../../src/shared/errors';
import { bundledChild } from '../helpers/child-script';
import { withRawConnection } from '../helpers/tamper';
import { hexKey, tempDir } from '../helpers/tmp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const t = tempDir('docvault-backup-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function kindOf(fn: () => unknown): ErrorKind | 'no error' {
  try {
    fn();
  } catch (err) {
    if (isDocvaultError(err)) return err.kind;
    throw err;
  }
  return 'no error';
}

async function kindOfAsync(p: Promise<unknown>): Promise<ErrorKind | 'no error'> {
  try {
    await p;
  } catch (err) {
    if (isDocvaultError(err)) return err.kind;
    throw err;
  }
  return 'no error';
}

function seeded(d: string, key: string, n = 20): { vault: Vault; path: string; secret: string } {
  const path = join(d, 'v.dvault');
  const vault = Vault.createSync(path, { key: { rawKey: key } });
  cleanups.unshift(() => vault.close());
  const secret = `backup-secret-${randomBytes(10).toString('hex')}`;
  vault.bulkCreate(Array.from({ length: n }, (_, i) => ({ id: `d${i}`, title: `t${i}`, content: `${secret} ${i}`, tags: ['x'] })));
  vault.update('d0', { content: `${secret} second` });
  return { vault, path, secret };
}

describe('Vault.backup', () => {
  it('writes an encrypted copy that opens with the same key, verifies, and holds every document and version', () => {
    const d = dir();
    const key = hexKey();
    const { vault, secret } = seeded(d, key);
    const phases = new Set<string>();
    const out = join(d, 'backups', 'b1.dvault');
    const report = vault.backup(out, { onProgress: (p) => phases.add(p.phase ?? '') });
    expect(report).toMatchObject({ path: out, documents: 20, versions: 21 });
    expect(report.bytes).toBeGreaterThan(0);
    expect(phases).toEqual(new Set(['copy', 'verify']));
    expect(readFileSync(out).includes(Buffer.from(secret))).toBe(false);
    expect(readdirSync(join(d, 'backups'))).toEqual(['b1.dvault']); // no temporary file left
    const copy = Vault.openSync(out, { key: { rawKey: key } });
    try {
      expect(copy.verify().ok).toBe(true);
      expect(copy.get('d0').content).toBe(`${secret} second`);
      expect(copy.versions('d0')).toHaveLength(2);
      expect(copy.count()).toBe(20);
    } finally {
      copy.close();
    }
    expect(kindOf(() => Vault.openSync(out, { key: { rawKey: hexKey() } }))).toBe('WrongKey');
  });

  it('a passphrase vault: the copy keeps the KDF salt, so it opens with the passphrase', async () => {
    const d = dir();
    const path = join(d, 'p.dvault');
    const vault = await Vault.create(path, { key: { passphrase: 'correct horse', kdfProfile: 2 } });
    vault.create({ id: 'a', content: 'alpha' });
    const out = join(d, 'p-backup.dvault');
    vault.backup(out);
    vault.close();
    const copy = await Vault.open(out, { key: { passphrase: 'correct horse' } });
    expect(copy.get('a').content).toBe('alpha');
    copy.close();
    expect(await kindOfAsync(Vault.open(out, { key: { passphrase: 'wrong horse' } }))).toBe('WrongKey');
  });

  it('refuses to overwrite unless asked, and never writes onto the vault itself', () => {
    const d = dir();
    const { vault, path } = seeded(d, hexKey(), 3);
    const out = join(d, 'b.dvault');
    writeFileSync(out, 'precious');
    expect(kindOf(() => vault.backup(out))).toBe('AlreadyExists');
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(kindOf(() => vault.backup(path))).toBe('Invalid');
    expect(kindOf(() => vault.backup(''))).toBe('Invalid');
    vault.backup(out, { overwrite: true });
    expect(readFileSync(out).subarray(0, 8).toString()).not.toBe('precious');
  });

  it('runs on a read-only connection (as on a service reader) and inside no transaction', () => {
    const d = dir();
    const key = hexKey();
    const { vault, path } = seeded(d, key, 3);
    const reader = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    try {
      expect(reader.backup(join(d, 'r.dvault')).documents).toBe(3);
    } finally {
      reader.close();
    }
    expect(kindOf(() => vault.transaction(() => vault.backup(join(d, 't.dvault'))))).toBe('Invalid');
    expect(existsSync(join(d, 't.dvault'))).toBe(false);
  });
});

describe('Vault.backup while another process writes', () => {
  const script = bundledChild('test/fixtures/crash-writer.ts', 'backup-writer');

  it('each backup is a consistent snapshot that verifies, between what was acknowledged before and after', async () => {
    const d = dir();
    const key = hexKey();
    const path = join(d, 'w.dvault');
    Vault.createSync(path, { key: { rawKey: key } }).close();
    const child: ChildProcess = spawn(process.execPath, [script, path, key], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = 0;
    child.stdout?.on('data', (b: Buffer) => (acked += b.toString().split('\n').length - 1));
    try {
      await new Promise<void>((resolve) => {
        const check = (): void => (acked >= 20 ? resolve() : void setTimeout(check, 5));
        check();
      });
      const reader = await Vault.open(path, { key: { rawKey: key }, readonly: true });
      try {
        let last = -1;
        for (let round = 0; round < 3; round++) {
          const ackedBefore = acked;
          const r = reader.backup(join(d, `b${round}.dvault`));
          const copy = Vault.openSync(r.path, { key: { rawKey: key }, readonly: true });
          try {
            expect(copy.verify().ok).toBe(true);
            // Every write acknowledged before the backup started is in it (each line is ≥ 1 document).
            expect(copy.count()).toBeGreaterThanOrEqual(ackedBefore);
            expect(copy.count()).toBeGreaterThanOrEqual(last);
            last = copy.count();
          } finally {
            copy.close();
          }
          // Let the writer go on between rounds.
          const target = acked + 5;
          await new Promise<void>((resolve) => {
            const check = (): void => (acked >= target ? resolve() : void setTimeout(check, 5));
            check();
          });
        }
      } finally {
        reader.close();
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('Vault.restoreBackup', () => {
  it('replaces the vault with the backup and keeps the replaced vault beside it', async () => {
    const d = dir();
    const key = hexKey();
    const { vault, path } = seeded(d, key, 5);
    const out = join(d, 'b.dvault');
    vault.backup(out);
    vault.create({ id: 'after-backup', content: 'later' });
    vault.close();
    expect(await kindOfAsync(Vault.restoreBackup(path, out, { key: { rawKey: key }, now: () => Date.UTC(2026, 10, 30, 12, 0, 0) }))).toBe('no error');
    const kept = `${path}.before-restore-2026-11-30T12-00-00-000Z`;
    const restored = Vault.openSync(path, { key: { rawKey: key } });
    try {
      expect(restored.exists('after-backup')).toBe(false);
      expect(restored.count()).toBe(5);
      expect(restored.verify().ok).toBe(true);
    } finally {
      restored.close();
    }
    const old = Vault.openSync(kept, { key: { rawKey: key } });
    try {
      expect(old.get('after-backup').content).toBe('later');
    } finally {
      old.close();
    }
    expect(readdirSync(d).filter((f) => f.startsWith('.'))).toEqual([]); // no temporary file left
  });

  it('refuses a tampered backup and a wrong key, leaving the vault byte-identical', async () => {
    const d = dir();
    const key = hexKey();
    const { vault, path } = seeded(d, key, 5);
    const out = join(d, 'b.dvault');
    vault.backup(out);
    vault.close();
    const before = readFileSync(path);
    expect(await kindOfAsync(Vault.restoreBackup(path, out, { key: { rawKey: hexKey() } }))).toBe('WrongKey');
    // Someone with the page key (not the tag key) edits a document in the backup.
    withRawConnection(out, key, (db) => db.prepare("UPDATE documents SET title = 'forged' WHERE id = 'd3'").run());
    expect(await kindOfAsync(Vault.restoreBackup(path, out, { key: { rawKey: key } }))).toBe('Integrity');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(d).filter((f) => f.includes('before-restore') || f.startsWith('.'))).toEqual([]);
  });

  it('refuses while the vault is open, and a missing backup', async () => {
    const d = dir();
    const key = hexKey();
    const { vault, path } = seeded(d, key, 2);
    const out = join(d, 'b.dvault');
    vault.backup(out);
    expect(await kindOfAsync(Vault.restoreBackup(path, out, { key: { rawKey: key } }))).toBe('Overloaded');
    expect(await kindOfAsync(Vault.restoreBackup(path, join(d, 'none.dvault'), { key: { rawKey: key } }))).toBe('NotFound');
    expect(vault.count()).toBe(2);
  });
});
