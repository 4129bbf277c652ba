/** verify in chunks: a budget per call, a token to resume, the same findings as one call. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import type { VerifyReport } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { RECOUNT_TOTALS_SQL, withRawConnection } from '../helpers/raw-db';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(): { vault: Vault; path: string; key: string } {
  const made = makeVault();
  cleanups.push(made.cleanup);
  made.vault.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ id: `d${i}`, content: `content ${i}`.repeat(20), tags: [`t${i % 3}`] })));
  for (let i = 0; i < 300; i += 7) made.vault.update(`d${i}`, { content: `second ${i}` });
  return made;
}

/** Runs verify in chunks of `maxMs` until done; returns every report. */
function chunked(v: Vault, maxMs: number, between?: (i: number) => void): VerifyReport[] {
  const reports: VerifyReport[] = [];
  let from: string | undefined;
  do {
    const r = v.verify(undefined, { maxMs, ...(from !== undefined ? { from } : {}) });
    reports.push(r);
    from = r.next;
    between?.(reports.length);
  } while (from !== undefined);
  return reports;
}

describe('verify in chunks', () => {
  it('resumes chunk by chunk to the same report as one call', () => {
    const { vault } = setup();
    const whole = vault.verify();
    // A budget far below one document's cost: each chunk stops after its first document.
    const reports = chunked(vault, 0.000001);
    expect(reports.length).toBeGreaterThan(100);
    const last = reports.at(-1)!;
    expect(last).toMatchObject({ ok: true, problems: [], documents: whole.documents, versions: whole.versions });
    expect(last.next).toBeUndefined();
    expect(last.skipped).toBeUndefined();
    expect(reports.slice(0, -1).every((r) => typeof r.next === 'string')).toBe(true);
  });

  it('finds what one call finds: a broken chain, and a document deleted outside docvault', () => {
    const { vault, path, key } = setup();
    vault.indexSearch();
    withRawConnection(path, key, (db) => {
      db.exec("DELETE FROM versions WHERE vid = (SELECT doc FROM documents WHERE id = 'd7') * 16777216 + 1");
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd8')");
      db.exec("DELETE FROM versions WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd8')");
      db.exec("DELETE FROM documents WHERE id = 'd8'");
      // The totals set to match, as the tamperer can (the deletions would otherwise show as wrong totals too).
      db.exec(RECOUNT_TOTALS_SQL);
    });
    vault.refresh();
    const whole = vault.verify();
    const last = chunked(vault, 0.000001).at(-1)!;
    expect(last.problems).toEqual(whole.problems);
    expect(last.problems.map((p) => p.kind).sort()).toEqual(['History', 'History', 'Vault']);
  });

  it('a write between chunks: the per-document checks go on, the whole-vault comparisons are skipped and say why', () => {
    const { vault } = setup();
    const reports = chunked(vault, 0.000001, (i) => {
      if (i === 3) vault.update('d1', { content: 'changed meanwhile' });
    });
    const last = reports.at(-1)!;
    expect(last.ok).toBe(true);
    expect(last.skipped).toMatch(/changed between chunks/);
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a token it did not make, and a bad budget', () => {
    const { vault } = setup();
    expect(() => vault.verify(undefined, { from: 'junk' })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(() => vault.verify(undefined, { maxMs: -1 })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });
});
