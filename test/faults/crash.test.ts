/**
 * Crash fault suite: a writer process working through the StorageService is killed with SIGKILL at a
 * random moment, round after round on the same vault. Every write it acknowledged before the kill must be
 * there, with its content, after reopening; the vault must open and verify clean. Short: 5 rounds; full:
 * 200 (`npm run test:faults`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Vault } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';
import { contentFor, type Ack } from './acks';
import { count, killAfterAcks, recordFigures, suiteRandom } from './harness';

const tmp = tempDir('docvault-faults-crash-');
afterAll(() => tmp.cleanup());

/** The acknowledged writes whose content is not in the vault (at the acknowledged version). */
function lost(vault: Vault, acks: readonly Ack[]): Ack[] {
  const missing: Ack[] = [];
  for (const a of acks) {
    try {
      if (vault.getVersion(a.id, a.version).content !== contentFor(a.id, a.seq)) missing.push(a);
    } catch {
      missing.push(a);
    }
  }
  return missing;
}

describe('crash: SIGKILL during writes through the StorageService', () => {
  const rounds = count(5, 200);

  it(`loses no acknowledged write over ${rounds} killed rounds; the vault opens and verifies clean`, { timeout: 60 * 60_000 }, async () => {
    const random = suiteRandom(1);
    const path = join(tmp.dir, 'crash.dvault');
    const key = hexKey();
    Vault.createSync(path, { key: { rawKey: key } }).close();
    const all: Ack[] = [];
    let killed = 0;
    let lostCount = 0;
    for (let round = 0; round < rounds; round++) {
      // 0 kills the writer as soon as it is ready; up to 60 lets a few group commits through first.
      const killAfter = Math.floor(random() * 61);
      const r = await killAfterAcks('writes', [path, key, String(round + 1)], killAfter);
      expect(r.killed, `round ${round}: the writer ended by itself: ${r.stderr}`).toBe(true);
      killed++;
      const vault = Vault.openSync(path, { key: { rawKey: key } });
      try {
        const missing = lost(vault, r.acks);
        lostCount += missing.length;
        expect(missing, `round ${round} (killed after ${killAfter} acks)`).toEqual([]);
        all.push(...r.acks);
        // verify() reads every version: every 10th round and the last, so the full run stays in minutes.
        if (round % 10 === 9 || round === rounds - 1) expect(vault.verify().problems).toEqual([]);
      } finally {
        vault.close();
      }
    }
    const vault = Vault.openSync(path, { key: { rawKey: key } });
    try {
      const missing = lost(vault, all);
      lostCount += missing.length;
      expect(missing).toEqual([]);
      const report = vault.verify();
      expect(report.ok).toBe(true);
      recordFigures('crash', { 'rounds killed': killed, 'writes acknowledged': all.length, 'writes lost': lostCount, 'versions verified': report.versions });
    } finally {
      vault.close();
    }
    expect(all.length).toBeGreaterThan(0);
  });
});
