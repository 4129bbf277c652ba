/**
 * `docvault audit` as a user runs it: the events of a session (init, put, rm, backup, export, verify), a
 * clean chain exits 0, and an entry edited, removed from the middle or the end, or reordered with the page
 * key exits 6 (Integrity) from both `audit` and `verify`, naming the entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../src/shared/audit';
import { withRawConnection } from '../helpers/raw-db';
import { dropHeadEntry } from '../helpers/audit-step';
import { ensureBuilt, ok, run, scratch, secret } from './helpers';

let dir: string;
let cleanup: () => void;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = scratch());
});
afterAll(() => cleanup());

/** A vault with a session's worth of events: init, two puts, rm, backup, export. */
function session(): { vault: string; hex: string; args: (...a: string[]) => string[] } {
  const vault = join(dir, `a${++n}.dvault`);
  const key = join(dir, `a${n}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  const hex = secret(readFileSync(key, 'utf8').trim());
  const args = (...a: string[]): string[] => [...a, '--vault', vault, '--key-file', key];
  ok(args('put', '--id', 'secret-id-1', '--title', 'Secret title'), { input: 'secret words' });
  ok(args('put', '--id', 'two'), { input: 'x' });
  ok(args('rm', 'two'));
  ok(args('backup', join(dir, `a${n}-backup.dvault`)));
  ok(args('export', join(dir, `a${n}-export`)));
  return { vault, hex, args };
}

function page(args: string[]): AuditPage {
  return JSON.parse(run(args).stdout) as AuditPage;
}

describe('docvault audit', () => {
  it('lists the session newest first, with no content, title or id, and exits 0', () => {
    const { args } = session();
    const out = ok(args('audit'));
    const events = out.split('\n').filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/)[2]);
    // The two puts, a minute apart at most, are one entry of two (AUDIT_MERGE_MS).
    expect(events).toEqual(['export', 'backup', 'document.delete', 'document.create', 'vault.create']);
    expect(out).toMatch(/^\s+2 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}document\.create +ok +count 2$/m);
    expect(out).toMatch(/^\s+5 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}export +ok +count 1$/m);
    expect(out).toContain('5 entries\n');
    for (const s of ['secret-id-1', 'Secret title', 'secret words']) expect(out).not.toContain(s);
    // The backup counts every document it copied, the one in the Trash too.
    const json = page(args('audit', '--json', '--limit', '2'));
    expect(json).toMatchObject({ total: 5, firstSeq: 1, problems: [], entries: [{ seq: 5, event: 'export' }, { seq: 4, event: 'backup', outcome: 'ok', count: 2 }] });
    expect(ok(args('audit', '--limit', '1'))).toContain('1 of 5 entries shown');
  });

  it('refuses a bad --limit as a usage error', () => {
    const { args } = session();
    expect(run(args('audit', '--limit', '0')).code).toBe(2);
    expect(run(args('audit', '--limit', '10001')).code).toBe(2);
  });

  // Entries 1–4 are rows of audit_log; the newest (5, the export) is kept in the audit head.
  for (const [name, alter, entry] of [
    ['an edited entry', "UPDATE audit_log SET outcome = 'failed' WHERE seq = 3", /audit entry 3 does not verify/],
    ['an entry removed from the middle', 'DELETE FROM audit_log WHERE seq = 2', /audit entry 2 is missing/],
    ['the last entry removed', dropHeadEntry, /ends at entry 4, but its head says 5/],
    ['two entries swapped', "UPDATE audit_log SET event = CASE seq WHEN 2 THEN 'document.delete' ELSE 'document.create' END WHERE seq IN (2, 4)", /audit entry 2 does not verify/],
  ] as const)
    it(`${name}: audit and verify exit 6 naming it; verify records the failure`, () => {
      const { vault, hex, args } = session();
      withRawConnection(vault, hex, (db) => (typeof alter === 'string' ? db.exec(alter) : alter(db)));
      const a = run(args('audit'));
      expect(a.code).toBe(6);
      expect(a.stdout).toMatch(entry);
      expect(a.stderr).toMatch(/^Integrity: the audit log's chain is broken/);
      const v = run(args('verify'));
      expect(v.code).toBe(6);
      expect(v.stdout).toMatch(entry);
      // The failed verify is itself recorded (after the break, which stays reported).
      const after = page(args('audit', '--json'));
      expect(after.entries[0]).toMatchObject({ event: 'integrity.failure', outcome: 'failed' });
      expect(after.problems.length).toBeGreaterThan(0);
    });
});
