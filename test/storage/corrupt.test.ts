/**
 * Damage, not tampering: stored JSON that does not parse, and a flipped byte in an encrypted page. Each
 * is reported for what it affects (Integrity / Corrupt naming the document), never as a wrong key, and
 * the rest of the vault stays readable.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSync, closeSync, readSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../src/main/storage';
import { hexKey, makeVault, tempDir } from '../helpers/tmp';
import { withRawConnection } from '../helpers/tamper';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, offset);
    b[0] = (b[0] as number) ^ 0x40;
    writeSync(fd, b, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

describe('damaged vaults', () => {
  it('a row whose stored tags or metadata JSON is corrupt is flagged in list(), not an error for the page', () => {
    const made = makeVault();
    cleanups.push(made.cleanup);
    for (let i = 0; i < 4; i++) made.vault.create({ id: `d${i}`, content: `c${i}`, tags: ['x'] });
    withRawConnection(made.path, made.key, (db) => {
      db.prepare("UPDATE documents SET tags = '[not json' WHERE id = 'd1'").run();
      db.prepare("UPDATE documents SET metadata = '\"a string\"' WHERE id = 'd2'").run();
    });
    made.vault.refresh();
    const page = made.vault.list();
    expect(page.items).toHaveLength(4);
    expect(page.items.filter((d) => d.integrityFailed === true).map((d) => d.id).sort()).toEqual(['d1', 'd2']);
    expect(page.items.find((d) => d.id === 'd1')?.tags).toEqual([]);
    expect(made.vault.list({ tag: 'x' }).items).toHaveLength(4);
    expect(() => made.vault.get('d1')).toThrow(expect.objectContaining({ kind: 'Integrity' }));
    expect(made.vault.get('d0').content).toBe('c0');
  });

  it('one flipped byte in an encrypted page: Corrupt naming the document, not NotAVault; verify goes on through the rest', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const path = join(dir, 'flip.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    // Large, distinct contents: most pages are overflow pages of one version each.
    for (let i = 0; i < 40; i++) v.create({ id: `doc-${i}`, content: `${i}:`.padEnd(20_000, String.fromCharCode(97 + (i % 26))) });
    v.close();
    const pages = statSync(path).size / 4096;
    // A page in the middle of the content, away from page 1 (the header) and the last pages (indexes).
    flipByte(path, Math.floor(pages / 2) * 4096 + 1000);

    const again = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => again.close());
    const results = Array.from({ length: 40 }, (_, i) => {
      try {
        again.get(`doc-${i}`);
        return 'ok';
      } catch (err) {
        const e = err as { kind: string; message: string; details?: { id?: string } };
        expect(e.kind).toBe('Corrupt');
        expect(e.details?.id).toBe(`doc-${i}`);
        expect(e.message).toContain(`doc-${i}`);
        return 'Corrupt';
      }
    });
    expect(results.filter((r) => r === 'Corrupt')).toHaveLength(1);
    expect(results.filter((r) => r === 'ok')).toHaveLength(39);
    const report = again.verify();
    expect(report.ok).toBe(false);
    // The damaged document is named; SQLite's own check, which reads every page, reports the page too.
    expect(report.problems.filter((p) => p.kind === 'Corrupt' && p.id !== undefined).map((p) => p.id)).toEqual([`doc-${results.indexOf('Corrupt')}`]);
    expect(report.problems.filter((p) => p.kind !== "Corrupt")).toEqual([]);
    // It went on: every document was checked.
    expect(report.documents).toBe(40);
  });
});
