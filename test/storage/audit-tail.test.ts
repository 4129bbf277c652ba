/**
 * The audit log's newest entry kept in its head (schema step "audit tail in the head", engine/audit.ts): a run
 * of single writes of one event within AUDIT_MERGE_MS of the first is one entry with their count, committed
 * apart, and writes no row of `audit_log` until an entry that cannot merge comes. The entry in the head is
 * covered by the chain like any other: altered, cut or laundered by a later write, it is reported. From a
 * vault of the step before (its newest entry a row of the table), the log verifies and goes on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { AUDIT_TAIL_STEP } from '../../src/main/storage/migrations';
import { AUDIT_HEAD_KEY, decodeAuditHead, encodeAuditHead, writeCountersHead } from '../../src/main/storage/engine/audit-schema';
import { AUDIT_MERGE_MS } from '../../src/shared/audit';
import { vaultBeforeStep } from '../helpers/before-step';
import { dropHeadEntry } from '../helpers/audit-step';
import { withRawConnection } from '../helpers/raw-db';
import { makeVault } from '../helpers/tmp';
import { kindOfSync } from '../helpers/errors';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A clock the test moves. */
function clock(start = 1_764_000_000_000) {
  let t = start;
  return { now: () => t, set: (ms: number) => (t = start + ms) };
}

function vault(now: () => number) {
  const made = makeVault({ now });
  cleanups.push(made.cleanup);
  return made;
}

function open(path: string, key: string, now?: () => number): Vault {
  const v = Vault.openSync(path, { key: { rawKey: key }, ...(now === undefined ? {} : { now }) });
  cleanups.push(() => v.close());
  return v;
}

/** Entries oldest first, as `event:count@ms after start`. */
function entries(v: Vault, start = 1_764_000_000_000): string[] {
  return v
    .auditLog({ limit: 10_000 })
    .entries.map((e) => `${e.event}${e.count === null ? '' : `:${e.count}`}@${e.at - start}`)
    .reverse();
}

const tableRows = (db: Database.Database): number => db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;

function auditProblems(v: Vault): string[] {
  return v
    .verify()
    .problems.filter((p) => p.kind === 'Audit')
    .map((p) => p.message);
}

