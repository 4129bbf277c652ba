/**
 * Attachment sync against a real PostgreSQL (test/pg/server.ts): files travel as sealed pieces, once each,
 * are re-addressed on the receiving vault, and a missing or altered piece holds its version back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { StorageService, Vault, attachStream, generateRawKey } from '../../src/main/storage';
import { WORKER_PATH } from '../service/helpers';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { TeamSync, cloneVault, setRemote, syncVault } from '../../src/app/sync/team-sync';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

const PIECE = 256 * 1024;

/** Bytes with a random marker repeated through them (what the dump must not show). */
function fileOf(size: number, marker: Buffer): Buffer {
  const b = randomBytes(size);
  for (let at = 0; at + marker.length <= size; at += 4096) marker.copy(b, at);
  return b;
}

function bytesOf(v: Vault, id: string, name: string, version?: number): Buffer {
  return Buffer.concat([...v.attachmentChunks(id, name, version)]);
}

describe.skipIf(why !== undefined)('team vault sync: attachments', () => {
  let srv: TestPg;
  let dir: string;
  const open: Vault[] = [];
  const key = generateRawKey().toString('hex');
  const marker = randomBytes(24);
  const opts = () => ({ caFile: srv.caFile, password: srv.alicePassword });
  const pieces = async (): Promise<number> => Number((await srv.admin<{ n: string }>('SELECT count(*) AS n FROM docvault.pieces'))[0]?.n);

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-attsync-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
  }, 60_000);
  afterEach(() => {
    for (const v of open.splice(0)) v.close();
  });
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function vault(name: string): Vault {
    const v = Vault.createSync(join(dir, `${name}-${Math.random().toString(36).slice(2)}.db`), { key: { rawKey: key } });
    open.push(v);
    return v;
  }
  async function clone(a: Vault, name: string): Promise<Vault> {
    const { vault: b } = await cloneVault(srv.aliceUrl, { path: join(dir, `${name}-${Math.random()}.db`), key: { rawKey: key }, remoteVault: a.syncState().remoteVault ?? '', ...opts() });
    open.push(b);
    return b;
  }

  it('a database prepared by the first release is upgraded by remote init: the pieces table, its grants and row-level security', async () => {
    // What a database prepared before attachment sync looks like: no pieces table.
    await srv.admin('DROP TABLE docvault.pieces');
    const a = vault('old');
    a.create({ id: 'plain', content: 'no files: syncs with the old schema' });
    await setRemote(a, srv.aliceUrl, opts());
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 1, filesPushed: 0 });
    await attachStream(a, 'plain', { name: 'f.bin' }, [Buffer.from('now a file')]);
    await expect(syncVault(a, opts())).rejects.toMatchObject({ kind: 'Unauthorized' }); // "is the database prepared (docvault remote init)?"
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init();
    await admin.init(); // idempotent
    await admin.close();
    const [t] = await srv.admin<{ rls: boolean; ins: boolean; sel: boolean; upd: boolean; del: boolean }>(
      `SELECT c.relrowsecurity AS rls, has_table_privilege('docvault_sync', 'docvault.pieces', 'INSERT') AS ins, has_table_privilege('docvault_sync', 'docvault.pieces', 'SELECT') AS sel,
              has_table_privilege('docvault_sync', 'docvault.pieces', 'UPDATE') AS upd, has_table_privilege('docvault_sync', 'docvault.pieces', 'DELETE') AS del
       FROM pg_class c WHERE c.oid = 'docvault.pieces'::regclass`,
    );
    expect(t).toEqual({ rls: true, ins: true, sel: true, upd: false, del: false });
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 1, filesPushed: 1 });
    const b = await clone(a, 'old-b');
    expect(bytesOf(b, 'plain', 'f.bin').toString()).toBe('now a file');
    // Another login sees none of the pieces; alice cannot change or remove one.
    await srv.admin("CREATE ROLE carol LOGIN PASSWORD 'carol-pass'; GRANT docvault_sync TO carol");
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
    expect(await as('carol', 'carol-pass', 'SELECT count(*)::int AS n FROM docvault.pieces')).toEqual([{ n: 0 }]);
    await expect(as('alice', srv.alicePassword, 'UPDATE docvault.pieces SET sealed = sealed')).rejects.toMatchObject({ code: '42501' });
    await expect(as('alice', srv.alicePassword, 'DELETE FROM docvault.pieces')).rejects.toMatchObject({ code: '42501' });
  });

  it('files attached on A arrive byte-identical on a clone and by pull, re-addressed under its own key; each file is sent once', async () => {
    const a = vault('a');
    const small = Buffer.from('a small note');
    const big = fileOf(PIECE * 2 + 12_345, marker); // three pieces
    a.create({ id: 'doc', content: 'with files', title: 'Files' });
    await attachStream(a, 'doc', { name: 'note.txt', mediaType: 'text/plain' }, [small]);
    await attachStream(a, 'doc', { name: 'big.bin' }, [big]);
    await attachStream(a, 'doc', { name: 'empty.bin' }, []);
    await setRemote(a, srv.aliceUrl, opts());
    const before = await pieces();
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 4, filesPushed: 3, filesPulled: 0, held: 0 });
    expect((await pieces()) - before).toBe(1 + 3 + 1);

    const b = await clone(a, 'b');
    expect(b.attachments('doc').map((x) => [x.name, x.size, x.mediaType])).toEqual(a.attachments('doc').map((x) => [x.name, x.size, x.mediaType]));
    expect(bytesOf(b, 'doc', 'big.bin').equals(big)).toBe(true);
    expect(bytesOf(b, 'doc', 'note.txt').equals(small)).toBe(true);
    expect(bytesOf(b, 'doc', 'empty.bin').length).toBe(0);
    // Old versions keep their lists: version 2 had the note only.
    expect(b.attachments('doc', 2).map((x) => x.name)).toEqual(['note.txt']);
    // Local addresses differ (each vault has its own attachment key); the bytes do not.
    expect(b.attachments('doc').find((x) => x.name === 'big.bin')?.ref).not.toBe(a.attachments('doc').find((x) => x.name === 'big.bin')?.ref);
    expect(b.verify()).toMatchObject({ ok: true });

    // The same bytes on another version and another document: no piece is sent again, none fetched again.
    a.create({ id: 'doc2', content: 'same file' });
    await attachStream(a, 'doc2', { name: 'copy.bin' }, [big]);
    a.update('doc', { content: 'edited, files kept' });
    const n = await pieces();
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 3, filesPushed: 0 });
    expect(await pieces()).toBe(n);
    expect(await syncVault(b, opts())).toMatchObject({ pulled: 3, filesPulled: 0, held: 0 });
    expect(bytesOf(b, 'doc2', 'copy.bin').equals(big)).toBe(true);
    expect(b.get('doc').content).toBe('edited, files kept');
    expect(b.attachments('doc')).toHaveLength(3);

    // B detaches and attaches: A follows exactly (a list is carried whole, detaches included).
    b.detach('doc', 'note.txt');
    await attachStream(b, 'doc', { name: 'from-b.txt' }, [Buffer.from('written on b')]);
    expect(await syncVault(b, opts())).toMatchObject({ pushed: 2, filesPushed: 1 });
    expect(await syncVault(a, opts())).toMatchObject({ pulled: 2, filesPulled: 1, conflicts: 0 });
    expect(a.attachments('doc').map((x) => x.name).sort()).toEqual(['big.bin', 'empty.bin', 'from-b.txt']);
    expect(bytesOf(a, 'doc', 'from-b.txt').toString()).toBe('written on b');
    expect(a.verify()).toMatchObject({ ok: true });

    // A purge removes the files locally on both sides; the server keeps its sealed pieces.
    const kept = await pieces();
    a.purge('doc2');
    await syncVault(a, opts());
    await syncVault(b, opts());
    expect(b.exists('doc2')).toBe(false);
    expect(await pieces()).toBe(kept);
  });

  it("the server's dump holds none of a file's bytes, in text or in hex", async () => {
    const a = vault('dump');
    const text = `${marker.toString('hex')} plain words that must not leak`;
    a.create({ id: 'dump-doc', content: 'x' });
    await attachStream(a, 'dump-doc', { name: 'marker.txt' }, [Buffer.from(text)]);
    await attachStream(a, 'dump-doc', { name: 'marker.bin' }, [fileOf(PIECE + 100, marker)]);
    await setRemote(a, srv.aliceUrl, opts());
    await syncVault(a, opts());
    const dump = srv.dump();
    expect(dump).toContain('docvault.pieces');
    for (const s of [marker.toString('hex'), 'plain words that must not leak', Buffer.from('plain words that must not leak').toString('hex'), 'marker.txt', Buffer.from('marker.bin').toString('hex')])
      expect(dump).not.toContain(s);
  });

  it('a piece altered or missing on the server holds its version (and the later rows of its document) back; the rest applies; it applies once the piece is back', async () => {
    const a = vault('t');
    a.create({ id: 'victim', content: 'v1' });
    a.create({ id: 'bystander', content: 'b1' });
    await setRemote(a, srv.aliceUrl, opts());
    await syncVault(a, opts());
    const b = await clone(a, 'tb');
    const before = await srv.admin<{ id: Buffer }>('SELECT piece_id AS id FROM docvault.pieces');
    const file = fileOf(PIECE + 10, marker);
    await attachStream(a, 'victim', { name: 'scan.bin' }, [file]);
    await syncVault(a, opts());
    const fresh = (await srv.admin<{ id: Buffer; sealed: Buffer }>('SELECT piece_id AS id, sealed FROM docvault.pieces')).filter((p) => !before.some((q) => q.id.equals(p.id)));
    expect(fresh).toHaveLength(2);
    const target = fresh[0] as { id: Buffer; sealed: Buffer };
    await srv.admin('UPDATE docvault.pieces SET sealed = set_byte(sealed, 40, get_byte(sealed, 40) # 1) WHERE piece_id = $1', [target.id]);
    a.update('victim', { content: 'v3, after the file' });
    a.update('bystander', { content: 'b2' });
    await syncVault(a, opts());

    const r = await syncVault(b, opts());
    expect(r).toMatchObject({ pulled: 1, held: 2, filesPulled: 0 });
    expect(b.get('bystander').content).toBe('b2');
    expect(b.get('victim').content).toBe('v1'); // nothing of the held versions is written
    expect(b.versions('victim')).toHaveLength(1);
    expect(b.syncState()).toMatchObject({ held: 2 });
    expect(b.syncHeld().map((h) => h.reason).join(' ')).toMatch(/Integrity/);
    expect(b.verify()).toMatchObject({ ok: true });

    // Still altered: still held, nothing else changes. Then missing: held with a reason that says so.
    expect(await syncVault(b, opts())).toMatchObject({ pulled: 0, held: 2 });
    const pid = target.id;
    await srv.admin('DELETE FROM docvault.pieces WHERE piece_id = $1', [pid]);
    expect(await syncVault(b, opts())).toMatchObject({ held: 2 });
    expect(b.syncHeld()[0]?.reason).toMatch(/missing on the server/);

    // The piece comes back (restored from a backup of the server): both versions apply, in order.
    await srv.admin('INSERT INTO docvault.pieces (vault_id, piece_id, sealed) VALUES ($1::uuid, $2, $3)', [a.syncState().remoteVault, pid, target.sealed]);
    expect(await syncVault(b, opts())).toMatchObject({ pulled: 2, held: 0, filesPulled: 1 });
    expect(b.get('victim').content).toBe('v3, after the file');
    expect(b.versions('victim').map((v) => v.version)).toEqual([1, 2, 3]);
    expect(bytesOf(b, 'victim', 'scan.bin').equals(file)).toBe(true);
    expect(b.syncConflicts()).toEqual([]);
    expect(b.verify()).toMatchObject({ ok: true });
  });

  it('the server killed mid-push of a large file: the sync resumes, sends only what is missing, and no piece or row is doubled', async () => {
    const a = vault('k');
    const big = fileOf(PIECE * 40 + 7, marker); // 41 pieces: three groups
    a.create({ id: 'large', content: 'a large file' });
    await attachStream(a, 'large', { name: 'large.bin' }, [big]);
    await setRemote(a, srv.aliceUrl, opts());
    const before = await pieces();
    let killed = false;
    await expect(
      syncVault(a, {
        ...opts(),
        onProgress: (p) => {
          if (p.phase === 'push-files' && p.done >= PIECE * 16 && !killed) {
            killed = true;
            srv.kill();
          }
        },
      }),
    ).rejects.toMatchObject({ kind: 'Offline' });
    srv.start();
    const partial = (await pieces()) - before;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(41);
    expect(a.syncState().pending).toBe(2); // the versions wait for their file
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 2, filesPushed: 1 });
    expect((await pieces()) - before).toBe(41);
    const remoteVault = a.syncState().remoteVault ?? '';
    const [dup] = await srv.admin<{ n: string }>(
      "SELECT count(*) - count(DISTINCT push_id) AS n FROM docvault.rows WHERE vault_id = replace($1, '-', '')::uuid",
      [remoteVault],
    );
    expect(Number(dup?.n)).toBe(0);
    const b = await clone(a, 'kb');
    expect(bytesOf(b, 'large', 'large.bin').equals(big)).toBe(true);
  }, 120_000);

  it('runs over the async storage service (the window): files cross the worker both ways', async () => {
    const service = await StorageService.create(join(dir, `svc-${Math.random().toString(36).slice(2)}.db`), { key: { rawKey: key }, workerPath: WORKER_PATH, readers: 1 });
    try {
      const team = new TeamSync(service, { password: () => Promise.resolve(srv.alicePassword) });
      const file = fileOf(PIECE + 3, marker);
      await service.create({ id: 'svc', content: 'from the service' });
      await attachStream(service, 'svc', { name: 'svc.bin' }, [file]);
      await team.setRemote(srv.aliceUrl, srv.caFile);
      expect(await team.syncNow()).toMatchObject({ pushed: 2, filesPushed: 1 });
      const remoteVault = (await service.syncState()).remoteVault ?? '';
      const { vault: other } = await cloneVault(srv.aliceUrl, { path: join(dir, `svc-b-${Math.random()}.db`), key: { rawKey: key }, remoteVault, ...opts() });
      open.push(other);
      expect(bytesOf(other, 'svc', 'svc.bin').equals(file)).toBe(true);
      await attachStream(other, 'svc', { name: 'back.bin' }, [Buffer.from('from the clone')]);
      await syncVault(other, opts());
      expect(await team.syncNow()).toMatchObject({ pulled: 1, filesPulled: 1 });
      const back = await service.readAttachment('svc', 'back.bin');
      expect(Buffer.from(back.data).toString()).toBe('from the clone');
    } finally {
      await service.close();
    }
  });
});
