/**
 * Crash safety: a writer process killed with SIGKILL mid-write loses nothing it acknowledged, and the
 * vault it leaves behind opens and verifies clean.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';

const tmp = tempDir('docvault-crash-');
// Built once by test/global-setup.ts (scripts/build-node.mjs --tests), inside the repository so the bundle
// resolves the native module from node_modules.
const writer = join(process.cwd(), 'out', 'test', 'crash-writer.mjs');

afterAll(() => tmp.cleanup());

function allIds(v: Vault): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = v.list({ limit: 1000, cursor });
    ids.push(...page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

function runAndKill(path: string, key: string, afterLines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, path, key], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.split('\n').length > afterLines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${err}`));
      // Only complete lines were acknowledged.
      else resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('crash', () => {
  it('keeps every acknowledged write when the writer is killed mid-write, three times over', async () => {
    const path = join(tmp.dir, 'crash.dvault');
    const key = hexKey();
    Vault.createSync(path, { key: { rawKey: key } }).close();
    const acknowledged: string[] = [];
    for (const n of [40, 75, 120]) {
      // Each run starts from where the last one was killed.
      const lines = await runAndKill(path, key, n);
      expect(lines.length).toBeGreaterThanOrEqual(n);
      acknowledged.push(...lines);
      const v = Vault.openSync(path, { key: { rawKey: key } });
      try {
        for (const line of lines) {
          const [kind, id] = line.split(' ') as [string, string];
          if (kind === 'one') expect(v.exists(id), id).toBe(true);
          else if (kind === 'group') for (let j = 0; j < 8; j++) expect(v.exists(`${id}-group-${j}`), `${id}-group-${j}`).toBe(true);
          else for (let j = 0; j < 50; j++) expect(v.exists(`${id}-bulk-${j}`), `${id}-bulk-${j}`).toBe(true);
        }
        const report = v.verify();
        expect(report.problems).toEqual([]);
        expect(report.ok).toBe(true);
        // Bulk calls are all-or-nothing even across a kill: never a partial batch.
        const ids = allIds(v);
        const bulkIds = ids.filter((id) => id.startsWith('crash-') && id.includes('-bulk-'));
        const perBatch = new Map<string, number>();
        for (const id of bulkIds) perBatch.set(id.split('-bulk-')[0]!, (perBatch.get(id.split('-bulk-')[0]!) ?? 0) + 1);
        for (const [, count] of perBatch) expect(count).toBe(50);
        // So are groups (one transaction of savepoints), and the savepoint each rolls back is never there.
        const perGroup = new Map<string, number>();
        for (const id of ids.filter((x) => x.includes('-group-'))) perGroup.set(id.split('-group-')[0]!, (perGroup.get(id.split('-group-')[0]!) ?? 0) + 1);
        for (const [, count] of perGroup) expect(count).toBe(8);
        expect(ids.filter((x) => x.endsWith('-gone'))).toEqual([]);
        expect(v.count()).toBe(ids.length);
        // The next run restarts its counter at 0: move the old ids out of the way.
        const current = ids.filter((id) => id.startsWith('crash-'));
        v.transaction(() => {
          for (const id of current) v.put({ id: `run${n}-${id}`, content: v.get(id).content });
          for (const id of current) v.purge(id);
        });
      } finally {
        v.close();
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(235);
  }, 60_000);
});
