/** Team-vault sync against a real PostgreSQL (test/pg/server.ts): two vaults round-trip through the server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageService, Vault, generateRawKey } from '../../src/main/storage';
import { WORKER_PATH } from '../service/helpers';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { TeamSync, cloneVault, setRemote, syncVault } from '../../src/app/sync/team-sync';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

describe.skipIf(why !== undefined)('team vault sync', () => {
  let srv: TestPg;
  let dir: string;
  const open: Vault[] = [];
  const key = generateRawKey().toString('hex');
  const opts = () => ({ caFile: srv.caFile, password: srv.alicePassword });

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-sync-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.init(['alice']); // idempotent
    await admin.close();
  }, 60_000);
  afterEach(() => {
    for (const v of open.splice(0)) v.close();
  });
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function vault(name: string, k = key): Vault {
    const v = Vault.createSync(join(dir, `${name}-${Math.random().toString(36).slice(2)}.db`), { key: { rawKey: k } });
    open.push(v);
    return v;
  }

  it('pushes, clones and pulls both ways; conflicts keep both versions', async () => {
    const a = vault('a');
    a.create({ id: 'note-1', content: 'first words', title: 'Secret title', tags: ['x'] });
    a.update('note-1', { content: 'second words' });
    a.create({ id: 'note-2', content: 'to be trashed' });
    a.delete('note-2');
    const { created } = await setRemote(a, srv.aliceUrl, opts());
    expect(created).toBe(true);
    const first = await syncVault(a, opts());
    expect(first.pushed).toBe(4); // three versions and a Trash move

    const cloned = await cloneVault(srv.aliceUrl, { path: join(dir, 'b.db'), key: { rawKey: key }, ...opts() });
    const b = cloned.vault;
    open.push(b);
    expect(b.get('note-1').content).toBe('second words');
    expect(b.versions('note-1')).toHaveLength(2);
    expect(b.exists('note-2')).toBe(false);
    expect(b.listTrash().items.map((d) => d.id)).toEqual(['note-2']);

    // Both edit note-1 from the same base.
    a.update('note-1', { content: 'edited on a' });
    b.update('note-1', { content: 'edited on b' });
    const fromB = await syncVault(b, opts());
    expect(fromB).toMatchObject({ pushed: 1, pulled: 0, conflicts: 0 });
    const fromA = await syncVault(a, opts());
    expect(fromA).toMatchObject({ pushed: 1, pulled: 1, conflicts: 1 });
    const backToB = await syncVault(b, opts());
    expect(backToB).toMatchObject({ pushed: 0, pulled: 1, conflicts: 1 });
    for (const v of [a, b]) {
      const contents = v.versions('note-1').map((x) => v.getVersion('note-1', x.version).content);
      expect(contents).toEqual(expect.arrayContaining(['edited on a', 'edited on b', 'second words']));
      expect(v.syncConflicts().map((c) => c.id)).toEqual(['note-1']);
    }
    // Settling on a (a new version over the conflict) clears it on both.
    a.update('note-1', { content: 'settled' });
    await syncVault(a, opts());
    expect(a.syncConflicts()).toEqual([]);
    await syncVault(b, opts());
    expect(b.get('note-1').content).toBe('settled');
    expect(b.syncConflicts()).toEqual([]);
    expect(a.syncState().pending).toBe(0);
  });
  it('purges and Trash moves travel; one made without seeing an edit here is flagged and kept', async () => {
    const a = vault('ta');
    a.create({ id: 'p1', content: 'purge me' });
    a.create({ id: 'p2', content: 'purge me too' });
    a.create({ id: 't1', content: 'trash me' });
    await setRemote(a, srv.aliceUrl, opts());
    await syncVault(a, opts());
    const { vault: b } = await cloneVault(srv.aliceUrl, { path: join(dir, `tb-${Math.random()}.db`), key: { rawKey: key }, remoteVault: a.syncState().remoteVault ?? '', ...opts() });
    open.push(b);
    b.update('p2', { content: 'edited on b before the purge arrived' });
    a.purge('p1');
    a.purge('p2');
    a.delete('t1');
    expect(await syncVault(a, opts())).toMatchObject({ pushed: 3 });
    expect(await syncVault(b, opts())).toMatchObject({ pushed: 1, conflicts: 1 });
    expect(b.exists('p1')).toBe(false);
    expect(b.listTrash().items.map((d) => d.id)).toEqual(['t1']);
    expect(b.get('p2').content).toBe('edited on b before the purge arrived');
    expect(b.syncConflicts()).toEqual([expect.objectContaining({ id: 'p2', remoteVersion: null })]);
    // b's edit reaches a: the purged document comes back there, with b's version (nothing is lost).
    await syncVault(a, opts());
    expect(a.get('p2').content).toBe('edited on b before the purge arrived');
  });

  it('TeamSync: status without the network, sync now, the last error kept until a sync succeeds', async () => {
    const a = vault('ts');
    const team = new TeamSync(a, { password: () => Promise.resolve(srv.alicePassword) });
    expect(await team.status()).toMatchObject({ remote: null, lastSync: null, pending: 0, error: null, syncing: false });
    await expect(team.syncNow()).rejects.toMatchObject({ kind: 'Invalid' });
    expect((await team.status()).error).toMatchObject({ kind: 'Invalid' });
    expect(await team.setRemote(srv.aliceUrl, srv.caFile)).toMatchObject({ remote: srv.aliceUrl, error: null });
    a.create({ id: 'ts-1', content: 'x' });
    expect((await team.status()).pending).toBe(1);
    const both = [team.syncNow(), team.syncNow()];
    expect(await both[0]).toBe(await both[1]);
    expect(await team.status()).toMatchObject({ pending: 0, lastSync: expect.any(Number), error: null });
    srv.kill();
    try {
      a.update('ts-1', { content: 'y' });
      await expect(team.syncNow()).rejects.toMatchObject({ kind: 'Offline' });
      expect(await team.status()).toMatchObject({ pending: 1, error: { kind: 'Offline' } });
    } finally {
      srv.start();
    }
    expect(await team.syncNow()).toMatchObject({ pushed: 1 });
    expect((await team.status()).error).toBeNull();
  });
  it('runs over the async storage service too (what the window uses): pulled changes leave its cache', async () => {
    const service = await StorageService.create(join(dir, `svc-${Math.random().toString(36).slice(2)}.db`), { key: { rawKey: key }, workerPath: WORKER_PATH, readers: 1 });
    try {
      const team = new TeamSync(service, { password: () => Promise.resolve(srv.alicePassword) });
      await service.create({ id: 'svc-1', content: 'from the service' });
      await team.setRemote(srv.aliceUrl, srv.caFile);
      expect(await team.syncNow()).toMatchObject({ pushed: 1 });
      const remoteVault = (await service.syncState()).remoteVault ?? '';
      const { vault: other } = await cloneVault(srv.aliceUrl, { path: join(dir, `svc-clone-${Math.random()}.db`), key: { rawKey: key }, remoteVault, ...opts() });
      open.push(other);
      expect(other.get('svc-1').content).toBe('from the service');
      expect((await service.get('svc-1')).content).toBe('from the service'); // now cached in the service
      other.update('svc-1', { content: 'changed elsewhere' });
      await syncVault(other, opts());
      expect(await team.syncNow()).toMatchObject({ pulled: 1, conflicts: 0 });
      expect((await service.get('svc-1')).content).toBe('changed elsewhere');
    } finally {
      await service.close();
    }
  });
  it('a passphrase vault clones with its passphrase (the clone takes its KDF salt, so both have one key); a wrong one is WrongKey', async () => {
    const pass = { passphrase: 'correct horse battery', kdfProfile: 2 };
    const a = await Vault.create(join(dir, `pa-${Math.random().toString(36).slice(2)}.db`), { key: pass });
    open.push(a);
    a.create({ id: 'pp', content: 'behind a passphrase' });
    await setRemote(a, srv.aliceUrl, opts());
    await syncVault(a, opts());
    const remoteVault = a.syncState().remoteVault ?? '';
    const wrongPath = join(dir, `pw-${Math.random()}.db`);
    await expect(cloneVault(srv.aliceUrl, { path: wrongPath, key: { passphrase: 'wrong horse' }, remoteVault, ...opts() })).rejects.toMatchObject({ kind: 'WrongKey' });
    expect(existsSync(wrongPath)).toBe(false);
    const path = join(dir, `pb-${Math.random()}.db`);
    const { vault: b } = await cloneVault(srv.aliceUrl, { path, key: { passphrase: pass.passphrase }, remoteVault, ...opts() });
    b.close();
    const reopened = await Vault.open(path, { key: { passphrase: pass.passphrase } });
    open.push(reopened);
    expect(reopened.get('pp').content).toBe('behind a passphrase');
    reopened.update('pp', { content: 'edited on the clone' });
    expect(await syncVault(reopened, opts())).toMatchObject({ pushed: 1 });
    expect(await syncVault(a, opts())).toMatchObject({ pulled: 1 });
    expect(a.get('pp').content).toBe('edited on the clone');
  });
});
