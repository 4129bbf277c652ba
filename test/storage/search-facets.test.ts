/**
 * The search index's facet column (schema step "search facets", src/main/storage/search-facets.ts): type and
 * tag filters as FTS5 terms. Any type or tag string is one token no other string makes (case, accents,
 * spaces, punctuation, scripts, the longest allowed); filtered results are the unfiltered ranking filtered
 * afterwards, with the same scores; a word typed equal to a facet token finds nothing through the column;
 * every write keeps the column exact (FTS5's check compares it with the versions); verify finds a wrong facet
 * at the default depth and deep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vault } from '../../src/main/storage';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { tagFacet, typeFacet } from '../../src/main/storage/search-facets';
import { verifyParts } from '../../src/main/storage/engine/verify-parts';
import { verifyAcrossReaders } from '../../src/main/storage/service/verify-runner';
import type { SearchQuery } from '../../src/shared/search';
import type { VerifyOptions, VerifyReport } from '../../src/shared/types';
import { withRawConnection } from '../helpers/tamper';
import { makeVault } from '../helpers/tmp';
import { verifyInChunks } from '../helpers/verify-in-chunks';

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
beforeEach(() => {
  let clock = 1_700_000_000_000;
  ({ vault, path, key, cleanup } = makeVault({ now: () => (clock += 1000) }));
});
afterEach(() => cleanup());

/** Types and tags that differ only in what a tokenizer would fold or split: each must stay its own facet. */
const TYPES = ['Scan', 'scan', 'café', 'cafe', 'a b', 'a-b', 'ab', '日本語', '📄 pdf', '', 'x'.repeat(64)];
const TAGS = ['Tax', 'tax', 'tax 2024', 'tax-2024', 'Müller', 'muller', '"quoted"', 'a:b', 'NEAR', '*', 'é'.repeat(64), '語'.repeat(64)];

function seedCorpus(n: number): void {
  vault.bulkCreate(
    Array.from({ length: n }, (_, i) => ({
      id: `d${i}`,
      title: i % 9 === 0 ? 'ledger summary' : `note ${i}`,
      content: `ledger ${'entry '.repeat(i % 11)}garden ${i % 4 === 0 ? 'invoice' : 'receipt'} ${'words '.repeat(i % 7)}`,
      type: TYPES[i % TYPES.length] as string,
      tags: TAGS.filter((_, k) => (i >> k) % 3 === 0).slice(0, 5),
      metadata: i % 5 === 0 ? { author: 'Ann' } : {},
    })),
  );
}

const hits = (q: SearchQuery) => vault.search({ limit: 1000, rankAll: true, ...q }).items.map((h) => ({ id: h.id, score: h.score }));

/**
 * FTS5's own commands: `id`'s entry taken out and put back with `type`'s facet in place of its own (well
 * formed, wrong). Returns the type facet it had (lower case).
 */
function giveTypeFacet(id: string, type: string): string | undefined {
  // The writes' queue indexed first: the edit alters an index that holds every document.
  vault.indexSearch();
  const had = withRawConnection(path, key, (db) => {
    const row = db.prepare('SELECT doc, title, content, facets FROM search_source WHERE doc = (SELECT doc FROM documents WHERE id = ?)').get(id) as {
      doc: number;
      title: string;
      content: string;
      facets: string;
    };
    db.prepare("INSERT INTO search_index (search_index, rowid, title, content, facets) VALUES ('delete', ?, ?, ?, ?)").run(row.doc, row.title, row.content, row.facets);
    db.prepare('INSERT INTO search_index (rowid, title, content, facets) VALUES (?, ?, ?, ?)').run(row.doc, row.title, row.content, row.facets.replace(/^\S+/, typeFacet(type)));
    return row.facets.split(' ')[0]?.toLowerCase();
  });
  vault.refresh();
  return had;
}

function assertIndexExact(): void {
  withRawConnection(path, key, (db) => expect(() => checkSearchIndex(db)).not.toThrow());
}