describe('audit tail: single writes of one event merge in the head', () => {
  it(`merges commits of one counted event less than ${AUDIT_MERGE_MS} ms after the entry began; any other event or a later time starts one`, () => {
    const c = clock();
    const { vault: v, path, key } = vault(c.now);
    v.create({ id: 'a', content: 'A' });
    c.set(10_000);
    v.create({ id: 'b', content: 'B' });
    c.set(AUDIT_MERGE_MS - 1);
    v.create({ id: 'c', content: 'C' });
    c.set(AUDIT_MERGE_MS);
    v.create({ id: 'd', content: 'D' });
    v.delete('d');
    v.delete('c');
    v.recordAudit({ event: 'backup', outcome: 'failed', detail: 'DiskFull' });
    v.recordAudit({ event: 'backup', outcome: 'failed', detail: 'DiskFull' }); // a detail never merges
    c.set(AUDIT_MERGE_MS + 5);
    v.create({ id: 'e', content: 'E' });
    c.set(AUDIT_MERGE_MS + 1); // the clock went back: no merge into a later entry
    v.create({ id: 'f', content: 'F' });
    const T = AUDIT_MERGE_MS;
    expect(entries(v)).toEqual(['vault.create@0', 'document.create:3@0', `document.create:1@${T}`, `document.delete:2@${T}`, `backup@${T}`, `backup@${T}`, `document.create:1@${T + 5}`, `document.create:1@${T + 1}`]);
    expect(v.auditLog()).toMatchObject({ total: 8, problems: [] });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    v.close();
    // The newest entry is the head's; every other is a row.
    withRawConnection(path, key, (db) => expect(tableRows(db)).toBe(7));
  });

  it('a merge rewrites the head only: no row of audit_log is written, and the merged entry verifies after a reopen', () => {
    const c = clock();
    const { vault: v, path, key } = vault(c.now);
    v.create({ id: 'first', content: '1' });
    v.close();
    const rowsBefore = withRawConnection(path, key, (db) => db.prepare('SELECT seq, mac FROM audit_log ORDER BY seq').all());
    const w = open(path, key, c.now);
    for (let i = 0; i < 20; i++) w.create({ id: `d${i}`, content: String(i) });
    w.close();
    withRawConnection(path, key, (db) => {
      expect(db.prepare('SELECT seq, mac FROM audit_log ORDER BY seq').all()).toEqual(rowsBefore);
      const head = decodeAuditHead(db.prepare(`SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get());
      expect(head?.tail).toMatchObject({ event: 'document.create', outcome: 'ok', count: 21, detail: null });
    });
    const r = open(path, key);
    expect(entries(r)).toEqual(['vault.create@0', 'document.create:21@0']);
    expect(r.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('auditMergeMs 0 keeps an entry per commit; a bad value is Invalid before anything opens', () => {
    const made = makeVault({ auditMergeMs: 0 });
    cleanups.push(made.cleanup);
    made.vault.create({ id: 'a', content: 'A' });
    made.vault.create({ id: 'b', content: 'B' });
    expect(made.vault.auditLog().entries.map((e) => e.count)).toEqual([1, 1, null]);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '60' as unknown as number])
      expect(kindOfSync(() => Vault.openSync(made.path, { key: { rawKey: made.key }, auditMergeMs: bad }))).toBe('Invalid');
  });
});

describe('audit tail: the entry in the head is covered by the chain', () => {
  /** A vault whose newest entry (3: three creates) is in the head, closed. */
  function withTail() {
    const c = clock();
    const made = vault(c.now);
    made.vault.delete(made.vault.create({ id: 'x', content: 'x' }).id);
    for (const id of ['a', 'b', 'c']) made.vault.create({ id, content: id });
    made.vault.close();
    return made;
  }

  /** Rewrites the head's entry with `change` applied, the head's fields and tags unchanged (no key needed). */
  function alterTail(db: Database.Database, change: (t: NonNullable<ReturnType<typeof decodeAuditHead>>['tail'] & object) => object): void {
    const head = decodeAuditHead(db.prepare(`SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get());
    if (head?.tail == null) throw new Error('the head holds no entry');
    writeCountersHead(db, head.fields, head.mac, { ...head.tail, ...change(head.tail) });
  }

  it('its count or time changed in the head: the entry does not verify; a later write neither merges into it nor launders it', () => {
    const { path, key } = withTail();
    withRawConnection(path, key, (db) => alterTail(db, (t) => ({ count: (t.count ?? 0) - 1 })));
    // At the entry's own time: it would merge, were it sound.
    const v = open(path, key, clock().now);
    expect(auditProblems(v)).toEqual([expect.stringMatching(/audit entry 4 does not verify/)]);
    v.create({ id: 'later', content: 'l' });
    expect(v.auditLog().entries.slice(0, 2).map((e) => [e.seq, e.count])).toEqual([[5, 1], [4, 2]]);
    expect(auditProblems(v)).toEqual(expect.arrayContaining([expect.stringMatching(/audit entry 4 does not verify/), expect.stringMatching(/head does not verify/)]));
    const { path: p2, key: k2 } = withTail();
    withRawConnection(p2, k2, (db) => alterTail(db, (t) => ({ at: t.at - 1 })));
    expect(auditProblems(open(p2, k2))).toEqual([expect.stringMatching(/audit entry 4 does not verify/)]);
  });

  it('altered while a connection keeps appending: the head is checked again (its bytes are not the ones it wrote), the table by the chain', () => {
    const { path, key } = withTail();
    const c = clock();
    const v = open(path, key, c.now);
    v.create({ id: 'd', content: 'd' }); // merges: entry 4 of 4
    withRawConnection(path, key, (db) => alterTail(db, (t) => ({ count: (t.count ?? 0) + 5 })));
    v.create({ id: 'e', content: 'e' }); // the head's bytes changed: checked, refused as a merge, and the new head poisoned
    expect(v.auditLog().entries.slice(0, 2).map((e) => [e.seq, e.count])).toEqual([[5, 1], [4, 9]]);
    expect(auditProblems(v)).toEqual(expect.arrayContaining([expect.stringMatching(/audit entry 4 does not verify/), expect.stringMatching(/head does not verify/)]));

    const other = withTail();
    const w = open(other.path, other.key, c.now);
    w.create({ id: 'd', content: 'd' });
    // The table's last row (3) edited, then removed, behind the connection's back: its next appends do not look
    // at the table again, and the chain still breaks there.
    withRawConnection(other.path, other.key, (db) => db.exec("UPDATE audit_log SET count = 7 WHERE seq = 3"));
    w.create({ id: 'e', content: 'e' });
    expect(auditProblems(w)).toEqual([expect.stringMatching(/audit entry 3 does not verify/)]);
    withRawConnection(other.path, other.key, (db) => db.exec('DELETE FROM audit_log WHERE seq = 3'));
    w.delete('e');
    expect(auditProblems(w)).toEqual(expect.arrayContaining([expect.stringMatching(/audit entry 3 is missing/)]));
  });

  it('a row forged under the number of the entry in the head: writes go on, and the log stays reported', () => {
    const { path, key } = withTail();
    withRawConnection(path, key, (db) => db.exec("INSERT INTO audit_log SELECT 4, at, 'backup', 'ok', NULL, NULL, mac FROM audit_log WHERE seq = 3"));
    const v = open(path, key);
    expect(auditProblems(v).length).toBeGreaterThan(0);
    v.delete('a'); // the head's entry (4) goes to the table where the forged row was
    v.create({ id: 'later', content: 'l' });
    expect(v.get('later').version).toBe(1);
    expect(v.auditLog().entries.slice(0, 3).map((e) => [e.seq, e.event])).toEqual([[6, 'document.create'], [5, 'document.delete'], [4, 'document.create']]);
    expect(auditProblems(v)).toEqual([expect.stringMatching(/head does not verify/)]);
  });

  it('cut from the head: the log ends before where its head says', () => {
    const { path, key } = withTail();
    withRawConnection(path, key, dropHeadEntry);
    expect(auditProblems(open(path, key))).toEqual([expect.stringMatching(/ends at entry 3, but its head says 4/)]);
  });

  it('an older head put back over a later log (its entry is a row of the table now): reported', () => {
    const { path, key } = withTail();
    const old = withRawConnection(path, key, (db) => db.prepare(`SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get() as Buffer);
    const v = open(path, key);
    v.delete('a'); // the creates' entry (4) moves to the table, the delete (5) is the head's
    v.close();
    withRawConnection(path, key, (db) => db.prepare(`UPDATE counters SET b = ? WHERE key = '${AUDIT_HEAD_KEY}'`).run(old));
    expect(auditProblems(open(path, key)).length).toBeGreaterThan(0);
  });

  it('a head bytes past its entry, or an entry cut short, do not decode (reported as altered)', () => {
    const f = { firstSeq: 1, anchor: null, lastSeq: 2, lastMac: Buffer.alloc(32, 1) };
    const mac = Buffer.alloc(32, 2);
    const tail = { at: 5, event: 'document.create', outcome: 'ok', count: 2, detail: null };
    const bytes = encodeAuditHead(f, mac, tail);
    expect(decodeAuditHead(bytes)).toEqual({ fields: f, mac, tail });
    expect(decodeAuditHead(encodeAuditHead(f, mac, { ...tail, count: null, detail: 'DiskFull' }))?.tail).toEqual({ ...tail, count: null, detail: 'DiskFull' });
    expect(decodeAuditHead(encodeAuditHead(f, mac))?.tail).toBeNull();
    expect(decodeAuditHead(Buffer.concat([bytes, Buffer.from([0])]))).toBeUndefined();
    for (let cut = 1; cut < bytes.length - encodeAuditHead(f, mac).length; cut++) expect(decodeAuditHead(bytes.subarray(0, bytes.length - cut))).toBeUndefined();
  });
});

describe(`audit tail: migration from a vault of the step before (${AUDIT_TAIL_STEP - 1})`, () => {
  it('every entry a row of audit_log: the log verifies, and the next entries go to the head', () => {
    const f = vaultBeforeStep(AUDIT_TAIL_STEP, cleanups, (v) => {
      v.create({ id: 'a', content: 'A' });
      v.delete('a');
    });
    const before = withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(AUDIT_TAIL_STEP - 1);
      expect(decodeAuditHead(db.prepare(`SELECT b FROM counters WHERE key = '${AUDIT_HEAD_KEY}'`).pluck().get())?.tail).toBeNull();
      return tableRows(db);
    });
    const v = open(f.path, f.key);
    expect(v.auditLog()).toMatchObject({ total: before, problems: [] });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    v.create({ id: 'b', content: 'B' });
    v.create({ id: 'c', content: 'C' });
    expect(v.auditLog().entries[0]).toMatchObject({ seq: before + 1, event: 'document.create', count: 2 });
    v.close();
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(tableRows(db)).toBe(before);
    });
    expect(open(f.path, f.key).verify()).toMatchObject({ ok: true, problems: [] });
  });
});
