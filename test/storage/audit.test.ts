/**
 * The audit log (engine): every security event is recorded in the transaction of the write it describes,
 * nothing about content or ids is stored, and a chain edited, cut, reordered or forged with the page key
 * (a raw SQLCipher connection, without docvault's HMAC key) fails verify and auditLog, naming the entry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AUDIT_STEP, SCHEMA_VERSION, Vault } from '../../src/main/storage';
import type { AuditEvent } from '../../src/shared/audit';
import { withRawConnection } from '../helpers/raw-db';
import { undoStepsAfter } from '../helpers/later-steps';
import { execWithHeadTable } from '../helpers/audit-step';
import { hexKey, makeVault } from '../helpers/tmp';
import { kindOfSync } from '../helpers/errors';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

/** A vault whose entries merge only within a transaction (auditMergeMs 0): one entry per commit, as these tests count them. */
function vault(opts: Parameters<typeof makeVault>[0] = {}) {
  const made = makeVault({ auditMergeMs: 0, ...opts });
  cleanups.push(made.cleanup);
  return made;
}

/** Events of the log, oldest first. */
function events(v: Vault): string[] {
  return v
    .auditLog({ limit: 10_000 })
    .entries.map((e) => (e.count === null ? e.event : `${e.event}:${e.count}`))
    .reverse();
}

/** A vault with five entries: create, three document creates, a delete. */
function fiveEntries() {
  const made = vault();
  made.vault.create({ id: 'a', content: 'A' });
  made.vault.create({ id: 'b', content: 'B' });
  made.vault.create({ id: 'c', content: 'C' });
  made.vault.delete('b');
  made.vault.close();
  return made;
}

function reopen(path: string, key: string): Vault {
  const v = Vault.openSync(path, { key: { rawKey: key }, auditMergeMs: 0 });
  cleanups.push(() => v.close());
  return v;
}

/** The audit problems verify reports. */
function auditProblems(v: Vault) {
  return v.verify().problems.filter((p) => p.kind === 'Audit');
}

