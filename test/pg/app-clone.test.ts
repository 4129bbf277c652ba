/**
 * Cloning a team vault from the window (`clone.start`, `clone.cancel`) and detaching (`remote.clear`), through
 * the backend against a real PostgreSQL: a wrong key, a wrong CA, a dead server and a cancel each leave no
 * file behind; a clone lands in the vault folder, open, with its password kept for it; detach forgets the
 * remote, the password and the CA file and keeps every document.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { setRemote, syncVault } from '../../src/app/sync/team-sync';
import { Vault } from '../../src/main/storage';
import type { PushEvent } from '../../src/shared/contract';
import { isDocvaultError } from '../../src/shared/errors';
import { MemoryKeyStore } from '../helpers/memory-key-store';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

const PASS = 'team clone pass phrase';

describe.skipIf(why !== undefined)('clone from the window, and detach', () => {
  let srv: TestPg;
  let dir: string;
  let ca: string;

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-app-clone-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
    ca = readFileSync(srv.caFile, 'utf8');
    const first = await Vault.create(join(dir, 'first.dvault'), { key: { passphrase: PASS, kdfProfile: 2 } });
    try {
      first.bulkPut(Array.from({ length: 1200 }, (_, i) => ({ id: `doc-${i}`, title: `Doc ${i}`, content: `body ${i}` })));
      first.update('doc-0', { content: 'body 0, second version' });
      await setRemote(first, srv.aliceUrl, { caFile: srv.caFile, password: srv.alicePassword });
      await syncVault(first, { password: srv.alicePassword });
    } finally {
      first.close();
    }
  }, 120_000);
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** A backend on a first-run folder (no vault yet). */
  function firstRun(name: string, opts: { password?: boolean; store?: MemoryKeyStore } = {}) {
    const folder = join(dir, name);
    mkdirSync(folder);
    const b = new DocvaultBackend({
      vaultPath: join(folder, 'vault.dvault'),
      kdfProfile: 2,
      ...(opts.password === false ? {} : { remotePassword: async () => srv.alicePassword }),
      ...(opts.store === undefined ? {} : { passwordStore: opts.store }),
    });
    const events: PushEvent[] = [];
    b.subscribe((e) => events.push(e));
    return { b, folder, events };
  }

  it('a wrong key, a wrong CA, a dead server and a bad password request leave no file behind', async () => {
    const { b, folder } = firstRun('failures');
    try {
      const base = { url: srv.aliceUrl, ca, name: 'vault.dvault' };
      await expect(b.channels['clone.start']({ ...base, passphrase: 'not the pass phrase' })).rejects.toSatisfy((e) => isDocvaultError(e, 'WrongKey'));
      expect(readdirSync(folder)).toEqual([]);
      await expect(b.channels['clone.start']({ ...base, rawKey: 'c'.repeat(64) })).rejects.toSatisfy((e) => isDocvaultError(e, 'WrongKey'));
      await expect(b.channels['clone.start']({ ...base, ca: readFileSync(srv.wrongCaFile, 'utf8'), passphrase: PASS })).rejects.toSatisfy((e) => isDocvaultError(e, 'Insecure'));
      await expect(b.channels['clone.start']({ ...base, url: 'postgresql://alice@127.0.0.1:1/db', passphrase: PASS })).rejects.toSatisfy((e) => isDocvaultError(e, 'Offline'));
      // No OS keychain here: a typed password is refused rather than used once and lost.
      await expect(b.channels['clone.start']({ ...base, passphrase: PASS, password: srv.alicePassword })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      await expect(b.channels['clone.start']({ ...base, ca: '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----', passphrase: PASS })).rejects.toSatisfy((e) =>
        isDocvaultError(e, 'Invalid'),
      );
      expect(readdirSync(folder)).toEqual([]);
      expect((await b.status()).state).toBe('missing');
    } finally {
      await b.close();
    }
  });

  it('a cancel between two batches ends Aborted and leaves nothing', async () => {
    const { b, folder, events } = firstRun('cancel');
    try {
      b.subscribe((e) => {
        if (e.event === 'progress' && e.data.op === 'clone.start' && e.data.phase === 'connect') void b.channels['clone.cancel']({});
      });
      await expect(b.channels['clone.start']({ url: srv.aliceUrl, ca, name: 'vault.dvault', passphrase: PASS })).rejects.toSatisfy((e) => isDocvaultError(e, 'Aborted'));
      expect(events.some((e) => e.event === 'progress' && e.data.op === 'clone.start')).toBe(true);
      expect(readdirSync(folder)).toEqual([]);
      expect(await b.channels['clone.cancel']({})).toBeNull(); // none running: a no-op
    } finally {
      await b.close();
    }
  });

  it('clones into the vault folder, open, with progress and the password kept; then detach keeps every document', async () => {
    const store = new MemoryKeyStore();
    const { b, folder, events } = firstRun('ok', { password: false, store });
    try {
      const done = await b.channels['clone.start']({ url: srv.aliceUrl, ca, password: srv.alicePassword, name: 'team.dvault', passphrase: PASS });
      const path = join(folder, 'team.dvault');
      expect(done).toMatchObject({ pulled: 1201, rejected: 0, status: { state: 'unlocked', path } });
      expect(b.vaultPath).toBe(path);
      // Open now: its -wal and -shm are beside it; no hidden build file is left.
      expect(readdirSync(folder).filter((f) => !/-(wal|shm)$/.test(f)).sort()).toEqual(['team.dvault', 'team.dvault.remote-ca.pem']);
      expect(statSync(`${path}.remote-ca.pem`).mode & 0o777).toBe(0o600);
      expect(store.keys.get(path)).toBe(srv.alicePassword);
      const pulls = events.flatMap((e) => (e.event === 'progress' && e.data.op === 'clone.start' && e.data.phase === 'pull' ? [e.data] : []));
      expect(pulls.length).toBeGreaterThan(1);
      expect(pulls.at(-1)).toMatchObject({ done: 1201, total: 1201 });
      expect((await b.channels['doc.get']({ id: 'doc-0' })).content).toBe('body 0, second version');
      expect(await b.channels['doc.count']({})).toBe(1200);
      expect((await b.channels['audit.list']({})).entries.map((e) => e.event)).toContain('vault.open');
      expect(await b.channels['sync.status']({})).toMatchObject({ remote: srv.aliceUrl, pending: 0, passwordKept: true });
      expect(await b.channels['sync.now']({})).toMatchObject({ pushed: 0, pulled: 0 });
      // A second clone under the same name is refused before anything is written.
      await expect(b.channels['clone.start']({ url: srv.aliceUrl, ca, name: 'team.dvault', passphrase: PASS })).rejects.toSatisfy((e) => isDocvaultError(e, 'AlreadyExists'));

      const detached = await b.channels['remote.clear']({});
      expect(detached).toMatchObject({ remote: null, pending: 0, conflicts: 0, error: null, nextSync: null, passwordKept: false });
      expect(store.keys.has(path)).toBe(false);
      expect(existsSync(`${path}.remote-ca.pem`)).toBe(false);
      expect(await b.channels['doc.count']({})).toBe(1200);
      expect((await b.channels['doc.versions']({ id: 'doc-0' })).length).toBe(2);
      await b.channels['doc.create']({ document: { id: 'after', content: 'written detached' } });
      expect((await b.channels['sync.status']({})).pending).toBe(0);
      await expect(b.channels['sync.now']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      await b.lock();
      await expect(b.channels['remote.clear']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
    } finally {
      await b.close();
    }
  });

  it('a login in several team vaults: the clone names them (Invalid) until one is picked', async () => {
    const second = await Vault.create(join(dir, 'second.dvault'), { key: { passphrase: 'another pass phrase', kdfProfile: 2 } });
    let firstId: string;
    try {
      second.create({ id: 'other', content: 'another team' });
      await setRemote(second, srv.aliceUrl, { caFile: srv.caFile, password: srv.alicePassword });
      await syncVault(second, { password: srv.alicePassword });
    } finally {
      second.close();
    }
    const first = await Vault.open(join(dir, 'first.dvault'), { key: { passphrase: PASS } });
    try {
      firstId = first.syncState().remoteVault ?? '';
    } finally {
      first.close();
    }
    const { b, folder } = firstRun('several');
    try {
      const req = { url: srv.aliceUrl, ca, name: 'vault.dvault', passphrase: PASS };
      await expect(b.channels['clone.start'](req)).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid') && e instanceof Error && e.message.includes(firstId));
      expect(readdirSync(folder)).toEqual([]);
      expect(await b.channels['clone.start']({ ...req, remoteVault: firstId })).toMatchObject({ remoteVault: firstId, pulled: 1201 });
    } finally {
      await b.close();
    }
  });
});
