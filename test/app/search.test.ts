/** doc.search through the handler (zod schema, backend, store): hits, filters, and typed errors on the wire, with the service and the Vault adapter. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import type { SearchPage } from '../../src/shared/search';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('doc.search', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('answers with ranked, marked hits; bad input is a typed Invalid (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    const handle = createHandler(b);
    await b.create('pass phrase');
    await b.channels['doc.bulkPut']({
      documents: [
        { id: 'a', title: 'Penicillin', content: 'allergy noted', tags: ['health'] },
        { id: 'b', title: 'Visit', content: 'penicillin given', tags: ['health', 'clinic'] },
        { id: 'c', title: 'Other', content: 'nothing here' },
      ],
    });
    const r = await handle('doc.search', { query: 'penicillin' });
    expect(r.ok).toBe(true);
    const page = (r as { value: SearchPage }).value;
    expect(page.items.map((h) => h.id)).toEqual(['a', 'b']);
    expect(page.items[1]?.snippet.slice(...(page.items[1]?.marks[0] ?? [0, 0]))).toBe('penicillin');
    const filtered = await handle('doc.search', { query: 'penicillin', tags: ['clinic'], tagMode: 'all', limit: 5 });
    expect((filtered as { value: SearchPage }).value.items.map((h) => h.id)).toEqual(['b']);
    // After a write the next search sees it (the service's readers read the committed snapshot).
    await b.channels['doc.delete']({ id: 'a' });
    expect(((await handle('doc.search', { query: 'penicillin' })) as { value: SearchPage }).value.items.map((h) => h.id)).toEqual(['b']);
    for (const [input, message] of [
      [{ query: '"unterminated' }, /quotation mark/],
      [{ query: 'AND OR' }, /AND, OR and NOT/],
      [{ query: 'x', limit: 0 }, /limit/],
      [{ query: 'x', extra: 1 }, /extra|Unrecognized/i],
      [{ query: 1 }, /query/],
    ] as const) {
      const bad = await handle('doc.search', input);
      expect(bad.ok, JSON.stringify(input)).toBe(false);
      expect((bad as { error: { kind: string; message: string } }).error).toMatchObject({ kind: 'Invalid', message: expect.stringMatching(message) as unknown });
    }
    await b.close();
  });

  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('passes the ranking window and rankAll through; zod refuses a rankAll that is not a boolean (%s)', async (_name, storeFactory) => {
    const t = tempDir();
    cleanup = t.cleanup;
    // A window of 2 (what the E2E twin sets), over 5 documents with the word: the newest 2 are ranked first.
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory, searchRankWindow: 2 });
    const handle = createHandler(b);
    await b.create('pass phrase');
    for (const [i, content] of ['apple', 'apple apple apple', 'apple pie', 'apple apple', 'an apple a day keeps'].entries()) await b.channels['doc.create']({ document: { id: `d${i}`, title: 'note', content } });
    const page = ((await handle('doc.search', { query: 'apple', limit: 2 })) as { value: SearchPage }).value;
    // The page reads one hit past itself, the first of the next window, whose read of 2 + 1 says 5 at least.
    expect(page.ranking).toEqual({ window: 2, matchesAtLeast: 5, allCounted: false });
    expect(new Set(page.items.map((h) => h.id))).toEqual(new Set(['d4', 'd3']));
    const all = ((await handle('doc.search', { query: 'apple', limit: 2, rankAll: true })) as { value: SearchPage }).value;
    expect(all.ranking).toBeUndefined();
    // Ranked over all five, the best has the word three times (d1), outside the newest two.
    expect(all.items[0]?.id).toBe('d1');
    const bad = await handle('doc.search', { query: 'apple', rankAll: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'Invalid', message: expect.stringMatching(/rankAll/) as unknown } });
    await b.close();
  });
});