describe('audit log: recording', () => {
  it('records the vault creation and each document event, with counts, in order', () => {
    const { vault: v } = vault();
    v.create({ id: 'one', content: 'secret text', title: 'Secret title' });
    v.put({ id: 'two', content: 'x' });
    v.put({ id: 'two', content: 'y' }); // an update: not a security event
    v.update('one', { content: 'z' });
    v.bulkCreate([{ id: 'b1', content: '1' }, { id: 'b2', content: '2' }]);
    v.bulkPut([{ id: 'b1', content: '1+' }, { id: 'b3', content: '3' }]);
    v.delete('one');
    v.undelete('one');
    v.bulkDelete(['b1', 'b2']);
    v.purge('b1');
    expect(v.emptyTrash()).toBe(1);
    expect(v.emptyTrash()).toBe(0); // nothing purged: nothing recorded
    v.recordAudit({ event: 'backup', outcome: 'ok' });
    v.recordAudit({ event: 'unlock.failed', outcome: 'failed', count: 3 });
    v.recordAudit({ event: 'export', outcome: 'failed', detail: 'DiskFull' });
    expect(events(v)).toEqual([
      'vault.create',
      'document.create:1',
      'document.create:1',
      'document.create:2',
      'document.create:1',
      'document.delete:1',
      'document.undelete:1',
      'document.delete:2',
      'document.purge:1',
      'document.purge:1',
      'backup',
      'unlock.failed:3',
      'export',
    ]);
    const page = v.auditLog();
    expect(page).toMatchObject({ total: 13, firstSeq: 1, problems: [] });
    expect(page.entries[0]).toMatchObject({ seq: 13, event: 'export', outcome: 'failed', detail: 'DiskFull' });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('stores no content, title or document id', () => {
    const { vault: v, path, key } = vault();
    v.create({ id: 'tax-2026-secret-id', title: 'Confidential title', content: 'private words' });
    v.delete('tax-2026-secret-id');
    v.close();
    const dump = withRawConnection(path, key, (db) => JSON.stringify(db.prepare('SELECT * FROM audit_log').all()) + JSON.stringify(db.prepare('SELECT * FROM counters').all()));
    for (const secret of ['tax-2026-secret-id', 'Confidential', 'private']) expect(dump).not.toContain(secret);
  });

  it('rolls back with the write it records: a failed bulk leaves no entry', () => {
    const { vault: v } = vault();
    v.create({ id: 'taken', content: 'x' });
    const before = v.auditLog().total;
    expect(v.bulkCreate([{ id: 'new', content: 'n' }, { id: 'taken', content: 'dup' }]).committed).toBe(false);
    expect(() => v.transaction(() => {
      v.create({ id: 'inner', content: 'i' });
      throw new Error('abort');
    })).toThrow('abort');
    expect(v.auditLog().total).toBe(before);
    expect(v.verify().ok).toBe(true);
  });

  it('refuses app records the engine makes itself, unknown events and details that are not an error kind', () => {
    const { vault: v } = vault();
    const bad: unknown[] = [
      { event: 'document.create', outcome: 'ok' },
      { event: 'nonsense', outcome: 'ok' },
      { event: 'backup', outcome: 'maybe' },
      { event: 'backup', outcome: 'ok', count: -1 },
      { event: 'backup', outcome: 'failed', detail: '/home/me/secret path' },
      null,
    ];
    for (const r of bad) expect(kindOfSync(() => v.recordAudit(r as never))).toBe('Invalid');
    expect(kindOfSync(() => v.auditLog({ limit: 0 }))).toBe('Invalid');
    expect(v.auditLog().total).toBe(1);
  });

  it('is readable on a read-only connection', () => {
    const { path, key } = fiveEntries();
    const r = Vault.openSync(path, { key: { rawKey: key }, readonly: true });
    cleanups.push(() => r.close());
    expect(r.auditLog({ limit: 2 })).toMatchObject({ total: 5, problems: [], entries: [{ seq: 5, event: 'document.delete' }, { seq: 4 }] });
    expect(kindOfSync(() => r.recordAudit({ event: 'backup', outcome: 'ok' }))).toBe('Invalid');
  });
});

describe('audit log: tampering with the page key is detected', () => {
  /** Applies `sql` with a raw connection (page key, no HMAC key) and returns the audit problems verify reports. */
  function tampered(sql: string): { verify: { entry?: number; message: string }[]; log: { seq?: number; message: string }[] } {
    const { path, key } = fiveEntries();
    withRawConnection(path, key, (db) => execWithHeadTable(db, sql));
    const v = reopen(path, key);
    const log = [...v.auditLog().problems];
    return { verify: auditProblems(v), log };
  }

  it('an edited entry', () => {
    const r = tampered("UPDATE audit_log SET event = 'document.undelete' WHERE seq = 3");
    expect(r.verify).toEqual([expect.objectContaining({ entry: 3, message: expect.stringMatching(/audit entry 3 does not verify/) })]);
    expect(r.log).toEqual([expect.objectContaining({ seq: 3 })]);
  });

  it('a changed time or count', () => {
    expect(tampered('UPDATE audit_log SET at = at + 1 WHERE seq = 2').verify.map((p) => p.entry)).toEqual([2]);
    expect(tampered('UPDATE audit_log SET count = 0 WHERE seq = 5').verify.map((p) => p.entry)).toEqual([5]);
  });

  it('an entry removed from the middle', () => {
    const r = tampered('DELETE FROM audit_log WHERE seq = 3');
    expect(r.verify.map((p) => p.message)).toEqual([expect.stringMatching(/audit entry 3 is missing/), expect.stringMatching(/audit entry 4 does not verify/)]);
  });

  it('the last entry removed', () => {
    const r = tampered('DELETE FROM audit_log WHERE seq = 5');
    expect(r.verify).toEqual([expect.objectContaining({ entry: 5, message: expect.stringMatching(/ends at entry 4, but its head says 5: entries were removed from the end/) })]);
  });

  it('every entry removed, the head kept', () => {
    expect(tampered('DELETE FROM audit_log').verify.map((p) => p.message)).toEqual([expect.stringMatching(/empty, but its head says it ends at entry 5/)]);
  });

  it('the last entry and the head removed', () => {
    expect(tampered('DELETE FROM audit_log WHERE seq = 5; DELETE FROM audit_head').verify.map((p) => p.message)).toEqual([expect.stringMatching(/no head row/)]);
  });

  it('the last entry removed and the head rewritten to match (without the key its tag cannot be remade)', () => {
    const r = tampered('DELETE FROM audit_log WHERE seq = 5; UPDATE audit_head SET last_seq = 4, last_mac = (SELECT mac FROM audit_log WHERE seq = 4)');
    expect(r.verify.map((p) => p.message)).toEqual([expect.stringMatching(/head does not verify/)]);
  });

  it('two entries swapped', () => {
    const r = tampered(`
      CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (2, 4);
      UPDATE audit_log SET at = (SELECT at FROM t WHERE seq = 4), event = (SELECT event FROM t WHERE seq = 4), count = (SELECT count FROM t WHERE seq = 4), mac = (SELECT mac FROM t WHERE seq = 4) WHERE seq = 2;
      UPDATE audit_log SET at = (SELECT at FROM t WHERE seq = 2), event = (SELECT event FROM t WHERE seq = 2), count = (SELECT count FROM t WHERE seq = 2), mac = (SELECT mac FROM t WHERE seq = 2) WHERE seq = 4;
    `);
    expect(r.verify.map((p) => p.entry)).toEqual(expect.arrayContaining([2, 4]));
  });

  it('a forged entry at the end, with a copied or random tag', () => {
    expect(tampered("INSERT INTO audit_log SELECT 6, at + 1, 'backup', 'ok', NULL, NULL, mac FROM audit_log WHERE seq = 5").verify.map((p) => p.message)).toEqual([
      expect.stringMatching(/audit entry 6 does not verify/),
      expect.stringMatching(/audit entry 6 lies past the end/),
    ]);
    expect(tampered("INSERT INTO audit_log VALUES (6, 1, 'backup', 'ok', NULL, NULL, randomblob(32)); UPDATE audit_head SET last_seq = 6, last_mac = (SELECT mac FROM audit_log WHERE seq = 6)").verify.map((p) => p.entry)).toEqual([undefined, 6]);
  });

  it('an entry put back from an earlier copy of the log is not a valid end', () => {
    const { path, key } = fiveEntries();
    const old = withRawConnection(path, key, (db) => db.prepare("SELECT b FROM counters WHERE key = 'audit'").pluck().get() as Buffer);
    const v = reopen(path, key);
    v.create({ id: 'later', content: 'l' });
    v.close();
    withRawConnection(path, key, (db) => {
      // In the older copy entry 5 was the newest, kept in its head; entry 6 is in the head now.
      db.prepare('DELETE FROM audit_log WHERE seq >= 5').run();
      db.prepare("UPDATE counters SET b = ? WHERE key = 'audit'").run(old);
    });
    // A head and log rolled back together to an older copy verify: a rollback is detected only when it
    // breaks the chain (the README says so). This test pins that limit.
    expect(auditProblems(reopen(path, key))).toEqual([]);
  });

  it('a head whose stored bytes do not decode: reported, and writes go on from the log\'s own end without laundering it', () => {
    const { path, key } = fiveEntries();
    withRawConnection(path, key, (db) => db.exec("UPDATE counters SET b = x'0102' WHERE key = 'audit'"));
    const v = reopen(path, key);
    expect(auditProblems(v).map((p) => p.message)).toEqual([expect.stringMatching(/head does not verify/)]);
    v.create({ id: 'after', content: 'x' });
    // The newest entry (5) was kept in the head and went with its bytes: the log's own end is entry 4.
    expect(v.auditLog().total).toBe(5);
    expect(v.auditLog().entries[0]).toMatchObject({ seq: 5, event: 'document.create' });
    expect(auditProblems(v).map((p) => p.message)).toEqual([expect.stringMatching(/head does not verify/)]);
  });

  it('a write after tampering does not launder it: the head stays unverifiable', () => {
    const { path, key } = fiveEntries();
    // The last entry the table holds (the newest, 5, is kept in the head).
    withRawConnection(path, key, (db) => db.exec('DELETE FROM audit_log WHERE seq = 4'));
    const v = reopen(path, key);
    v.create({ id: 'after', content: 'x' });
    const problems = auditProblems(v).map((p) => p.message);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/audit entry 4 is missing/), expect.stringMatching(/head does not verify/)]));
  });
});

