/**
 * The service's whole-vault verify (service/verify-runner.ts): the document phase in parts across the
 * reader threads, SQLite's check beside it, the rest in chunks — the same report as the engine's verify
 * on a read-only connection, with progress in this thread.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageService, Vault } from '../../src/main/storage';
import type { Progress, VerifyProblem } from '../../src/shared/types';
import { withRawConnection } from '../helpers/tamper';
import { hexKey, tempDir } from '../helpers/tmp';
import { useWorkerBundle } from './helpers';

const worker = useWorkerBundle();
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function vaultWithDocs(n: number): { path: string; key: string } {
  const { dir, cleanup } = tempDir('docvault-verify-');
  cleanups.push(cleanup);
  const key = hexKey();
  const path = join(dir, 'v.dvault');
  const v = Vault.createSync(path, { key: { rawKey: key } });
  for (let i = 0; i < n; i += 500)
    v.bulkCreate(Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ id: `d${i + k}`, content: `content ${i + k} `.repeat(30), tags: [`t${(i + k) % 5}`] })));
  for (let i = 0; i < n; i += 11) v.update(`d${i}`, { content: `second ${i}` });
  v.close();
  return { path, key };
}

/** The engine's verify on a read-only connection (which, like a reader thread, cannot run FTS5's comparison). */
function engineVerify(path: string, key: string) {
  const v = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
  try {
    return v.verify();
  } finally {
    v.close();
  }
}

async function open(path: string, key: string): Promise<StorageService> {
  const s = await StorageService.open(path, { key: { rawKey: key }, workerPath: worker(), readers: 2 });
  cleanups.push(() => s.close());
  return s;
}

const sorted = (ps: readonly VerifyProblem[]): string[] => ps.map((p) => JSON.stringify(p)).sort();

describe('service.verify across the readers', () => {
  it('a healthy vault: the engine’s counts, no problem, progress in this thread up to done', async () => {
    const { path, key } = vaultWithDocs(3000);
    const s = await open(path, key);
    const progress: Progress[] = [];
    const gets: Promise<unknown>[] = [];
    const report = await s.verify((p) => {
      progress.push(p);
      // Reads go on while it runs.
      gets.push(s.get(`d${progress.length % 3000}`));
    });
    const engine = engineVerify(path, key);
    expect(report).toMatchObject({ ok: true, problems: [], documents: engine.documents, versions: engine.versions });
    // The default depth leaves nothing out on the readers' read-only connections (FTS5's comparison with the text is deep's).
    expect(report.skipped).toBeUndefined();
    expect(engine.skipped).toBeUndefined();
    expect(report.next).toBeUndefined();
    expect(progress.filter((p) => p.phase === 'documents').length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    expect(progress.at(-1)).toMatchObject({ phase: 'done' });
    expect((await Promise.all(gets)).length).toBe(progress.length);
  });

  it('a tampered vault: the same problems as the engine finds', async () => {
    const { path, key } = vaultWithDocs(2000);
    withRawConnection(path, key, (db) => {
      db.exec("DELETE FROM versions WHERE vid = (SELECT doc FROM documents WHERE id = 'd11') * 16777216 + 1");
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd900')");
      db.exec("DELETE FROM documents WHERE id = 'd900'");
      db.exec("DELETE FROM document_tags WHERE doc = (SELECT doc FROM documents WHERE id = 'd1500')");
      db.exec("UPDATE versions SET checksum = '00' || substr(checksum, 3) WHERE vid = (SELECT doc FROM documents WHERE id = 'd1999') * 16777216 + 1");
    });
    const engine = engineVerify(path, key);
    expect(engine.ok).toBe(false);
    const s = await open(path, key);
    const report = await s.verify();
    expect(report.ok).toBe(false);
    expect(sorted(report.problems)).toEqual(sorted(engine.problems));
    expect(report.documents).toBe(engine.documents);
    expect(report.versions).toBe(engine.versions);
  });

  it('with maxMs, one chunk on one reader and a token, as before', async () => {
    const { path, key } = vaultWithDocs(600);
    const s = await open(path, key);
    let r = await s.verify(undefined, { maxMs: 0.000001 });
    let chunks = 1;
    while (r.next !== undefined) {
      r = await s.verify(undefined, { maxMs: 0.000001, from: r.next });
      chunks++;
    }
    expect(chunks).toBeGreaterThan(10);
    expect(r).toMatchObject({ ok: true, problems: [] });
  });

  it('deep: SQLite\'s whole check beside the parts finds a damaged search index; the readers say what they could not compare; bad input is Invalid', async () => {
    const { path, key } = vaultWithDocs(800);
    withRawConnection(path, key, (db) => {
      db.unsafeMode(true);
      // The index merged into one segment, then its first leaf deleted (ids 1 and 10 are FTS5's averages and
      // structure records): words only. The default depth reads the type and tag tokens' lists, which sort last.
      db.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
      db.exec('DELETE FROM search_index_data WHERE id = (SELECT min(id) FROM search_index_data WHERE id > 10)');
    });
    const s = await open(path, key);
    expect(await s.verify()).toMatchObject({ ok: true, problems: [] });
    const deep = await s.verify(undefined, { deep: true });
    expect(deep.ok).toBe(false);
    expect(deep.problems.length).toBeGreaterThan(0);
    expect(deep.problems.every((p) => p.kind === 'Index')).toBe(true);
    expect(deep.skipped).toMatch(/search index against its text/);
    await expect(s.verify(undefined, { deep: 'yes' } as never)).rejects.toMatchObject({ kind: 'Invalid' });
  });
});