describe('search facets', () => {
  it('every type and tag is its own token: filtered hits are the unfiltered ranking filtered, with the same scores', () => {
    seedCorpus(300);
    assertIndexExact();
    const docs = new Map(vault.list({ limit: 1000 }).items.map((d) => [d.id, d]));
    for (const query of ['ledger', 'invoice', 'gard*', '"ledger summary"', 'entry OR words']) {
      const all = hits({ query });
      expect(all.length).toBeGreaterThan(0);
      // Author Ann: every fifth document (seedCorpus).
      const keep = (ok: (d: { type: string; tags: readonly string[]; author?: string }) => boolean) =>
        all.filter((h) => {
          const d = docs.get(h.id);
          return d !== undefined && ok({ type: d.type, tags: d.tags, ...(Number(h.id.slice(1)) % 5 === 0 ? { author: 'Ann' } : {}) });
        });
      for (const type of TYPES) expect(hits({ query, type }), `${query} type ${type}`).toEqual(keep((d) => d.type === type));
      for (const tag of TAGS) expect(hits({ query, tags: [tag] }), `${query} tag ${tag}`).toEqual(keep((d) => d.tags.includes(tag)));
      expect(hits({ query, tags: ['Tax', 'tax'] })).toEqual(keep((d) => d.tags.includes('Tax') || d.tags.includes('tax')));
      expect(hits({ query, tags: ['Tax', 'tax'], tagMode: 'all' })).toEqual(keep((d) => d.tags.includes('Tax') && d.tags.includes('tax')));
      expect(hits({ query, type: 'scan', tags: ['Müller', 'NEAR'], tagMode: 'all' })).toEqual(
        keep((d) => d.type === 'scan' && d.tags.includes('Müller') && d.tags.includes('NEAR')),
      );
      // Author and time ranges still filter (by their own plans), together with a facet.
      expect(hits({ query, type: 'Scan', author: 'Ann' })).toEqual(keep((d) => d.type === 'Scan' && d.author === 'Ann'));
      // A type or tag no document has: nothing, not an error.
      expect(hits({ query, type: 'nope' })).toEqual([]);
      expect(hits({ query, tags: ['nope', ''] })).toEqual([]);
    }
    // Paged and windowed (not rankAll) the same way.
    const paged = vault.search({ query: 'ledger', type: 'Scan', limit: 5 });
    expect(paged.items.map((h) => h.id)).toEqual(hits({ query: 'ledger', type: 'Scan' }).slice(0, 5).map((h) => h.id));
  });

  it('a word typed equal to a facet token finds nothing through the facet column; a field named facets is Invalid', () => {
    vault.create({ id: 'scan', content: 'plain words', type: 'Scan', tags: ['Tax'] });
    vault.create({ id: 'says', content: `the text itself holds ${typeFacet('Scan')} and ${tagFacet('Tax')}`, type: 'note' });
    for (const token of [typeFacet('Scan'), tagFacet('Tax')]) {
      for (const query of [token, `"${token}"`, `${token.slice(0, 3)}*`, `title:${token}`, `content:${token} OR absent`])
        expect(vault.search({ query }).items.map((h) => h.id), query).not.toContain('scan');
      expect(vault.search({ query: token }).items.map((h) => h.id)).toEqual(['says']);
    }
    expect(vault.search({ query: 'plain', type: 'Scan' }).items.map((h) => h.id)).toEqual(['scan']);
    for (const query of ['facets:x', `facets:${typeFacet('Scan')}`, 'FACETS:x'])
      expect(() => vault.search({ query })).toThrow(expect.objectContaining({ kind: 'Invalid', message: expect.stringMatching(/no field "facets"/i) }));
    // Parentheses must pair up: an unpaired one would reach outside the engine's own around the query.
    for (const query of [`plain) OR (${typeFacet('Scan')}`, 'plain)', '(plain', `) OR (${tagFacet('Tax')}`])
      expect(() => vault.search({ query }), query).toThrow(expect.objectContaining({ kind: 'Invalid', message: expect.stringMatching(/cannot be read/) }));
    expect(() => vault.search({ query: 'plain AND' })).toThrow(expect.objectContaining({ kind: 'Invalid', message: expect.stringMatching(/AND, OR and NOT need a word/) }));
  });

  it('every write keeps the facets exact: type and tag changes, restore, the Trash, purge, bulk calls, rollbacks', () => {
    const only = (q: SearchQuery): string[] => vault.search({ limit: 100, ...q }).items.map((h) => h.id).sort();
    vault.create({ id: 'a', content: 'alpha', type: 'Scan', tags: ['Tax'] });
    vault.create({ id: 'b', content: 'alpha', type: 'note', tags: ['Tax', 'home'] });
    vault.update('a', { type: 'letter' });
    expect(only({ query: 'alpha', type: 'Scan' })).toEqual([]);
    expect(only({ query: 'alpha', type: 'letter' })).toEqual(['a']);
    vault.update('b', { tags: ['home'] });
    expect(only({ query: 'alpha', tags: ['Tax'] })).toEqual(['a']);
    vault.restore('b', 1);
    expect(only({ query: 'alpha', tags: ['Tax'] })).toEqual(['a', 'b']);
    vault.put({ id: 'a', content: 'alpha', type: 'Scan', tags: [] });
    expect(only({ query: 'alpha', tags: ['Tax'] })).toEqual(['b']);
    expect(only({ query: 'alpha', type: 'Scan' })).toEqual(['a']);
    assertIndexExact();
    vault.delete('a');
    expect(only({ query: 'alpha', type: 'Scan' })).toEqual([]);
    vault.undelete('a');
    expect(only({ query: 'alpha', type: 'Scan' })).toEqual(['a']);
    assertIndexExact();
    expect(() =>
      vault.transaction(() => {
        vault.update('a', { type: 'gone', tags: ['gone'] });
        expect(only({ query: 'alpha', type: 'gone' })).toEqual(['a']);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(only({ query: 'alpha', type: 'gone' })).toEqual([]);
    expect(only({ query: 'alpha', tags: ['gone'] })).toEqual([]);
    expect(vault.bulkPut([{ id: 'a', content: 'alpha', type: 'bulk' }, { id: '', content: 'bad' }]).committed).toBe(false);
    expect(only({ query: 'alpha', type: 'bulk' })).toEqual([]);
    vault.bulkPut([{ id: 'a', content: 'alpha', type: 'bulk', tags: ['home'] }]);
    expect(only({ query: 'alpha', type: 'bulk', tags: ['home'] })).toEqual(['a']);
    assertIndexExact();
    vault.purge('a');
    vault.delete('b');
    vault.purge('b');
    expect(only({ query: 'alpha' })).toEqual([]);
    assertIndexExact();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('verify finds a wrong facet: at the default depth by its counts, deep by FTS5\'s check; rebuild repairs it', () => {
    seedCorpus(40);
    // In the Trash: out of the index and of the counts verify expects (d5, d16 and d27 share a type; d16 stays).
    vault.delete('d5');
    vault.delete('d27');
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
    expect(vault.verify(undefined, { deep: true })).toMatchObject({ ok: true, problems: [] });
    expect(giveTypeFacet('d3', 'Scan')).toBe(typeFacet('cafe')); // hex() writes upper case; unicode61 folds it
    // The filter believes the index: d3 now passes as a Scan.
    expect(vault.search({ query: 'ledger', type: 'Scan', limit: 100 }).items.map((h) => h.id)).toContain('d3');
    const found = vault.verify();
    expect(found.problems).toEqual([expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/wrong type or tag facets: 2 facet/) })]);
    // In chunks (the service's way), the facet tokens are read one per step: the same finding.
    const chunked = verifyInChunks(vault, { maxMs: 0.000001 });
    expect(chunked.report.problems).toEqual(found.problems);
    // …and each chunk of that step stopped after one token (the tokens say where they stopped).
    const stops = new Set<string>();
    for (let r = vault.verify(undefined, { maxMs: 0.000001 }); r.next !== undefined; r = vault.verify(undefined, { from: r.next, maxMs: 0.000001 })) {
      const at = (JSON.parse(Buffer.from(r.next, 'base64url').toString()) as { facets?: [string, number, number] }).facets;
      if (at !== undefined && at[0] !== '') stops.add(at[0]);
    }
    expect(stops.size).toBeGreaterThan(10);
    // The counts above come from the document phase's totals; a write between chunks makes those stale, and
    // the facets are then counted again from the heads and tag rows of the last chunk: still found.
    const first = vault.verify(undefined, { maxMs: 0.000001 });
    vault.update('d0', { tags: ['moved between chunks'] }); // d0 was counted by the first chunk, before this
    // Indexed at once: a search queue still waiting at the last chunk would leave the index uncompared (its own skip, tested in search-queue.test.ts).
    vault.indexSearch();
    let r = first;
    while (r.next !== undefined) r = vault.verify(undefined, { from: r.next, maxMs: 0.000001 });
    expect(r.skipped).toMatch(/changed between chunks/);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'Index', message: expect.stringMatching(/wrong type or tag facets: 2 facet/) })]);
    expect(vault.verify(undefined, { deep: true }).problems).toEqual([expect.objectContaining({ kind: 'Index', message: expect.stringMatching(/does not match the documents' text/) })]);
    vault.rebuildSearchIndex();
    expect(vault.search({ query: 'ledger', type: 'Scan', limit: 100 }).items.map((h) => h.id)).not.toContain('d3');
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('chunked, the facet step starts a chunk of its own; the service sends it, on a large vault, as one call without a budget', async () => {
    seedCorpus(40);
    // A chunk with all the time it needs still stops where the facet step begins, and only there.
    const stops: boolean[] = [];
    let r = vault.verify(undefined, { maxMs: 60_000 });
    for (; r.next !== undefined; r = vault.verify(undefined, { from: r.next, maxMs: 60_000 })) stops.push(verifyParts.where(r.next).facets);
    expect(stops).toEqual([true]);
    expect(r).toMatchObject({ ok: true, problems: [] });

    // The service's runner over this vault: which calls had no budget (on a long-read thread, not a reader).
    const calls: VerifyOptions[] = [];
    const call = (opts: VerifyOptions): Promise<VerifyReport> => {
      calls.push(opts);
      return Promise.resolve(vault.verify(undefined, opts));
    };
    // Only the facet step's calls: SQLite's own check also goes without a budget when the first chunk (20 ms)
    // stops inside the documents, which a loaded machine can make it do even on 40 documents.
    const unbudgeted = (): string[] => calls.filter((c) => c.maxMs === undefined && c.from !== undefined && verifyParts.where(c.from).facets).map(() => 'facets');
    const rows = 80;
    const whole = vault.verify();
    const small = await verifyAcrossReaders(call, 1, rows, undefined, undefined, rows + 1);
    expect(unbudgeted()).toEqual([]);
    calls.length = 0;
    const large = await verifyAcrossReaders(call, 1, rows, undefined, undefined, rows);
    expect(unbudgeted()).toEqual(['facets']);
    expect(calls.at(-1)?.maxMs).toBeUndefined();
    for (const report of [small, large]) expect(report).toMatchObject({ ok: true, problems: [], documents: whole.documents, versions: whole.versions });

    // A wrong facet: the same finding either way.
    giveTypeFacet('d3', 'Scan');
    const found = vault.verify().problems;
    expect(found).toEqual([expect.objectContaining({ kind: 'Index', message: expect.stringMatching(/wrong type or tag facets: 2 facet/) })]);
    calls.length = 0;
    expect((await verifyAcrossReaders(call, 1, rows, undefined, undefined, rows)).problems).toEqual(found);
    expect(unbudgeted()).toEqual(['facets']);
    expect((await verifyAcrossReaders(call, 2, rows, undefined, undefined, rows + 1)).problems).toEqual(found);
  });

  it('verify at the default depth: a damaged page where the facet lists are is an Index problem, not Corrupt', () => {
    seedCorpus(200);
    vault.indexSearch();
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      // One segment; its last leaf (not a doclist-index page: bit 36) holds the facet tokens, which sort last.
      db.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
      db.exec('DELETE FROM search_index_data WHERE id = (SELECT max(id) FROM search_index_data WHERE (id >> 36) & 1 = 0)');
    });
    vault.refresh();
    expect(vault.verify().problems).toEqual([expect.objectContaining({ kind: 'Index', index: 'search_index', message: expect.stringMatching(/damaged where its type and tag facets are/) })]);
    vault.rebuildSearchIndex();
    expect(vault.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
