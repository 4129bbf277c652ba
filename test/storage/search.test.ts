/** Full-text search: ranking, snippets, prefixes, phrases, Unicode, filters, paging, malformed queries, and an index kept exact by every write. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { withRawConnection } from '../helpers/tamper';
import { makeVault } from '../helpers/tmp';

let vault: Vault;
let path: string;
let key: string;
let cleanup: () => void;
let clock = 1_700_000_000_000;
beforeEach(() => {
  clock = 1_700_000_000_000;
  ({ vault, path, key, cleanup } = makeVault({ now: () => (clock += 1000) }));
});
afterEach(() => cleanup());

const ids = (query: string, extra: Record<string, unknown> = {}): string[] => vault.search({ query, ...extra }).items.map((h) => h.id);

/** FTS5's own check of the index against "the current version of each live document", on a second connection. */
function assertIndexExact(): void {
  withRawConnection(path, key, (db) => expect(() => checkSearchIndex(db)).not.toThrow());
}

function errorOf(fn: () => unknown): { kind?: string; message?: string } {
  try {
    fn();
  } catch (err) {
    return err as { kind?: string; message?: string };
  }
  return { kind: 'no error' };
}

function seed(): void {
  vault.create({ id: 'allergy', title: 'Penicillin allergy', content: 'The doctor noted a rash after penicillin in 2019.', type: 'medical', tags: ['health', 'urgent'], metadata: { author: 'Ann' } });
  vault.create({ id: 'record', title: 'Visits', content: 'Copy of the medical record from the clinic. Penicillin is mentioned once.', type: 'medical', tags: ['health'] });
  vault.create({ id: 'recipe', title: 'Cheese', content: 'Blue cheese is made with penicillium mould. A record of cheese medical myths.', type: 'note', tags: ['food'] });
  vault.create({ id: 'umlaut', title: 'Grüße aus Köln', content: 'Herr Müller trinkt Café au lait. 日本語のテキスト.', type: 'letter' });
}

describe('search', () => {
  it('ranks a match in the title above matches in the content only', () => {
    seed();
    const page = vault.search({ query: 'penicillin' });
    expect(page.items.map((h) => h.id)).toEqual(['allergy', 'record']);
    expect(page.items[0]?.score).toBeGreaterThan(page.items[1]?.score ?? Infinity);
    expect(page.items[0]).toMatchObject({ title: 'Penicillin allergy', type: 'medical', tags: ['health', 'urgent'], version: 1 });
    expect(page.nextOffset).toBeNull();
    expect(page.terms).toEqual([{ text: 'penicillin', prefix: false }]);
  });

  it('returns snippets with the matched words marked', () => {
    seed();
    const hit = vault.search({ query: 'clinic' }).items[0];
    expect(hit?.snippet).toContain('medical record from the clinic');
    const marked = (hit?.marks ?? []).map(([a, b]) => hit?.snippet.slice(a, b));
    expect(marked).toEqual(['clinic']);
    expect(hit?.snippet).not.toMatch(/[\uE000\uE001]/);
  });

  it('matches prefixes and phrases', () => {
    seed();
    expect(ids('penic*').sort()).toEqual(['allergy', 'recipe', 'record']);
    expect(ids('"medical record"')).toEqual(['record']);
    expect(ids('medical record').sort()).toEqual(['recipe', 'record']);
    expect(ids('penicillin NOT rash')).toEqual(['record']);
    expect(ids('cheese OR rash').sort()).toEqual(['allergy', 'recipe']);
    expect(ids('title:penicillin')).toEqual(['allergy']);
  });

  it('folds case and diacritics (unicode61 remove_diacritics 2) and reads words with punctuation as phrases', () => {
    seed();
    expect(ids('muller')).toEqual(['umlaut']);
    expect(ids('MÜLLER')).toEqual(['umlaut']);
    expect(ids('cafe')).toEqual(['umlaut']);
    expect(ids('grusse')).toEqual([]); // ß is a letter of its own, not "ss"
    expect(ids('köln')).toEqual(['umlaut']);
    vault.create({ id: 'mail', content: 'send an e-mail to the clinic' });
    expect(ids('e-mail')).toEqual(['mail']);
    expect(ids("don't")).toEqual([]);
  });

  it('combines with filters: type, tags any / all, author, created and updated ranges', () => {
    seed();
    expect(ids('penic*', { type: 'medical' }).sort()).toEqual(['allergy', 'record']);
    expect(ids('penic*', { tags: ['food', 'urgent'] }).sort()).toEqual(['allergy', 'recipe']);
    expect(ids('penic*', { tags: ['health', 'urgent'], tagMode: 'all' })).toEqual(['allergy']);
    expect(ids('penic*', { author: 'Ann' })).toEqual(['allergy']);
    const created = vault.get('record').createdAt;
    expect(ids('penic*', { createdFrom: created }).sort()).toEqual(['recipe', 'record']);
    expect(ids('penic*', { createdTo: created })).toEqual(['allergy']);
    vault.update('allergy', { tags: ['old'] });
    const updated = vault.get('allergy').updatedAt;
    expect(ids('penic*', { updatedFrom: updated })).toEqual(['allergy']);
    expect(ids('penic*', { updatedTo: updated }).sort()).toEqual(['recipe', 'record']);
    expect(ids('penic*', { tags: ['urgent'] })).toEqual([]);
  });

  it('pages with limit and offset, in a stable order', () => {
    for (let i = 0; i < 7; i++) vault.create({ id: `d${i}`, content: `common word ${i}` });
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = vault.search({ query: 'common', limit: 3, offset });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((h) => h.id));
      offset = page.nextOffset;
    }
    expect(seen.sort()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
  });

  it('rejects malformed queries with a readable Invalid, never a raw SQLite error', () => {
    seed();
    const cases: [string, RegExp][] = [
      ['"unterminated', /quotation mark is not closed/],
      ['AND OR', /AND, OR and NOT need a word/],
      ['penicillin AND', /AND, OR and NOT need a word/],
      ['col:x', /no field "col"/],
      ['*', /"\*" must follow the start of a word/],
      ['pen*cil', /may only end a word/],
      ['', /at least one word/],
      ['   ', /at least one word/],
      ['?!', /at least one word/],
      ['NOT penicillin', /cannot be read near/],
      ['(penicillin', /cannot be read|ends too soon/],
      // SQLite reads a query up to a NUL: "pen\0icillin" would reach FTS5 as an open phrase (found by the fuzz suite).
      ['"pen\u0000icillin"', /control characters \(found U\+0000 at position 4\)/],
      ['pen\u001bicillin', /control characters/],
    ];
    for (const [q, message] of cases) {
      const err = errorOf(() => vault.search({ query: q }));
      expect(err, q).toMatchObject({ kind: 'Invalid' });
      expect(err.message, q).toMatch(message);
      expect(err.message, q).not.toMatch(/fts5|sqlite/i);
    }
    for (const bad of [{ query: 1 }, { query: 'x', limit: 0 }, { query: 'x', offset: -1 }, { query: 'x', tagMode: 'some' }, { query: 'x', tags: 'a' }, { query: 'x', createdFrom: 'yesterday' }])
      expect(errorOf(() => vault.search(bad as never)), JSON.stringify(bad)).toMatchObject({ kind: 'Invalid' });
  });

  it('treats SQL in a query as text', () => {
    seed();
    expect(ids("x' OR 1=1; DROP TABLE documents; --")).toEqual([]);
    expect(vault.count()).toBe(4);
  });
});

