/**
 * Tamper fault suite: random bytes flipped in a random page of a closed vault. Opening and reading must
 * give either the right content or a typed error naming the damage (WrongKey, NotAVault, Corrupt,
 * Integrity) — never wrong content, a crash, an untyped error or `Internal` — and documents on undamaged
 * pages stay readable. Short: 15 rounds; full: 300. Then the audit log: a random entry edited, removed,
 * swapped, forged, or its end or head altered with the page key (no tag key) must always show in verify as an
 * `Audit` problem. Short: 20 rounds; full: 300.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, openSync, closeSync, readSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { hexKey, tempDir } from '../helpers/tmp';
import { withRawConnection } from '../helpers/raw-db';
import { execWithHeadTable } from '../helpers/audit-step';
import { count, recordFigures, suiteRandom } from './harness';

/** Kinds that name damage; `Corrupt` is the engine's newer kind for a damaged page. */
const DAMAGE = new Set(['WrongKey', 'NotAVault', 'Corrupt', 'Integrity']);
const PAGE = 4096;
const DOCS = 300;

const tmp = tempDir('docvault-faults-tamper-');
const key = hexKey();
const pristine = join(tmp.dir, 'pristine.dvault');
const expected = new Map<string, string>();

beforeAll(() => {
  const v = Vault.createSync(pristine, { key: { rawKey: key } });
  try {
    for (let i = 0; i < DOCS; i++) {
      const id = `doc-${i}`;
      const content = `document ${i} `.repeat(150);
      v.create({ id, content: `first ${content}`, tags: [`t${i % 7}`] });
      v.update(id, { content });
      expected.set(id, content);
    }
  } finally {
    v.close();
  }
}, 120_000);
afterAll(() => tmp.cleanup());

/** Flips 1–4 random bits in page `page`'s bytes at random offsets. */
function flip(path: string, page: number, random: () => number): void {
  const fd = openSync(path, 'r+');
  try {
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const at = page * PAGE + Math.floor(random() * PAGE);
      const b = Buffer.alloc(1);
      readSync(fd, b, 0, 1, at);
      b[0] = (b[0] ?? 0) ^ (1 << Math.floor(random() * 8));
      writeSync(fd, b, 0, 1, at);
    }
  } finally {
    closeSync(fd);
  }
}

describe('tamper: bytes flipped in a random page of a closed vault', () => {
  const rounds = count(15, 300);

  it(`gives the right content or a typed damage error over ${rounds} rounds; other documents stay readable`, { timeout: 60 * 60_000 }, () => {
    const random = suiteRandom(3);
    const pages = statSync(pristine).size / PAGE;
    const bad: string[] = [];
    const openKinds = new Map<string, number>();
    let opened = 0;
    let readsOk = 0;
    let readsTyped = 0;
    let mostlyReadable = 0;
    const judge = (where: string, err: unknown): void => {
      if (isDocvaultError(err) && DAMAGE.has(err.kind)) readsTyped++;
      else bad.push(`${where}: ${isDocvaultError(err) ? `${err.kind}: ${err.message}` : String(err)}`);
    };
    for (let round = 0; round < rounds; round++) {
      const path = join(tmp.dir, `round-${round % 4}.dvault`);
      copyFileSync(pristine, path);
      const page = Math.floor(random() * pages);
      flip(path, page, random);
      let vault: Vault;
      try {
        vault = Vault.openSync(path, { key: { rawKey: key } });
      } catch (err) {
        const kind = isDocvaultError(err) ? err.kind : 'untyped';
        openKinds.set(kind, (openKinds.get(kind) ?? 0) + 1);
        if (!(isDocvaultError(err) && DAMAGE.has(err.kind))) bad.push(`round ${round} page ${page}, open: ${String(err)}`);
        continue;
      }
      opened++;
      try {
        let ok = 0;
        for (const [id, content] of expected) {
          try {
            const doc = vault.get(id);
            if (doc.content === content) ok++;
            else bad.push(`round ${round} page ${page}: ${id} read back different content without an error`);
          } catch (err) {
            judge(`round ${round} page ${page}, get ${id}`, err);
          }
        }
        readsOk += ok;
        if (ok >= DOCS * 0.9) mostlyReadable++;
        try {
          const report = vault.verify();
          // A flipped page holding document rows must show up as a problem (or a typed error above).
          if (ok < DOCS && report.ok) bad.push(`round ${round} page ${page}: verify() ok although ${DOCS - ok} documents failed to read`);
        } catch (err) {
          judge(`round ${round} page ${page}, verify`, err);
        }
      } finally {
        try {
          vault.close();
        } catch (err) {
          judge(`round ${round} page ${page}, close`, err);
        }
      }
    }
    recordFigures('tamper', {
      rounds,
      'opens refused': [...openKinds].map(([k, n]) => `${k} ${n}`).join(' / ') || 'none',
      'opened despite damage': opened,
      'documents read intact': readsOk,
      'typed damage errors on read': readsTyped,
      'rounds with >= 90% readable': mostlyReadable,
      'untyped or wrong results': bad.length,
    });
    expect(bad).toEqual([]);
    // Damage stays local: in some round a damaged vault still gave back nearly every document.
    if (rounds >= 10) expect(mostlyReadable).toBeGreaterThan(0);
  });
});

