/**
 * Migration 3 is crash-safe: a process killed with SIGKILL in the middle of migrating leaves a vault that
 * is at schema 2 or 3, never between, with every document intact, and the next open finishes the job.
 */
import { describe, expect, it } from 'vitest';
import { bundledChild, runAndKillAtWal } from '../helpers/child-script';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { addV1Documents, makeSchema2, withRawConnection } from '../helpers/schema2';

const child = bundledChild('test/fixtures/migrate-child.ts', 'migrate-child');

describe('migration 3 under SIGKILL', () => {
  it('leaves schema 2 or 3, never between, with the data intact; the next open completes it', async () => {
    const { path, key, cleanup } = makeSchema2();
    try {
      const extra = 3000;
      withRawConnection(path, key, (db) => addV1Documents(db, key, extra, 3, 1500));
      const { out, killed } = await runAndKillAtWal(child, [path, key], path, 2 * 1024 * 1024);
      expect(killed, `the migration finished before the kill (${out.trim()}): make the test vault bigger`).toBe(true);
      expect(out).not.toContain('migrated');
      // Schema 2 (rolled back) or 3 (committed), and the structure consistent either way.
      const state = withRawConnection(path, key, (db) => ({
        version: db.pragma('user_version', { simple: true }) as number,
        versionMacColumn: (db.prepare('PRAGMA table_info(documents)').all() as { name: string }[]).some((c) => c.name === 'version_mac'),
        hasState: db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'document_tags_ai'").pluck().get() as number,
        ok: db.pragma('integrity_check', { simple: true }) as string,
      }));
      expect([2, 3]).toContain(state.version);
      expect(state).toMatchObject({ versionMacColumn: state.version === 3, hasState: state.version === 3 ? 1 : 0, ok: 'ok' });
      const v = Vault.openSync(path, { key: { rawKey: key } });
      try {
        expect(v.stats()).toMatchObject({ schemaVersion: SCHEMA_VERSION, documents: 11 + extra, versions: 15 + extra * 3, trashed: 1 });
        expect(v.get('bulk2-2321').content).toMatch(/^bulk2-2321 v3 x+$/);
        expect(v.versions('bulk2-17').map((x) => x.version)).toEqual([1, 2, 3]);
        const report = v.verify();
        expect(report.problems).toEqual([]);
        expect(report).toMatchObject({ ok: true, documents: 12 + extra });
      } finally {
        v.close();
      }
    } finally {
      cleanup();
    }
  }, 120_000);
});