describe('audit log: growth, migration, re-key, restore', () => {
  it('keeps at most auditMaxEntries, pruning the oldest with a tagged start; a pruned log verifies and its start is bound', () => {
    const { vault: v, path, key } = vault({ auditMaxEntries: 8 });
    for (let i = 0; i < 20; i++) v.create({ id: `d${i}`, content: String(i) });
    const page = v.auditLog({ limit: 100 });
    expect(page.total).toBeLessThanOrEqual(8);
    expect(page.firstSeq).toBeGreaterThan(1);
    expect(page.entries[0]?.seq).toBe(21);
    expect(page.entries.at(-1)?.seq).toBe(page.firstSeq);
    expect(page.problems).toEqual([]);
    expect(v.verify().ok).toBe(true);
    const first = page.firstSeq;
    v.close();
    withRawConnection(path, key, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(first));
    expect(auditProblems(reopen(path, key)).map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`audit entry ${first} is missing`))]));
  });

  it('pruning does not make an edited entry disappear: the head is poisoned instead', () => {
    const { vault: v, path, key } = vault({ auditMaxEntries: 8 });
    v.create({ id: 'x', content: 'x' });
    v.close();
    // Entry 1 (the vault's creation): entry 2 is the newest, kept in the head.
    withRawConnection(path, key, (db) => db.exec("UPDATE audit_log SET event = 'backup' WHERE seq = 1"));
    const w = Vault.openSync(path, { key: { rawKey: key }, auditMaxEntries: 8, auditMergeMs: 0 });
    cleanups.push(() => w.close());
    for (let i = 0; i < 20; i++) w.create({ id: `d${i}`, content: String(i) });
    expect(w.auditLog().firstSeq).toBeGreaterThan(2);
    expect(auditProblems(w).map((p) => p.message)).toEqual([expect.stringMatching(/head does not verify/)]);
  });

  it(`migrates a vault of the step before (${AUDIT_STEP - 1}): an empty, verifying log, then events`, () => {
    const { vault: v, path, key } = vault();
    v.create({ id: 'old', content: 'from before' });
    v.close();
    withRawConnection(path, key, (db) => {
      undoStepsAfter(db, AUDIT_STEP - 1);
      db.pragma(`user_version = ${AUDIT_STEP - 1}`);
    });
    const w = reopen(path, key);
    expect(w.stats().schemaVersion).toBe(SCHEMA_VERSION);
    expect(w.auditLog()).toMatchObject({ total: 0, firstSeq: 1, problems: [] });
    expect(w.verify()).toMatchObject({ ok: true });
    w.delete('old');
    expect(events(w)).toEqual(['document.delete:1']);
    expect(w.verify()).toMatchObject({ ok: true });
  });

  it('a re-key re-tags the chain under the new key and records itself; verify stays clean', async () => {
    const { path, key } = fiveEntries();
    const newKey = hexKey();
    await Vault.rekey(path, { key: { rawKey: key }, newKey: { rawKey: newKey } });
    const v = reopen(path, newKey);
    expect(events(v)).toEqual(['vault.create', 'document.create:1', 'document.create:1', 'document.create:1', 'document.delete:1', 'rekey']);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    v.close();
    // Old tags do not verify under the new key: an entry taken from the old file is caught.
    withRawConnection(path, newKey, (db) => db.exec("UPDATE audit_log SET mac = randomblob(32) WHERE seq = 2"));
    expect(auditProblems(reopen(path, newKey)).map((p) => p.entry)).toEqual([2, 3]);
  });

  it('a re-key of a pruned log re-anchors its start: the kept chain verifies under the new key', async () => {
    const { vault: v, path, key } = vault({ auditMaxEntries: 8 });
    for (let i = 0; i < 20; i++) v.create({ id: `d${i}`, content: String(i) });
    const first = v.auditLog().firstSeq;
    expect(first).toBeGreaterThan(1);
    v.close();
    const newKey = hexKey();
    await Vault.rekey(path, { key: { rawKey: key }, newKey: { rawKey: newKey } });
    const w = reopen(path, newKey);
    expect(w.auditLog()).toMatchObject({ firstSeq: first, problems: [] });
    expect(w.verify()).toMatchObject({ ok: true });
    w.close();
    withRawConnection(path, newKey, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(first));
    expect(auditProblems(reopen(path, newKey)).length).toBeGreaterThan(0);
  });

  it('a re-key refuses a vault whose audit chain is broken (damage is never re-tagged as sound)', async () => {
    const { path, key } = fiveEntries();
    withRawConnection(path, key, (db) => db.exec('DELETE FROM audit_log WHERE seq = 3'));
    await expect(Vault.rekey(path, { key: { rawKey: key }, newKey: { rawKey: hexKey() } })).rejects.toMatchObject({ kind: 'Integrity' });
  });

  it('a restored vault records the restore in its own log; a backup with a broken chain is refused', async () => {
    const { vault: v, path, key, dir } = vault();
    v.create({ id: 'kept', content: 'k' });
    const good = v.backup(join(dir, 'good.dvault')).path;
    v.create({ id: 'later', content: 'l' });
    const bad = v.backup(join(dir, 'bad.dvault')).path;
    v.close();
    withRawConnection(bad, key, (db) => db.exec('DELETE FROM audit_log WHERE seq = 2'));
    await expect(Vault.restoreBackup(path, bad, { key: { rawKey: key } })).rejects.toMatchObject({ kind: 'Integrity' });
    const report = await Vault.restoreBackup(path, good, { key: { rawKey: key } });
    expect(report.documents).toBe(1);
    const w = reopen(path, key);
    expect(events(w)).toEqual(['vault.create', 'document.create:1', 'restore:1']);
    expect(w.verify()).toMatchObject({ ok: true });
  });
});

// Exhaustive over the event list: a new event must be added to a test above.
const covered: Record<AuditEvent, true> = {
  'vault.create': true,
  'vault.open': true,
  'unlock.failed': true,
  rekey: true,
  backup: true,
  restore: true,
  'document.create': true,
  'document.delete': true,
  'document.undelete': true,
  'document.purge': true,
  'integrity.failure': true,
  export: true,
  import: true,
};
void covered;
