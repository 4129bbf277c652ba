/**
 * Leaving and re-joining a team vault, against a real PostgreSQL: `remote clear` keeps every document and
 * adds nothing twice when the vault re-attaches; a rekey detaches a synced vault and `remote set` then makes a
 * new remote vault that a clone with the new key reads; a vault restored from a backup gets a new device id,
 * so a version written after the restore is flagged against the one the old device pushed; `remote
 * add-member` adds a login (idempotent) and says when it still lacks the sync role.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { cloneVault, setRemote, syncVault } from '../../src/app/sync/team-sync';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { ensureBuilt, ok, scratch, secret } from '../cli/helpers';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

const KEY = 'a'.repeat(64);
const NEW_KEY = 'b'.repeat(64);

describe.skipIf(why !== undefined)('detach, rekey, restore and members of a team vault', () => {
  let srv: TestPg;
  let dir: string;
  let pw: { password: string; caFile: string };

  const serverRows = async (vaultId: string): Promise<number> =>
    Number((await srv.admin<{ n: string }>("SELECT count(*) AS n FROM docvault.rows WHERE replace(vault_id::text, '-', '') = $1", [vaultId]))[0]?.n);

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-detach-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
    pw = { password: srv.alicePassword, caFile: srv.caFile };
  }, 60_000);
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('detach keeps every document and version; re-attaching to the same remote vault adds nothing twice', async () => {
    const v = Vault.createSync(join(dir, 'detach.dvault'), { key: { rawKey: KEY } });
    try {
      v.create({ id: 'a', content: 'one' });
      v.update('a', { content: 'two' });
      v.create({ id: 'b', content: 'bee' });
      const { remoteVault } = await setRemote(v, srv.aliceUrl, pw);
      await syncVault(v, { password: pw.password });
      expect(await serverRows(remoteVault)).toBe(3);
      v.update('b', { content: 'bee 2' }); // pending at detach time: forgotten with the sync state
      const was = v.detachRemote();
      expect(was).toEqual({ remoteUrl: srv.aliceUrl, remoteVault, caFile: srv.caFile });
      expect(v.syncState()).toMatchObject({ remoteUrl: undefined, remoteVault: undefined, device: undefined, pending: 0, conflicts: 0, lastSeq: 0, lastSync: undefined });
      expect(v.versions('a').map((x) => x.version)).toEqual([1, 2]);
      expect(v.get('b').content).toBe('bee 2');
      expect(v.detachRemote()).toBeUndefined(); // detaching a detached vault is a no-op
      // Writes while detached queue nothing.
      v.create({ id: 'c', content: 'sea' });
      expect(v.syncState().pending).toBe(0);

      await setRemote(v, srv.aliceUrl, { ...pw, remoteVault });
      const again = await syncVault(v, { password: pw.password });
      // Only what the server did not have: b v2 and c v1. The three old rows were dropped as repeats.
      expect(await serverRows(remoteVault)).toBe(5);
      expect(again).toMatchObject({ pulled: 0, conflicts: 0, rejected: 0 });
      expect(v.versions('a').map((x) => x.version)).toEqual([1, 2]);

      const clone = await cloneVault(srv.aliceUrl, { path: join(dir, 'detach-clone.dvault'), key: { rawKey: KEY }, ...pw, remoteVault });
      try {
        expect(clone.vault.versions('a').map((x) => x.version)).toEqual([1, 2]);
        expect(clone.vault.versions('b').map((x) => x.version)).toEqual([1, 2]);
        expect(clone.vault.get('c').content).toBe('sea');
      } finally {
        clone.vault.close();
      }
    } finally {
      v.close();
    }
  });

  it('rekey detaches a synced vault; remote set then makes a new remote vault that the new key clones', async () => {
    const path = join(dir, 'rekey.dvault');
    const v = Vault.createSync(path, { key: { rawKey: KEY } });
    const { remoteVault: old } = await setRemote(v, srv.aliceUrl, pw);
    v.create({ id: 'kept', content: 'through the rekey' });
    await syncVault(v, { password: pw.password });
    v.close();

    const report = await Vault.rekey(path, { key: { rawKey: KEY }, newKey: { rawKey: NEW_KEY } });
    expect(report.detachedFrom).toEqual({ remoteUrl: srv.aliceUrl, remoteVault: old, caFile: srv.caFile });
    const w = Vault.openSync(path, { key: { rawKey: NEW_KEY } });
    try {
      expect(w.syncState()).toMatchObject({ remoteUrl: undefined, remoteVault: undefined, pending: 0 });
      expect(w.verify().ok).toBe(true);
      // The old remote vault refuses the new key, so attaching to it by id fails typed and changes nothing.
      await expect(setRemote(w, srv.aliceUrl, { ...pw, remoteVault: old })).rejects.toSatisfy((e) => isDocvaultError(e, 'WrongKey'));
      const fresh = await setRemote(w, srv.aliceUrl, pw);
      expect(fresh.created).toBe(true);
      expect(fresh.remoteVault).not.toBe(old);
      expect((await syncVault(w, { password: pw.password })).pushed).toBe(1);
      const clone = await cloneVault(srv.aliceUrl, { path: join(dir, 'rekey-clone.dvault'), key: { rawKey: NEW_KEY }, ...pw, remoteVault: fresh.remoteVault });
      try {
        expect(clone.vault.get('kept').content).toBe('through the rekey');
      } finally {
        clone.vault.close();
      }
      await expect(cloneVault(srv.aliceUrl, { path: join(dir, 'rekey-old.dvault'), key: { rawKey: KEY }, ...pw, remoteVault: fresh.remoteVault })).rejects.toSatisfy((e) =>
        isDocvaultError(e, 'WrongKey'),
      );
    } finally {
      w.close();
    }
  });

  it('the CLI says so: rekey prints the detach, remote clear detaches', () => {
    ensureBuilt();
    const { dir: d, cleanup } = scratch();
    try {
      secret(srv.alicePassword);
      const env = { PGPASSWORD: srv.alicePassword };
      const a = join(d, 'cli.dvault');
      const keyFile = join(d, 'cli.key');
      ok(['init', '--vault', a, '--key-file', keyFile]);
      secret(readFileSync(keyFile, 'utf8').trim());
      const va = (...x: string[]) => [...x, '--vault', a, '--key-file', keyFile];
      ok(va('put', '--id', 'x'), { input: 'x body' });
      const set = JSON.parse(ok(va('remote', 'set', srv.aliceUrl, '--ca', srv.caFile, '--json'), { env })) as { remoteVault: string };
      ok(va('sync'), { env });
      const newKey = join(d, 'new.key');
      const out = ok(va('rekey', '--new-key-file', newKey));
      secret(readFileSync(newKey, 'utf8').trim());
      expect(out).toContain(`Detached from remote vault ${set.remoteVault} on ${srv.aliceUrl}`);
      expect(out).toContain(`docvault remote set ${srv.aliceUrl} --ca ${srv.caFile}`);
      const vn = (...x: string[]) => [...x, '--vault', a, '--key-file', newKey];
      expect(JSON.parse(ok(vn('remote', 'status', '--json')))).toMatchObject({ pending: 0 });
      ok(vn('remote', 'set', srv.aliceUrl, '--ca', srv.caFile), { env });
      expect(JSON.parse(ok(vn('sync', '--json'), { env }))).toMatchObject({ pushed: 1 });
      expect(ok(vn('remote', 'clear'))).toMatch(/^Detached from remote vault [0-9a-f]{32} on /);
      expect(JSON.parse(ok(vn('remote', 'clear', '--json')))).toEqual({ detached: false, remote: null, remoteVault: null });
      expect(ok(vn('get', 'x'))).toBe('x body');
    } finally {
      cleanup();
    }
  });

  it('a vault restored from a backup gets a new device id, and a version written after it is flagged against the lost one', async () => {
    const path = join(dir, 'restore.dvault');
    const v = Vault.createSync(path, { key: { rawKey: KEY } });
    const { remoteVault } = await setRemote(v, srv.aliceUrl, pw);
    v.create({ id: 'doc', content: 'base' });
    await syncVault(v, { password: pw.password });
    const before = v.syncState().device;
    const backup = join(dir, 'restore-backup.dvault');
    v.backup(backup);
    v.update('doc', { content: 'written after the backup, pushed, then lost' });
    await syncVault(v, { password: pw.password });
    v.close();

    await Vault.restoreBackup(path, backup, { key: { rawKey: KEY } });
    const r = Vault.openSync(path, { key: { rawKey: KEY } });
    try {
      const s = r.syncState();
      expect(s.device).toMatch(/^[0-9a-f]{16}$/);
      expect(s.device).not.toBe(before);
      expect(s.remoteVault).toBe(remoteVault);
      expect(r.get('doc').version).toBe(1);
      // The restored device writes its own version 2: without a new id it would carry the lost one's number.
      r.update('doc', { content: 'written after the restore' });
      const report = await syncVault(r, { password: pw.password });
      expect(report).toMatchObject({ pulled: 1, conflicts: 1, rejected: 0 });
      const versions = r.versions('doc');
      expect(versions).toHaveLength(3);
      expect(r.getVersion('doc', 3).content).toBe('written after the backup, pushed, then lost');
      expect(r.syncConflicts()).toEqual([expect.objectContaining({ id: 'doc', localVersion: 2, remoteVersion: 3 })]);
      // Its base version went up once only: re-pushed under the old id, it was dropped as a repeat.
      expect(await serverRows(remoteVault)).toBe(3);
      // A second device sees both and flags the same conflict.
      const other = await cloneVault(srv.aliceUrl, { path: join(dir, 'restore-other.dvault'), key: { rawKey: KEY }, ...pw, remoteVault });
      try {
        expect(other.vault.versions('doc')).toHaveLength(3);
        expect(other.vault.syncConflicts().map((c) => c.id)).toEqual(['doc']);
      } finally {
        other.vault.close();
      }
    } finally {
      r.close();
    }
  });

  it('add-member adds a login to the remote vault (idempotent) and grants the sync role only where it may', async () => {
    const bobPassword = `bob-${Math.random().toString(36).slice(2)}`;
    await srv.admin(`CREATE ROLE bob LOGIN PASSWORD '${bobPassword}'`);
    const v = Vault.createSync(join(dir, 'members.dvault'), { key: { rawKey: KEY } });
    try {
      v.create({ id: 'shared', content: 'for bob' });
      const { remoteVault } = await setRemote(v, srv.aliceUrl, pw);
      await syncVault(v, { password: pw.password });
      const bobUrl = srv.aliceUrl.replace('alice@', 'bob@');
      const alice = await PgRemote.connect({ url: srv.aliceUrl, ...pw });
      try {
        await expect(alice.addMember(remoteVault, 'nobody')).rejects.toSatisfy((e) => isDocvaultError(e, 'NotFound'));
        await expect(alice.addMember(remoteVault, 'bob; DROP TABLE x')).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
        // alice may not grant docvault_sync: bob is a member, but cannot sync yet.
        expect(await alice.addMember(remoteVault, 'bob')).toEqual({ canSync: false, granted: false });
        await expect(cloneVault(bobUrl, { path: join(dir, 'bob-early.dvault'), key: { rawKey: KEY }, caFile: srv.caFile, password: bobPassword })).rejects.toSatisfy((e) =>
          isDocvaultError(e, 'Unauthorized'),
        );
      } finally {
        await alice.close();
      }
      // Through the CLI, from a second device of alice's: still no grant; once the admin grants the role, run twice, nothing changes.
      ensureBuilt();
      const { dir: d, cleanup } = scratch();
      try {
        secret(srv.alicePassword);
        secret(new URL(srv.adminUrl).password);
        const p = join(d, 'm.dvault');
        const keyFile = join(d, 'm.key');
        writeFileSync(keyFile, `${KEY}\n`, { mode: 0o600 });
        ok(['init', '--vault', p, '--key-file', keyFile]);
        const vm = (...x: string[]) => [...x, '--vault', p, '--key-file', keyFile];
        ok(vm('remote', 'set', srv.aliceUrl, '--ca', srv.caFile, '--remote-vault', remoteVault), { env: { PGPASSWORD: srv.alicePassword } });
        expect(JSON.parse(ok(vm('remote', 'add-member', '--role', 'bob', '--json'), { env: { PGPASSWORD: srv.alicePassword } }))).toMatchObject({ canSync: false, granted: false });
        await srv.admin('GRANT docvault_sync TO bob');
        for (let i = 0; i < 2; i++)
          expect(ok(vm('remote', 'add-member', '--role', 'bob'), { env: { PGPASSWORD: srv.alicePassword } })).toContain('bob is a member of remote vault');
        expect((await srv.admin<{ n: string }>("SELECT count(*) AS n FROM docvault.members WHERE member = 'bob'"))[0]?.n).toBe('1');
      } finally {
        cleanup();
      }
      const bob = await cloneVault(bobUrl, { path: join(dir, 'bob.dvault'), key: { rawKey: KEY }, caFile: srv.caFile, password: bobPassword });
      try {
        expect(bob.vault.get('shared').content).toBe('for bob');
      } finally {
        bob.vault.close();
      }
    } finally {
      v.close();
    }
  });

  it('add-member by a member who may grant (CREATEROLE) grants the sync role too; a login that is not a member changes nothing', async () => {
    const leadPassword = `lead-${Math.random().toString(36).slice(2)}`;
    const carolPassword = `carol-${Math.random().toString(36).slice(2)}`;
    await srv.admin(`CREATE ROLE lead LOGIN CREATEROLE PASSWORD '${leadPassword}'`);
    await srv.admin('GRANT docvault_sync TO lead');
    await srv.admin(`CREATE ROLE carol LOGIN PASSWORD '${carolPassword}'`);
    const leadUrl = srv.aliceUrl.replace('alice@', 'lead@');
    const v = Vault.createSync(join(dir, 'lead.dvault'), { key: { rawKey: KEY } });
    try {
      v.create({ id: 'memo', content: 'for carol' });
      const { remoteVault } = await setRemote(v, leadUrl, { caFile: srv.caFile, password: leadPassword });
      await syncVault(v, { password: leadPassword });
      const canSync = async (): Promise<boolean> => (await srv.admin<{ m: boolean }>("SELECT pg_has_role('carol', 'docvault_sync', 'MEMBER') AS m"))[0]?.m === true;
      // alice is not a member of lead's vault: refused before anything is granted.
      const alice = await PgRemote.connect({ url: srv.aliceUrl, ...pw });
      try {
        await expect(alice.addMember(remoteVault, 'carol')).rejects.toSatisfy((e) => isDocvaultError(e, 'Unauthorized'));
      } finally {
        await alice.close();
      }
      expect(await canSync()).toBe(false);
      const lead = await PgRemote.connect({ url: leadUrl, caFile: srv.caFile, password: leadPassword });
      try {
        expect(await lead.addMember(remoteVault, 'carol')).toEqual({ canSync: true, granted: true });
        expect(await lead.addMember(remoteVault, 'carol')).toEqual({ canSync: true, granted: false });
      } finally {
        await lead.close();
      }
      const carol = await cloneVault(srv.aliceUrl.replace('alice@', 'carol@'), { path: join(dir, 'carol.dvault'), key: { rawKey: KEY }, caFile: srv.caFile, password: carolPassword });
      try {
        expect(carol.vault.get('memo').content).toBe('for carol');
      } finally {
        carol.vault.close();
      }
    } finally {
      v.close();
    }
  });
});
