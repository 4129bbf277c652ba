/**
 * Progress of a schema upgrade as an older vault opens (`VaultOptions.onMigration`, `MigrationContext.onProgress`):
 * steps as whole numbers, a long step's own progress between them, all done at the end, nothing when no step
 * is due. And the search-facets step's chunked build (it reports per chunk): exactly the index FTS5's own
 * 'rebuild' makes from the same rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { SEARCH_FACETS_STEP } from '../../src/main/storage/migrations';
import { addSearchFacets } from '../../src/main/storage/search-facets';
import { checkSearchIndex } from '../../src/main/storage/search-index';
import { MIGRATION_PHASE, type Progress } from '../../src/shared/types';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** Live documents with several versions, some in the Trash. */
function prepare(v: Vault): void {
  v.bulkCreate(
    Array.from({ length: 40 }, (_, i) => ({
      id: `d${i}`,
      title: `note ${i}`,
      content: `ledger ${'entry '.repeat(i % 7)} ${i % 2 === 0 ? 'invoice' : 'garden'}`,
      type: ['Scan', 'letter', 'café'][i % 3] as string,
      tags: [['Tax'], ['語', 'a b'], []][i % 3] as string[],
    })),
  );
  for (let i = 0; i < 40; i += 4) v.update(`d${i}`, { content: `changed ${i} ledger`, tags: ['moved'] });
  for (let i = 1; i < 40; i += 9) v.delete(`d${i}`);
}

/** Every token of the index where it is (term, document, column, offset), and the sizes bm25 reads. */
function indexContents(db: Database.Database): { instances: unknown[]; sizes: unknown[]; facets: unknown[] } {
  db.exec("CREATE VIRTUAL TABLE temp.probe_instances USING fts5vocab(main, search_index, 'instance')");
  try {
    return {
      instances: db.prepare('SELECT term, doc, col, offset FROM temp.probe_instances ORDER BY term, doc, col, offset').raw().all(),
      sizes: db.prepare('SELECT id, sz FROM search_index_docsize ORDER BY id').raw().all(),
      facets: db.prepare('SELECT term, col, doc, cnt FROM search_facet_terms ORDER BY term, col').raw().all(),
    };
  } finally {
    db.exec('DROP TABLE temp.probe_instances');
  }
}

function reportsOf(path: string, key: string): Progress[] {
  const seen: Progress[] = [];
  const v = Vault.openSync(path, { key: { rawKey: key }, onMigration: (p) => seen.push(p) });
  v.close();
  return seen;
}

/** Steps due on a vault of the step before the facets step (that step, then every later one, which report nothing of their own). */
const DUE = SCHEMA_VERSION - SEARCH_FACETS_STEP + 1;

describe('schema upgrade progress', () => {
  it('reports each step as a whole number, a long step in fractions between, and all done at the end', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP, cleanups, prepare);
    const seen = reportsOf(f.path, f.key);
    expect(seen[0]).toEqual({ done: 0, total: DUE, phase: MIGRATION_PHASE });
    expect(seen.at(-1)).toEqual({ done: DUE, total: DUE, phase: MIGRATION_PHASE });
    expect(seen.every((p) => p.phase === MIGRATION_PHASE && p.total === DUE)).toBe(true);
    // The facets step's own reports: the build's, then the merge's.
    expect(seen.some((p) => p.done > 0 && p.done < 1)).toBe(true);
    // Every later step: its whole number.
    for (let step = 1; step <= DUE; step++) expect(seen.some((p) => p.done === step)).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
    // Opened again: no step is due, nothing is reported.
    expect(reportsOf(f.path, f.key)).toEqual([]);
  });

  it('counts the steps to run: one step more due gives a total one higher, the first ending at exactly 1', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP - 1, cleanups, prepare);
    const seen = reportsOf(f.path, f.key);
    expect(seen.every((p) => p.total === DUE + 1)).toBe(true);
    // The first step (which reports nothing of its own) ends at exactly 1; the second's fractions lie above it.
    expect(seen.filter((p) => p.done < 1).map((p) => p.done)).toEqual([0]);
    expect(seen.some((p) => p.done === 1)).toBe(true);
    expect(seen.some((p) => p.done > 1 && p.done < 2)).toBe(true);
    expect(seen.at(-1)?.done).toBe(DUE + 1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.done).toBeGreaterThanOrEqual(seen[i - 1]?.done ?? 0);
  });

  it('a throw from the progress callback fails the open and leaves the vault at the step before', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP, cleanups, prepare);
    expect(() =>
      Vault.openSync(f.path, {
        key: { rawKey: f.key },
        onMigration: (p) => {
          if (p.done > 0) throw new Error('window gone');
        },
      }),
    ).toThrow(/window gone/);
    withRawConnection(f.path, f.key, (db) => expect(db.pragma('user_version', { simple: true })).toBe(SEARCH_FACETS_STEP - 1));
    expect(reportsOf(f.path, f.key).at(-1)).toEqual({ done: DUE, total: DUE, phase: MIGRATION_PHASE });
  });
});

describe('search facets step: the chunked build', () => {
  it('holds exactly what FTS5 rebuild makes, in chunks of any size, a document without its current version left out as rebuild does', () => {
    const f = vaultBeforeStep(SEARCH_FACETS_STEP, cleanups, prepare);
    // Damage only a verify reports: a live document whose current version row is gone (the step-13 trigger drops its entry).
    withRawConnection(f.path, f.key, (db) => db.prepare("DELETE FROM versions WHERE vid = (SELECT (doc << 24) + version FROM documents WHERE id = 'd5')").run());
    for (const chunk of [1, 7, 1000]) {
      withRawConnection(f.path, f.key, (db) => {
        const live = db.prepare('SELECT count(*) FROM documents WHERE trashed_at IS NULL').pluck().get() as number;
        db.exec('SAVEPOINT probe');
        try {
          const units: number[] = [];
          addSearchFacets(db, { stepProgress: (done, total) => units.push(done / total) }, chunk);
          const built = indexContents(db);
          // An entry per live document but the one without its current version.
          expect(built.sizes).toHaveLength(live - 1);
          expect(() => checkSearchIndex(db)).not.toThrow();
          // Merged into one segment, as 'optimize' leaves it (chunks of 1 and 7 wrote many).
          expect(db.prepare('SELECT count(DISTINCT segid) FROM search_index_idx').pluck().get()).toBe(1);
          // Reports from 0 to 1, never back; chunks of 1: one at least per live document (the damaged one's chunk too).
          if (chunk === 1) expect(units.length).toBeGreaterThan(live);
          expect(units[0]).toBe(0);
          expect(units.at(-1)).toBe(1);
          for (let i = 1; i < units.length; i++) expect(units[i]).toBeGreaterThanOrEqual(units[i - 1] ?? 0);
          db.exec("INSERT INTO search_index (search_index) VALUES ('rebuild'); INSERT INTO search_index (search_index) VALUES ('optimize');");
          expect(indexContents(db)).toEqual(built);
        } finally {
          db.exec('ROLLBACK TO probe; RELEASE probe');
        }
      });
    }
  });
});