describe('tamper: the audit log altered with the page key', () => {
  const rounds = count(20, 300);
  const auditPristine = join(tmp.dir, 'audit-pristine.dvault');
  const ENTRIES = 40;

  /** One alteration a page-key holder can make; `n` entries, numbered 1..n. */
  const alterations: readonly ((n: number, random: () => number) => string)[] = [
    (n, r) => `UPDATE audit_log SET at = at + ${1 + Math.floor(r() * 1000)} WHERE seq = ${1 + Math.floor(r() * n)}`,
    (n, r) => `UPDATE audit_log SET event = 'backup' WHERE seq = ${1 + Math.floor(r() * n)} AND event <> 'backup'`,
    (n, r) => `UPDATE audit_log SET outcome = CASE outcome WHEN 'ok' THEN 'failed' ELSE 'ok' END WHERE seq = ${1 + Math.floor(r() * n)}`,
    (n, r) => `UPDATE audit_log SET count = coalesce(count, 0) + 1 WHERE seq = ${1 + Math.floor(r() * n)}`,
    (n, r) => `UPDATE audit_log SET mac = randomblob(32) WHERE seq = ${1 + Math.floor(r() * n)}`,
    (n, r) => `DELETE FROM audit_log WHERE seq = ${1 + Math.floor(r() * n)}`,
    (n, r) => `DELETE FROM audit_log WHERE seq > ${n - 1 - Math.floor(r() * 3)}`,
    (n, r) => {
      const a = 1 + Math.floor(r() * (n - 1));
      return `UPDATE audit_log SET seq = CASE seq WHEN ${a} THEN -1 ELSE seq END WHERE seq = ${a}; UPDATE audit_log SET seq = ${a} WHERE seq = ${a + 1}; UPDATE audit_log SET seq = ${a + 1} WHERE seq = -1`;
    },
    (n) => `INSERT INTO audit_log SELECT ${n + 1}, at + 1, event, outcome, count, detail, mac FROM audit_log WHERE seq = ${n}`,
    (n) => `DELETE FROM audit_log WHERE seq = ${n}; UPDATE audit_head SET last_seq = ${n - 1}, last_mac = (SELECT mac FROM audit_log WHERE seq = ${n - 1})`,
    () => 'DELETE FROM audit_head',
    () => 'UPDATE audit_head SET first_seq = 2',
  ];

  beforeAll(() => {
    // An entry per write (auditMergeMs 0: adjacent creates would merge into one); the alterations run with
    // every entry a row of audit_log (execWithHeadTable), the newest included.
    const v = Vault.createSync(auditPristine, { key: { rawKey: key }, auditMergeMs: 0 });
    try {
      for (let i = 1; i < ENTRIES; i++) {
        if (i % 3 === 0) v.delete(`a-${i - 1}`);
        else v.create({ id: `a-${i}`, content: String(i) });
      }
      expect(v.auditLog().total).toBe(ENTRIES);
    } finally {
      v.close();
    }
  });

  it(`every alteration shows as an Audit problem in verify over ${rounds} rounds`, () => {
    const random = suiteRandom(11);
    const missed: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const path = join(tmp.dir, `audit-${round % 4}.dvault`);
      copyFileSync(auditPristine, path);
      const sql = (alterations[Math.floor(random() * alterations.length)] as (n: number, r: () => number) => string)(ENTRIES, random);
      withRawConnection(path, key, (db) => execWithHeadTable(db, sql));
      const v = Vault.openSync(path, { key: { rawKey: key } });
      try {
        const audit = v.verify().problems.filter((p) => p.kind === 'Audit');
        if (audit.length === 0) missed.push(`round ${round}: ${sql}`);
      } finally {
        v.close();
      }
    }
    recordFigures('tamper-audit', { rounds, 'alterations not detected': missed.length });
    expect(missed).toEqual([]);
  });
});
