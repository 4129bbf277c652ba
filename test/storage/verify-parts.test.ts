/**
 * verify's document phase cut into parts (engine/verify-parts.ts `verifyParts`): parts over ranges of
 * document rows, each resumed to its bound, merged, then the rest — with SQLite's check run on its own —
 * find exactly what one call finds. This is what the service spreads over its reader threads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { verifyParts } from '../../src/main/storage/engine/verify-parts';
import { mergeInSlices } from '../../src/main/storage/service/verify-runner';
import type { VerifyProblem, VerifyReport } from '../../src/shared/types';
import { makeVault } from '../helpers/tmp';
import { withRawConnection } from '../helpers/tamper';

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

const TINY = 0.000001;

/**
 * The service's plan, on two connections: parts of `span` rows on `other` (each stopping after every
 * document), SQLite's check alone and the rest on `v`. Returns the report and how many parts there were.
 */
function inParts(v: Vault, other: Vault, span: number): { report: VerifyReport; parts: number } {
  const { base, tokens, after } = partTokens(v, other, span);
  const apart = v.verify(undefined, { from: verifyParts.sqliteOnly(base) });
  let r = v.verify(undefined, { from: verifyParts.merge(base, tokens, after, 'skip') });
  while (r.next !== undefined) r = v.verify(undefined, { from: r.next, maxMs: TINY });
  return { report: { ...r, problems: [...r.problems, ...apart.problems] }, parts: tokens.length };
}

/** The document phase of a run begun on `v`, as finished parts of `span` rows run on `other`. */
function partTokens(v: Vault, other: Vault, span: number): { base: string; tokens: string[]; after: number } {
  const base = v.verify(undefined, { maxMs: TINY }).next as string;
  const tokens: string[] = [];
  let after = verifyParts.where(base).last;
  for (;;) {
    let token = verifyParts.part(base, after, after + span);
    while (verifyParts.state(token).last < after + span) token = other.verify(undefined, { from: token, maxMs: TINY }).next as string;
    tokens.push(token);
    after += span;
    if (verifyParts.state(token).end) break;
  }
  return { base, tokens, after };
}

const sorted = (ps: readonly VerifyProblem[]): string[] => ps.map((p) => JSON.stringify(p)).sort();

describe('verify in parts', () => {
  it('a healthy vault: the parts add up to the whole (counts, no problem)', () => {
    const { vault, path, key } = setup();
    const other = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.unshift(() => other.close());
    const whole = vault.verify();
    const { report, parts } = inParts(vault, other, 37);
    expect(parts).toBeGreaterThan(5);
    expect(report).toMatchObject({ ok: true, problems: [], documents: whole.documents, versions: whole.versions });
    expect(report.skipped).toBeUndefined();
  });

  it('finds what one call finds: a broken chain, a deleted document, versions of no document, a tag row removed, a bad checksum', () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) => {
      db.exec("DELETE FROM versions WHERE vid = (SELECT doc FROM documents WHERE id = 'd7') * 16777216 + 1");
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd8')");
      db.exec("DELETE FROM versions WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'd8')");
      db.exec("DELETE FROM documents WHERE id = 'd8'");
      // Versions left without their document, in the middle of the rows (a part's range covers them).
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd150')");
      db.exec("DELETE FROM documents WHERE id = 'd150'");
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd200') AND tag = 't2'");
      db.exec("UPDATE versions SET checksum = '00' || substr(checksum, 3) WHERE vid = (SELECT doc FROM documents WHERE id = 'd250') * 16777216 + 1");
    });
    vault.refresh();
    const other = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.unshift(() => other.close());
    const whole = vault.verify();
    expect(whole.ok).toBe(false);
    for (const span of [1, 13, 64, 1000]) {
      const { report } = inParts(vault, other, span);
      expect(sorted(report.problems)).toEqual(sorted(whole.problems));
      expect(report.documents).toBe(whole.documents);
      expect(report.versions).toBe(whole.versions);
    }
  });

  it("the service's merge a slice at a time (so its thread is never held long) makes the very token one merge makes", async () => {
    const { vault, path, key } = setup();
    withRawConnection(path, key, (db) => {
      // Problems in several parts, so their order in the merged token is checked too.
      for (const id of ['d3', 'd120', 'd250']) db.exec(`UPDATE versions SET checksum = '00' || substr(checksum, 3) WHERE vid = (SELECT doc FROM documents WHERE id = '${id}') * 16777216 + 1`);
    });
    vault.refresh();
    const other = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.unshift(() => other.close());
    const { base, tokens, after } = partTokens(vault, other, 13);
    expect(tokens.length).toBeGreaterThan(10);
    const once = verifyParts.merge(base, tokens, after, 'skip');
    for (const slice of [1, 2, 7, tokens.length + 1]) expect(await mergeInSlices(base, tokens, after, slice)).toBe(once);
    expect(vault.verify(undefined, { from: once }).problems.length).toBeGreaterThan(0);
  });

  it('a write while the parts run: the per-document checks go on, the whole-vault comparisons are skipped and say why', () => {
    const { vault, path, key } = setup();
    const other = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.unshift(() => other.close());
    const base = vault.verify(undefined, { maxMs: TINY }).next as string;
    vault.update('d1', { content: 'changed meanwhile' });
    let token = verifyParts.part(base, verifyParts.where(base).last, 1_000_000);
    while (verifyParts.state(token).last < 1_000_000) token = other.verify(undefined, { from: token }).next as string;
    const r = vault.verify(undefined, { from: verifyParts.merge(base, [token], 1_000_000, 'skip') });
    expect(r.ok).toBe(true);
    expect(r.skipped).toMatch(/changed between chunks/);
  });

  it('refuses a part token where a part is expected, and part fields on a phase that has none', () => {
    const { vault } = setup();
    const base = vault.verify(undefined, { maxMs: TINY }).next as string;
    expect(() => verifyParts.state(base)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    const bad = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(base, 'base64url').toString()), phase: 'tags', until: 5 })).toString('base64url');
    expect(() => vault.verify(undefined, { from: bad })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    // The facet step's position: only in the index phase, a token and two counts from 0.
    const withFacets = (phase: string, facets: unknown): string => Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(base, 'base64url').toString()), phase, facets })).toString('base64url');
    for (const [phase, facets] of [['index', ['x', -1, 0]], ['index', ['x', 0]], ['index', [1, 0, 0]], ['tags', ['', 0, 0]]] as const)
      expect(() => vault.verify(undefined, { from: withFacets(phase, facets) }), `${phase} ${JSON.stringify(facets)}`).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(vault.verify(undefined, { from: withFacets('index', ['', 0, 0]) }).documents).toBeGreaterThanOrEqual(0);
  });
});
