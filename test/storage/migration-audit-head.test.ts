/**
 * The step "audit head in counters" (../../src/main/storage/engine/audit-schema.ts), from a vault of the step
 * before it (`vaultBeforeStep`: today's code, then this step undone): the head moves to its `counters` row
 * with fields and tag unchanged, its table goes, and the log verifies and goes on from where it ended. A head
 * altered or removed before the step is still reported after it (the step must not launder it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, Vault } from '../../src/main/storage';
import { AUDIT_HEAD_STEP } from '../../src/main/storage/migrations';
import { decodeAuditHead } from '../../src/main/storage/engine/audit-schema';
import { vaultBeforeStep } from '../helpers/before-step';
import { withRawConnection } from '../helpers/raw-db';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

interface TableHead {
  first_seq: number;
  anchor: Buffer | null;
  last_seq: number;
  last_mac: Buffer | null;
  mac: Buffer;
}

/** A vault of the step before with a few audit entries; `alter` runs on its raw connection before the step. */
function before(alter?: string): { path: string; key: string; head: TableHead | undefined; entries: number } {
  const f = vaultBeforeStep(AUDIT_HEAD_STEP, cleanups, (v) => {
    for (let i = 0; i < 6; i++) v.create({ id: `d${i}`, content: `entry ${i}` });
    v.delete('d0');
  });
  return withRawConnection(f.path, f.key, (db) => {
    expect(db.pragma('user_version', { simple: true })).toBe(AUDIT_HEAD_STEP - 1);
    expect(db.prepare("SELECT count(*) FROM counters WHERE key = 'audit'").pluck().get()).toBe(0);
    if (alter !== undefined) db.exec(alter);
    const head = db.prepare('SELECT first_seq, anchor, last_seq, last_mac, mac FROM audit_head').get() as TableHead | undefined;
    return { ...f, head, entries: db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number };
  });
}

function open(path: string, key: string): Vault {
  const v = Vault.openSync(path, { key: { rawKey: key }, idleCheckpointMs: 600_000 });
  cleanups.push(() => v.isOpen && v.close());
  return v;
}

describe('migration: audit head in counters', () => {
  it('moves the head with its fields and tag; the log verifies and goes on from where it ended', () => {
    const f = before();
    expect(f.head).toBeDefined();
    const v = open(f.path, f.key);
    withRawConnection(f.path, f.key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'audit_head'").pluck().get()).toBe(0);
      const row = db.prepare("SELECT n, b FROM counters WHERE key = 'audit'").get() as { n: number; b: Buffer };
      const h = f.head as TableHead;
      expect(row.n).toBe(h.last_seq);
      expect(decodeAuditHead(row.b)).toEqual({ fields: { firstSeq: h.first_seq, anchor: h.anchor, lastSeq: h.last_seq, lastMac: h.last_mac }, mac: h.mac, tail: null });
    });
    const log = v.auditLog();
    expect(log).toMatchObject({ total: f.entries, problems: [] });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    v.create({ id: 'after', content: 'written after the step' });
    expect(v.auditLog()).toMatchObject({ total: f.entries + 1, problems: [] });
    expect(v.auditLog().entries[0]).toMatchObject({ seq: (f.head as TableHead).last_seq + 1, event: 'document.create', count: 1 });
    v.close();
    expect(open(f.path, f.key).verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('a head altered before the step is still reported after it, and a write does not launder it', () => {
    const f = before('UPDATE audit_head SET first_seq = 2');
    const v = open(f.path, f.key);
    expect(v.auditLog().problems.map((p) => p.message)).toContain("the audit log's head does not verify: it, or the end of the log, was altered outside docvault");
    v.create({ id: 'after', content: 'x' });
    expect(v.verify().problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'Audit', message: expect.stringMatching(/head does not verify/) })]));
  });

  it('a head removed before the step is still missing after it', () => {
    const f = before('DELETE FROM audit_head');
    expect(f.head).toBeUndefined();
    const v = open(f.path, f.key);
    expect(v.verify().problems).toEqual([expect.objectContaining({ kind: 'Audit', message: expect.stringMatching(/no head row/) })]);
  });
});
