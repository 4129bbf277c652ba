import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { withRawConnection } from '../helpers/raw-db';
import { type CliVault, fails, initVault, ok, run, useScratch } from './helpers';

const dir = useScratch();
let n = 0;

function newVault(): CliVault {
  return initVault(dir(), `m${++n}`);
}

/** Alters stored content behind docvault's back, as an attacker with the key (or a disk fault) could. */
function tamper(vault: string, hex: string, sql: string): void {
  withRawConnection(vault, hex, (db) => db.prepare(sql).run());
}

describe('verify', () => {
  it('reports OK and exits 0 on a sound vault', () => {
    const { args } = newVault();
    ok(args('put', '--id', 'a'), { input: 'one' });
    ok(args('put', '--id', 'a'), { input: 'two' });
    ok(args('put', '--id', 'b'), { input: 'three' });
    const r = run(args('verify'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK: 2 documents, 3 versions verified in \d+ ms\n$/);
    expect(r.stderr).toBe(''); // no progress indicator when stderr is not a terminal
    const report = JSON.parse(ok(args('verify', '--json')));
    expect(report).toMatchObject({ ok: true, documents: 2, versions: 3, problems: [] });
  });

  it('exits 6 with an Integrity line when content was altered, and reads of it fail too', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 'victim'), { input: 'original' });
    ok(args('put', '--id', 'victim'), { input: 'original, edited' });
    ok(args('put', '--id', 'bystander'), { input: 'fine' });
    tamper(vault, hex, "UPDATE versions SET content = 'forged' WHERE version = 1 AND vid >> 24 = (SELECT doc FROM documents WHERE id = 'victim')");

    const r = fails(args('verify'), 'Integrity', 6);
    expect(r.stderr).toBe('Integrity: verify found 1 problem\n');
    expect(r.stdout).toMatch(/^FAILED: 1 problem in 2 documents, 3 versions\n {2}Checksum victim@v1: content checksum mismatch\n$/);

    const json = run(args('verify', '--json'));
    expect(json.code).toBe(6);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ kind: 'Checksum', id: 'victim', version: 1, message: 'content checksum mismatch' }]);

    fails(args('get', 'victim', '--version', '1'), 'Integrity', 6);
    fails(args('diff', 'victim', '1', '2'), 'Integrity', 6);
    expect(ok(args('get', 'victim'))).toBe('original, edited');
    expect(ok(args('get', 'bystander'))).toBe('fine');
  });

  it('a stale full-text index: an Index problem (exit 6); --repair-index rebuilds it and verifies again', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 'q'), { input: 'a quince marmalade recipe' });
    ok(args('put', '--id', 'other'), { input: 'nothing to see' });
    tamper(vault, hex, "INSERT INTO search_index (search_index, rowid, title, content) SELECT 'delete', vid >> 24, title, content FROM versions WHERE vid >> 24 = (SELECT doc FROM documents WHERE id = 'q')");
    expect(JSON.parse(ok(args('search', 'quince', '--json'))).items).toEqual([]);
    const r = fails(args('verify'), 'Integrity', 6);
    expect(r.stdout).toMatch(/^FAILED: 1 problem in 2 documents, 2 versions\n {2}Index: search index "search_index" does not match/);
    const repaired = run(args('verify', '--repair-index'));
    expect(repaired.code).toBe(0);
    expect(repaired.stderr).toMatch(/^Search index: 1 problem found; rebuilt from the documents; verifying again\n$/);
    expect(repaired.stdout).toMatch(/^OK: 2 documents, 2 versions verified/);
    expect(JSON.parse(ok(args('search', 'quince', '--json'))).items.map((h: { id: string }) => h.id)).toEqual(['q']);
  });

  it('--deep: FTS5\'s own check finds a damaged index the default depth leaves to it; --deep --repair-index rebuilds it', () => {
    const { vault, hex, args } = newVault();
    // Words enough for the index to span several pages, so its first page holds words alone: the default
    // depth reads the type and tag tokens' lists (they sort last), not these.
    ok(args('put', '--id', 'q'), { input: `a quince marmalade recipe ${Array.from({ length: 1500 }, (_, i) => `w${i}`).join(' ')}` });
    ok(args('put', '--id', 'other'), { input: 'nothing to see' });
    withRawConnection(vault, hex, (db) => {
      db.unsafeMode(true);
      // Merged into one segment, then its first leaf deleted (ids 1 and 10 are FTS5's averages and structure records).
      db.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
      db.exec('DELETE FROM search_index_data WHERE id = (SELECT min(id) FROM search_index_data WHERE id > 10)');
    });
    expect(ok(args('verify'))).toMatch(/^OK: 2 documents, 2 versions verified/);
    const r = fails(args('verify', '--deep'), 'Integrity', 6);
    expect(r.stdout).toMatch(/^FAILED: \d+ problems? in 2 documents, 2 versions\n {2}Index: search index "search_index"/);
    const repaired = run(args('verify', '--deep', '--repair-index'));
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/^OK: 2 documents, 2 versions verified/);
    expect(JSON.parse(ok(args('verify', '--deep', '--json')))).toMatchObject({ ok: true, problems: [] });
  });

  it('catches an altered current version and a forged title', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 'x', '--title', 'Real'), { input: 'data' });
    tamper(vault, hex, "UPDATE documents SET title = 'Fake' WHERE id = 'x'");
    fails(args('get', 'x'), 'Integrity', 6);
    // ls still lists it, marked, and fails with the integrity status.
    const listed = fails(args('ls'), 'Integrity', 6);
    expect(listed.stdout).toMatch(/^! x\s/m);
    const report = JSON.parse(run(args('verify', '--json')).stdout);
    // Its row in the list by title (schema step "title rows held") still names the title it had.
    expect(report.problems.map((p: { kind: string; id?: string }) => `${p.kind}:${p.id ?? ''}`)).toEqual(['Head:x', 'Vault:']);
    expect(report.problems[1].message).toMatch(/^the title list row "Real" of "x" names another title/);
  });
});

