/**
 * Migration 5 (tag pages) is crash-safe: a process killed with SIGKILL in the middle of migrating leaves a
 * vault at schema 4 or 5, never between, with every document intact, and the next open finishes the job.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { makeVault } from '../helpers/tmp';
import { undoStepsAfter } from '../helpers/schema-undo';

const child = join(process.cwd(), 'out', 'test', `migrate5-child-${process.pid}.mjs`);

beforeAll(async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  await build({
    entryPoints: ['test/fixtures/migrate-child.ts'],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: Object.keys(pkg.dependencies),
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(child, { force: true }));

/** Starts the migration in a child and SIGKILLs it once its WAL holds `walBytes` (the migration is under way). */
function migrateAndKill(path: string, key: string, walBytes: number): Promise<{ out: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, path, key], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Polls a condition (the WAL's size), not a timer standing in for one.
    const poll = setInterval(() => {
      const wal = `${path}-wal`;
      if (!killed && existsSync(wal) && statSync(wal).size >= walBytes) {
        killed = true;
        p.kill('SIGKILL');
      }
    }, 2);
    p.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL' || code === 0) resolve({ out, killed: signal === 'SIGKILL' });
      else reject(new Error(`migration child exited with ${code}: ${err}`));
    });
  });
}

/** A schema-4 vault of `count` documents with 1-3 tags each: made at schema 5, then step 5 undone. */
function schema4(count: number): { path: string; key: string; cleanup: () => void } {
  const { vault, path, key, cleanup } = makeVault();
  for (let i = 0; i < count; i += 1000)
    vault.bulkCreate(Array.from({ length: 1000 }, (_, j) => ({ id: `d-${i + j}`, content: `c${i + j}`, tags: [`t${(i + j) % 50}`, `u${(i + j) % 7}`, `w${(i + j) % 3}`] })));
  vault.close();
  withRawConnection(path, key, (db) => {
    undoStepsAfter(db, 5);
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
      const { out, killed } = await migrateAndKill(path, key, 512 * 1024);
      expect(killed, `the migration finished before the kill (${out.trim()}): make the test vault bigger`).toBe(true);
      expect(out).not.toContain('migrated');
      const state = withRawConnection(path, key, (db) => ({
        version: db.pragma('user_version', { simple: true }) as number,
        column: (db.prepare('PRAGMA table_info(document_tags)').all() as { name: string }[]).some((c) => c.name === 'updated_at'),
        index: db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'document_tags_updated'").pluck().get() as number,
        ok: db.pragma('integrity_check', { simple: true }) as string,
      }));
      // 4 or 5 (a later step may also have completed before the kill: never a step half done).
      expect(state.version === 4 || state.version >= 5).toBe(true);
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
