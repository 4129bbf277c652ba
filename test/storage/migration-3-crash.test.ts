/**
 * Migration 3 is crash-safe: a process killed with SIGKILL in the middle of migrating leaves a vault that
 * is at schema 2 or 3, never between, with every document intact, and the next open finishes the job.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { addV1Documents, makeSchema2, withRawConnection } from '../helpers/schema2';

const child = join(process.cwd(), 'out', 'test', `migrate-child-${process.pid}.mjs`);

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

describe('migration 3 under SIGKILL', () => {
  it('leaves schema 2 or 3, never between, with the data intact; the next open completes it', async () => {
    const { path, key, cleanup } = makeSchema2();
    try {
      const extra = 3000;
      withRawConnection(path, key, (db) => addV1Documents(db, key, extra, 3, 1500));
      const { out, killed } = await migrateAndKill(path, key, 2 * 1024 * 1024);
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
        expect(v.stats()).toMatchObject({ schemaVersion: 3, documents: 11 + extra, versions: 15 + extra * 3, trashed: 1 });
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