describe('trash', () => {
  it('lists a trashed document whose title was forged, marked, and exits 6 like ls', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 't', '--title', 'Real'), { input: 'data' });
    ok(args('put', '--id', 'u', '--title', 'Sound'), { input: 'fine' });
    ok(args('rm', 't'));
    ok(args('rm', 'u'));
    expect(ok(args('trash'))).toMatch(/^2 documents in the Trash$/m);
    tamper(vault, hex, "UPDATE documents SET title = 'Fake' WHERE id = 't'");
    const r = fails(args('trash'), 'Integrity', 6);
    expect(r.stdout).toMatch(/^! t\s/m);
    expect(r.stdout).toMatch(/^u\s/m);
    expect(r.stderr).toBe('Integrity: 1 document in the Trash failed the integrity check (marked !); run docvault verify\n');
    const json = run(args('trash', '--json'));
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout).items.map((d: { id: string; integrityFailed?: boolean }) => `${d.id}:${d.integrityFailed === true}`)).toEqual(['u:false', 't:true']);
  });
});

describe('history', () => {
  it('lists a version whose record was altered, marked, says why and exits 6', () => {
    const { vault, hex, args } = newVault();
    ok(args('put', '--id', 'h', '--comment', 'first'), { input: 'one' });
    ok(args('put', '--id', 'h'), { input: 'two' });
    tamper(vault, hex, "UPDATE versions SET comment = 'forged' WHERE version = 1 AND vid >> 24 = (SELECT doc FROM documents WHERE id = 'h')");
    const r = fails(args('history', 'h'), 'Integrity', 6);
    expect(r.stdout).toMatch(/^\s*! 1\s/m);
    expect(r.stdout).toMatch(/^\s*2\s/m);
    expect(r.stderr).toMatch(/^Integrity: Document "h" version 1 failed its integrity check \(version tag mismatch/);
    const json = run(args('history', 'h', '--json'));
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout).map((v: { integrityProblem?: string }) => v.integrityProblem !== undefined)).toEqual([true, false]);
    fails(args('restore', 'h', '1'), 'Integrity', 6);
  });
});

describe('stats', () => {
  it('prints counts and sizes, and the full object with --json', () => {
    const { vault, args } = newVault();
    ok(args('put', '--id', 'a', '--type', 'memo'), { input: '12345' });
    ok(args('put', '--id', 'a'), { input: '1234567890' });
    ok(args('put', '--id', 'b', '--type', 'note'), { input: 'xyz' });
    const text = ok(args('stats'));
    expect(text).toContain(`vault       ${vault}\n`);
    expect(text).toMatch(/^encryption {2}sqlcipher4/m);
    expect(text).toContain('documents   2\n');
    expect(text).toContain('versions    3\n');
    expect(text).toContain('content     13 B current, 18 B with history\n');
    expect(text).toContain('by type     memo: 1, note: 1\n');
    expect(text).toContain('attached    none\n');
    expect(text).toContain('trash       empty\n');
    expect(text).toMatch(/^file {8}\d+(\.\d)? KiB \(\d+ pages of \d+ B, \d+ free\), WAL /m);
    const s = JSON.parse(ok(args('stats', '--json')));
    expect(s).toMatchObject({ path: vault, encrypted: true, documents: 2, versions: 3, contentBytes: 13, historyBytes: 18, byType: { memo: 1, note: 1 } });
    expect(s.attachments).toEqual({ files: 0, storedBytes: 0, referencedBytes: 0 });
    expect(s.fileBytes).toBeGreaterThan(0);
    expect(s.cache).toEqual(expect.objectContaining({ maxBytes: expect.any(Number) }));
  });

  it('on a plain vault says so', () => {
    const vault = join(dir(), 'plain.dvault');
    ok(['init', '--vault', vault, '--no-encryption']);
    expect(ok(['stats', '--vault', vault])).toMatch(/^encryption {2}none \(plain vault\)$/m);
    expect(JSON.parse(ok(['stats', '--vault', vault, '--json'])).encrypted).toBe(false);
  });
});
