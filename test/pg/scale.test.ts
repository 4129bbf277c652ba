/**
 * Team-vault sync at scale and under failure, against a real PostgreSQL: 10k documents with versions cloned
 * and synced both ways; the server killed mid-push and mid-pull (pg_ctl stop -m immediate), then sync
 * resumes with no duplicate and nothing lost; a row altered on the server is refused alone; a wrong key
 * cannot join; the server's dump holds no plaintext; other logins see nothing and nobody can UPDATE/DELETE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { Vault, generateRawKey, sealRow } from '../../src/main/storage';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { cloneVault, setRemote, syncVault } from '../../src/app/sync/team-sync';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

const N = 10_000;
const MARK = `plain-${Math.random().toString(36).slice(2, 10)}`;
const body = (i: number, v: number) => `${MARK} body of document ${i} v${v} `.padEnd(1024, 'x');
const idOf = (i: number) => `${MARK}-id-${i}`;

describe.skipIf(why !== undefined)('team vault sync at scale and under failure', () => {
  let srv: TestPg;
  let dir: string;
  const key = generateRawKey().toString('hex');
  const opts = () => ({ caFile: srv.caFile, password: srv.alicePassword });
  let a: Vault;
  let b: Vault;

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-sync-scale-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
  }, 60_000);
  afterAll(() => {
    for (const v of [a, b]) if (v?.isOpen) v.close();
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Every live document's id and checksum, sorted. */
  function snapshot(v: Vault): string[] {
    const out: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = v.list({ limit: 1000, sort: 'created', ...(cursor === undefined ? {} : { cursor }) });
      out.push(...page.items.map((d) => `${d.id}:${d.checksum}`));
      if (page.nextCursor === null) return out.sort();
      cursor = page.nextCursor;
    }
  }

  it('pushes 10k documents with versions through a server killed mid-push, then clones them through one killed mid-pull', async () => {
    a = Vault.createSync(join(dir, 'a.dvault'), { key: { rawKey: key } });
    for (let s = 0; s < N; s += 1000)
      a.bulkCreate(Array.from({ length: 1000 }, (_, j) => ({ id: idOf(s + j), title: `${MARK} title ${s + j}`, tags: [`${MARK}-tag`], content: body(s + j, 1) })));
    a.transaction(() => {
      for (let i = 0; i < N; i += 5) a.update(idOf(i), { content: body(i, 2) });
    });
    const rows = N + N / 5;
    await setRemote(a, srv.aliceUrl, opts());
    expect(a.syncState().pending).toBe(rows);

    let killed = false;
    const killOnce = () => {
      if (killed) return;
      killed = true;
      srv.kill();
    };
    await expect(syncVault(a, { ...opts(), onProgress: (p) => p.phase === 'push' && p.done >= 3000 && killOnce() })).rejects.toMatchObject({ kind: 'Offline' });
    const left = a.syncState().pending;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(rows);
    srv.start();
    const resumed = await syncVault(a, opts());
    expect(resumed.pushed).toBe(left);
    expect(a.syncState().pending).toBe(0);
    const [count] = await srv.admin<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT push_id) AS d FROM docvault.rows');
    expect(count).toEqual({ n: String(rows), d: String(rows) });

    // A retry after a lost answer: the same rows sealed again (fresh nonces) add nothing.
    const remote = await PgRemote.connect({ url: srv.aliceUrl, ...opts() });
    const vaultId = a.syncState().remoteVault ?? '';
    const keys = a.syncKeys(vaultId);
    a.update(idOf(1), { content: body(1, 3) });
    const entries = a.syncOutbox(10);
    expect(await remote.push(vaultId, entries.map((e) => sealRow(keys, e.payload)))).toBe(1);
    expect(await remote.push(vaultId, entries.map((e) => sealRow(keys, e.payload)))).toBe(0);
    await remote.close();
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 0, pulled: 0 });

    // Clone, with the server killed part way through the pull: what was pulled is kept, sync finishes it.
    killed = false;
    const bPath = join(dir, 'b.dvault');
    await expect(
      cloneVault(srv.aliceUrl, { path: bPath, key: { rawKey: key }, ...opts(), onProgress: (p) => p.phase === 'pull' && p.done >= 4000 && killOnce() }),
    ).rejects.toMatchObject({ kind: 'Offline' });
    srv.start();
    b = Vault.openSync(bPath, { key: { rawKey: key } });
    const partial = b.syncState().lastSeq;
    expect(partial).toBeGreaterThan(0);
    await syncVault(b, opts());
    expect(b.count()).toBe(N);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.versions(idOf(0)).map((v) => v.version)).toEqual([1, 2]);
    expect(b.versions(idOf(1)).map((v) => v.version)).toEqual([1, 2]);
    expect(b.get(idOf(1)).content).toBe(body(1, 3));
    expect(b.verify()).toMatchObject({ ok: true });
  }, 300_000);

  it('syncs 1,000 edits each way between the two vaults', async () => {
    a.transaction(() => {
      for (let i = 0; i < 1000; i++) a.update(idOf(i * 2), { content: body(i * 2, 10) });
    });
    b.transaction(() => {
      for (let i = 0; i < 1000; i++) b.update(idOf(i * 2 + 1), { content: body(i * 2 + 1, 20) });
    });
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 1000, pulled: 0 });
    expect(await syncVault(b, opts())).toMatchObject({ pushed: 1000, pulled: 1000, conflicts: 0 });
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 0, pulled: 1000, conflicts: 0 });
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(a.get(idOf(3)).content).toBe(body(3, 20));
    expect(b.get(idOf(2)).content).toBe(body(2, 10));
  }, 120_000);

  it('a row altered on the server is refused alone (Integrity), the rest goes on', async () => {
    a.create({ id: `${MARK}-tampered`, content: 'will be altered' });
    a.create({ id: `${MARK}-fine`, content: 'arrives intact' });
    await syncVault(a, opts());
    const [last] = await srv.admin<{ seq: string }>('SELECT max(seq) AS seq FROM docvault.rows');
    const tamperedSeq = Number(last?.seq) - 1;
    await srv.admin('UPDATE docvault.rows SET sealed = set_byte(sealed, 30, get_byte(sealed, 30) # 1) WHERE seq = $1', [tamperedSeq]);
    const r = await syncVault(b, opts());
    expect(r).toMatchObject({ rejected: 1, pulled: 1 });
    expect(b.get(`${MARK}-fine`).content).toBe('arrives intact');
    expect(b.exists(`${MARK}-tampered`)).toBe(false);
    expect(b.syncState()).toMatchObject({ rejected: 1 });
  });

  it('a vault with another key cannot join the remote vault (WrongKey), and nothing is written', async () => {
    const other = Vault.createSync(join(dir, 'other.dvault'), { key: { rawKey: generateRawKey() } });
    try {
      await expect(setRemote(other, srv.aliceUrl, { ...opts(), remoteVault: a.syncState().remoteVault ?? '' })).rejects.toMatchObject({ kind: 'WrongKey' });
      expect(other.syncState().remoteUrl).toBeUndefined();
    } finally {
      other.close();
    }
    await expect(cloneVault(srv.aliceUrl, { path: join(dir, 'wrong.dvault'), key: { rawKey: generateRawKey() }, ...opts() })).rejects.toMatchObject({ kind: 'WrongKey' });
  });

  it("the server's full dump holds no id, title, tag or content, in text or in hex", () => {
    const dump = srv.dump();
    expect(dump).toContain('docvault.rows');
    expect(dump.length).toBeGreaterThan(N * 1024);
    const hex = (s: string) => Buffer.from(s).toString('hex');
    for (const s of [MARK, idOf(42), `${MARK} title 42`, `${MARK}-tag`, 'arrives intact']) {
      expect(dump).not.toContain(s);
      expect(dump).not.toContain(hex(s));
    }
  });

  it('another login sees no row; the sync role cannot UPDATE or DELETE', async () => {
    await srv.admin("CREATE ROLE bob LOGIN PASSWORD 'bob-pass'; GRANT docvault_sync TO bob");
    const ca = readFileSync(srv.caFile, 'utf8');
    const as = async (user: string, password: string, sql: string) => {
      const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user, password, database: 'postgres', ssl: { ca } });
      await c.connect();
      try {
        return (await c.query(sql)).rows;
      } finally {
        await c.end();
      }
    };
    expect(await as('bob', 'bob-pass', 'SELECT count(*)::int AS n FROM docvault.rows')).toEqual([{ n: 0 }]);
    expect(await as('bob', 'bob-pass', 'SELECT count(*)::int AS n FROM docvault.vaults')).toEqual([{ n: 0 }]);
    await expect(as('alice', srv.alicePassword, 'UPDATE docvault.rows SET sealed = sealed')).rejects.toMatchObject({ code: '42501' });
    await expect(as('alice', srv.alicePassword, 'DELETE FROM docvault.rows')).rejects.toMatchObject({ code: '42501' });
    await expect(as('alice', srv.alicePassword, 'UPDATE docvault.vaults SET next_seq = 1')).rejects.toMatchObject({ code: '42501' });
  });
});
