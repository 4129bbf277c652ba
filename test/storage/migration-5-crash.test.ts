/**
 * Migration 5 (tag pages) is crash-safe: a process killed with SIGKILL in the middle of migrating leaves a
 * vault at schema 4 or 5, never between, with every document intact, and the next open finishes the job.
 */
import { describe, expect, it } from 'vitest';
import { bundledChild, runAndKillAtWal } from '../helpers/child-script';
import { SCHEMA_VERSION, SYNC_STATE_STEP, Vault } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { makeVault } from '../helpers/tmp';
import { dropSyncState } from '../helpers/sync-state';

const child = bundledChild('test/fixtures/migrate-child.ts', 'migrate5-child');

/** A schema-4 vault of `count` documents with 1-3 tags each: made at schema 5, then step 5 undone. */
function schema4(count: number): { path: string; key: string; cleanup: () => void } {
  const { vault, path, key, cleanup } = makeVault();
  for (let i = 0; i < count; i += 1000)
    vault.bulkCreate(Array.from({ length: 1000 }, (_, j) => ({ id: `d-${i + j}`, content: `c${i + j}`, tags: [`t${(i + j) % 50}`, `u${(i + j) % 7}`, `w${(i + j) % 3}`] })));
  vault.close();
  withRawConnection(path, key, (db) => {
    // The sync state step (after this one) is dropped too, so the open runs step 5 and then it.
    dropSyncState(db);
    db.exec('DROP INDEX document_tags_updated; ALTER TABLE document_tags DROP COLUMN updated_at; VACUUM;');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('user_version = 4');
  });
  return { path, key, cleanup };
}

describe('migration 5 under SIGKILL', () => {
  it('leaves schema 4 or 5, never between, with the data intact; the next open completes it', async () => {
    const docs = 20_000;
    const { path, key, cleanup } = schema4(docs);
    try {
      const { out, killed } = await runAndKillAtWal(child, [path, key], path, 512 * 1024);
      expect(killed, `the migration finished before the kill (${out.trim()}): make the test vault bigger`).toBe(true);
      expect(out).not.toContain('migrated');
      const state = withRawConnection(path, key, (db) => ({
        version: db.pragma('user_version', { simple: true }) as number,
        column: (db.prepare('PRAGMA table_info(document_tags)').all() as { name: string }[]).some((c) => c.name === 'updated_at'),
        index: db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'document_tags_updated'").pluck().get() as number,
        ok: db.pragma('integrity_check', { simple: true }) as string,
      }));
      // Step 5 done or not; the sync state step after it is its own transaction (5, or past it).
      expect([4, 5, SYNC_STATE_STEP]).toContain(state.version);
      expect(state).toMatchObject({ column: state.version >= 5, index: state.version >= 5 ? 1 : 0, ok: 'ok' });
      const v = Vault.openSync(path, { key: { rawKey: key } });
      try {
        expect(v.stats()).toMatchObject({ schemaVersion: SCHEMA_VERSION, documents: docs, versions: docs });
        expect(v.list({ tag: 't7', limit: 1000 }).items).toHaveLength(docs / 50);
        expect(v.get('d-12345').content).toBe('c12345');
        expect(v.verify()).toMatchObject({ ok: true, problems: [] });
      } finally {
        v.close();
      }
    } finally {
      cleanup();
    }
  }, 180_000);
});