describe('search index stays exact', () => {
  it('after create, update, put, restore, delete, undelete, purge and emptyTrash', () => {
    seed();
    assertIndexExact();
    vault.update('allergy', { content: 'Now about amoxicillin.' });
    expect(ids('rash')).toEqual([]);
    expect(ids('amoxicillin')).toEqual(['allergy']);
    expect(ids('penicillin')).toEqual(['allergy', 'record']); // the title still says it
    assertIndexExact();
    vault.put({ id: 'record', content: 'replaced text', title: 'Visits' });
    expect(ids('clinic')).toEqual([]);
    expect(ids('replaced')).toEqual(['record']);
    vault.put({ id: 'new', content: 'a fresh clinic note' });
    expect(ids('clinic')).toEqual(['new']);
    assertIndexExact();
    vault.restore('record', 1);
    expect(ids('clinic').sort()).toEqual(['new', 'record']);
    expect(ids('replaced')).toEqual([]);
    assertIndexExact();
    vault.delete('record');
    expect(ids('clinic')).toEqual(['new']);
    expect(ids('clinic', { createdFrom: 0 })).toEqual(['new']); // the filtered (joined) query too
    assertIndexExact();
    vault.undelete('record');
    expect(ids('clinic').sort()).toEqual(['new', 'record']);
    assertIndexExact();
    vault.purge('record'); // live
    vault.delete('new');
    vault.purge('new'); // trashed
    expect(ids('clinic')).toEqual([]);
    assertIndexExact();
    vault.delete('recipe');
    vault.delete('umlaut');
    expect(vault.emptyTrash()).toBe(2);
    expect(ids('cheese OR muller')).toEqual([]);
    assertIndexExact();
  });

  it('after bulk calls, committed or rolled back', () => {
    const r = vault.bulkCreate([
      { id: 'b1', content: 'bulk apple' },
      { id: 'b2', content: 'bulk banana' },
    ]);
    expect(r.committed).toBe(true);
    expect(ids('bulk').sort()).toEqual(['b1', 'b2']);
    const failed = vault.bulkPut([
      { id: 'b1', content: 'changed cherry' },
      { id: 'b3', content: 'cherry too' },
      { id: '', content: 'bad id' },
    ]);
    expect(failed.committed).toBe(false);
    expect(ids('cherry')).toEqual([]);
    expect(ids('apple')).toEqual(['b1']);
    assertIndexExact();
    vault.bulkPut([{ id: 'b1', content: 'changed cherry' }]);
    expect(ids('cherry')).toEqual(['b1']);
    expect(vault.bulkDelete(['b1', 'nope']).committed).toBe(false);
    expect(ids('cherry')).toEqual(['b1']);
    vault.bulkDelete(['b1', 'b2']);
    expect(ids('bulk OR cherry')).toEqual([]);
    assertIndexExact();
  });

  it('after a caller transaction rolls back, whole or a nested part', () => {
    vault.create({ id: 'keep', content: 'stable words' });
    expect(() =>
      vault.transaction(() => {
        vault.update('keep', { content: 'transient words' });
        vault.create({ id: 'gone', content: 'transient too' });
        vault.delete('keep');
        expect(ids('transient')).toEqual(['gone']); // the index sees its own transaction
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(ids('stable')).toEqual(['keep']);
    expect(ids('transient')).toEqual([]);
    assertIndexExact();
    vault.transaction(() => {
      vault.create({ id: 'outer', content: 'outer words' });
      try {
        vault.transaction(() => {
          vault.update('keep', { content: 'inner words' });
          throw new Error('inner');
        });
      } catch {
        // only the inner part rolls back
      }
    });
    expect(ids('outer')).toEqual(['outer']);
    expect(ids('inner')).toEqual([]);
    expect(ids('stable')).toEqual(['keep']);
    assertIndexExact();
  });

  it('a failed write (conflict, too large) leaves the index as it was', () => {
    vault.create({ id: 'a', content: 'original text' });
    expect(errorOf(() => vault.update('a', { content: 'conflicting text' }, { expectedVersion: 7 }))).toMatchObject({ kind: 'Conflict' });
    expect(errorOf(() => vault.create({ id: 'a', content: 'duplicate text' }))).toMatchObject({ kind: 'AlreadyExists' });
    expect(ids('original')).toEqual(['a']);
    expect(ids('conflicting OR duplicate')).toEqual([]);
    assertIndexExact();
  });

  it('the index is inside the encrypted file: no plain text on disk', async () => {
    vault.create({ id: 'secret', content: 'zanzibarquux' });
    vault.close();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path).includes(Buffer.from('zanzibarquux'))).toBe(false);
    vault = Vault.openSync(path, { key: { rawKey: key } });
    expect(ids('zanzibarquux')).toEqual(['secret']);
  });
});

describe('search snippets', () => {
  it('each hit gets the snippet of its own document', () => {
    for (let i = 0; i < 5; i++) vault.create({ id: `n${i}`, content: `shared word and unique${i} marker` });
    const page = vault.search({ query: 'shared' });
    expect(page.items).toHaveLength(5);
    for (const h of page.items) expect(h.snippet).toContain(`unique${h.id.slice(1)}`);
  });
});

describe('search plans with filters', () => {
  // Over FEW_MATCHES (500) matches a filtered search gathers the candidates first; under it, each match
  // checks its document. Both must give what ranking everything and then filtering gives.
  it('many matches and few: the same hits, in the same order, as the unfiltered ranking filtered afterwards', () => {
    vault.bulkCreate(
      Array.from({ length: 700 }, (_, i) => ({
        id: `c${i}`,
        title: i % 7 === 0 ? 'common title' : `note ${i}`,
        content: `common ${'filler '.repeat(i % 13)}${i % 50 === 0 ? 'rareword' : ''}`,
        type: i % 3 === 0 ? 'task' : 'note',
        tags: [i % 2 === 0 ? 'even' : 'odd', ...(i % 5 === 0 ? ['five'] : [])],
      })),
    );
    const all = (query: string): { id: string; n: number }[] => vault.search({ query, limit: 1000 }).items.map((h) => ({ id: h.id, n: Number(h.id.slice(1)) }));
    for (const query of ['common', 'rareword']) {
      const ranked = all(query);
      expect(ranked.length).toBe(query === 'common' ? 700 : 14);
      const want = (keep: (n: number) => boolean): string[] => ranked.filter((h) => keep(h.n)).map((h) => h.id);
      expect(ids(query, { tags: ['even'], limit: 1000 })).toEqual(want((n) => n % 2 === 0));
      expect(ids(query, { tags: ['even', 'five'], tagMode: 'all', limit: 1000 })).toEqual(want((n) => n % 10 === 0));
      expect(ids(query, { tags: ['odd', 'five'], limit: 1000 })).toEqual(want((n) => n % 2 === 1 || n % 5 === 0));
      expect(ids(query, { type: 'task', limit: 1000 })).toEqual(want((n) => n % 3 === 0));
      expect(ids(query, { type: 'task', tags: ['odd'], limit: 20 })).toEqual(want((n) => n % 3 === 0 && n % 2 === 1).slice(0, 20));
    }
    vault.delete('c0');
    expect(ids('rareword', { tags: ['even'] })).not.toContain('c0');
    expect(ids('common', { tags: ['even'], limit: 1000 })).not.toContain('c0');
  });
});
