/**
 * The window's team-vault channels (src/app/sync/team-panel.ts through the backend) against a real
 * PostgreSQL: attach with a pasted CA, sync now with counts and events, a conflict made by a second device
 * listed with its two versions, the last error kept until a sync succeeds, nothing after lock.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { PgRemote } from '../../src/app/sync/pg-remote';
import { cloneVault, syncVault } from '../../src/app/sync/team-sync';
import type { KeyStore } from '../../src/app/key-store';
import type { PushEvent } from '../../src/shared/contract';
import { isDocvaultError } from '../../src/shared/errors';
import { pgUnavailable, startTestPg, type TestPg } from './server';

const why = pgUnavailable();
if (why !== undefined) console.warn(`test/pg skipped: ${why}`);

describe.skipIf(why !== undefined)('team vault channels of the app', () => {
  let srv: TestPg;
  let dir: string;

  beforeAll(async () => {
    srv = await startTestPg();
    dir = mkdtempSync(join(tmpdir(), 'docvault-app-sync-'));
    const admin = await PgRemote.connect({ url: srv.adminUrl, caFile: srv.caFile });
    await admin.init(['alice']);
    await admin.close();
  }, 60_000);
  afterAll(() => {
    srv?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('attaches, syncs with counts and events, lists a conflict from a second device, keeps the last error', async () => {
    const vaultPath = join(dir, 'a.dvault');
    const b = new DocvaultBackend({ vaultPath, kdfProfile: 2, remotePassword: async () => srv.alicePassword });
    const events: PushEvent[] = [];
    b.subscribe((e) => events.push(e));
    try {
      await b.create('team pass phrase');
      await b.channels['doc.create']({ document: { id: 'plan', title: 'Plan', content: 'v1' } });
      await b.channels['doc.create']({ document: { id: 'memo', content: 'memo' } });
      expect(await b.channels['sync.status']({})).toMatchObject({ remote: null, lastSync: null, nextSync: null, error: null });
      await expect(b.channels['sync.now']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));

      // A CA that did not sign the server is refused, and nothing is attached.
      await expect(b.channels['remote.set']({ url: srv.aliceUrl, ca: readFileSync(srv.wrongCaFile, 'utf8') })).rejects.toSatisfy((e) => isDocvaultError(e, 'Insecure'));
      expect((await b.channels['sync.status']({})).remote).toBeNull();
      await expect(b.channels['remote.set']({ url: srv.aliceUrl, ca: 'relative/ca.pem' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      await expect(b.channels['remote.set']({ url: srv.aliceUrl, ca: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));

      const attached = await b.channels['remote.set']({ url: srv.aliceUrl, ca: readFileSync(srv.caFile, 'utf8') });
      expect(attached).toMatchObject({ remote: srv.aliceUrl, pending: 2, conflicts: 0, error: null });
      expect(attached.nextSync).toBeGreaterThan(Date.now()); // the background sync is on (default 60 s)
      expect(statSync(`${vaultPath}.remote-ca.pem`).mode & 0o777).toBe(0o600);
      expect(JSON.stringify(attached)).not.toContain(srv.alicePassword);

      expect(await b.channels['sync.now']({})).toEqual({ pushed: 2, pulled: 0, conflicts: 0, rejected: 0, filesPushed: 0, filesPulled: 0, held: 0 });
      const synced = await b.channels['sync.status']({});
      expect(synced).toMatchObject({ pending: 0, syncing: false, error: null });
      expect(synced.lastSync).not.toBeNull();
      const announced = events.filter((e) => e.event === 'sync.changed').map((e) => e.data as { syncing: boolean });
      expect(announced.some((s) => s.syncing)).toBe(true);
      expect(announced.at(-1)?.syncing).toBe(false);

      // A second device edits the plan while this one does too: both versions stay, the conflict is listed.
      const second = await cloneVault(srv.aliceUrl, { path: join(dir, 'b.dvault'), key: { passphrase: 'team pass phrase' }, caFile: srv.caFile, password: srv.alicePassword });
      try {
        second.vault.update('plan', { content: 'from the laptop' });
        await syncVault(second.vault, { password: srv.alicePassword });
      } finally {
        second.vault.close();
      }
      await b.channels['doc.update']({ id: 'plan', patch: { content: 'from the desktop' }, expectedVersion: 1 });
      const report = await b.channels['sync.now']({});
      expect(report).toMatchObject({ pushed: 1, pulled: 1, conflicts: 1 });
      expect(events.some((e) => e.event === 'docs.changed')).toBe(true);
      const conflicts = await b.channels['sync.conflicts']({});
      expect(conflicts).toHaveLength(1);
      const c = conflicts[0];
      expect(c?.id).toBe('plan');
      const local = await b.channels['doc.getVersion']({ id: 'plan', version: c?.localVersion ?? -1 });
      const remote = await b.channels['doc.getVersion']({ id: 'plan', version: c?.remoteVersion ?? -1 });
      expect(new Set([local.content, remote.content])).toEqual(new Set(['from the desktop', 'from the laptop']));
      expect((await b.channels['sync.status']({})).conflicts).toBe(1);

      // Keeping the current version (what the window's "Keep current" does) writes it again as a new version,
      // which settles the conflict once pushed.
      const head = await b.channels['doc.get']({ id: 'plan' });
      const kept = await b.channels['doc.restore']({ id: 'plan', version: head.version, expectedVersion: head.version, comment: 'keeps this version: settles the sync conflict' });
      expect(kept).toMatchObject({ version: head.version + 1, content: head.content });
      expect(await b.channels['sync.now']({})).toMatchObject({ pushed: 1 });
      expect((await b.channels['sync.status']({})).conflicts).toBe(0);
      expect(await b.channels['sync.conflicts']({})).toEqual([]);

      // Server gone: the sync fails as Offline, the status keeps the error, local work goes on.
      srv.kill();
      await expect(b.channels['sync.now']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Offline'));
      expect((await b.channels['sync.status']({})).error?.kind).toBe('Offline');
      await b.channels['doc.create']({ document: { id: 'offline-note', content: 'written offline' } });
      srv.start();
      expect(await b.channels['sync.now']({})).toMatchObject({ pushed: 1 });
      expect((await b.channels['sync.status']({})).error).toBeNull();

      // Locked: no status, no background sync.
      await b.lock();
      await expect(b.channels['sync.status']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
      await b.unlock({ passphrase: 'team pass phrase' });
      expect((await b.channels['sync.status']({})).nextSync).not.toBeNull();
      await b.channels['settings.set']({ syncSeconds: 0 });
      expect((await b.channels['sync.status']({})).nextSync).toBeNull();
    } finally {
      await b.close();
    }
  }, 120_000);

  it('keeps a typed password in the key store only once the server accepts it, and syncs with it', async () => {
    const kept = new Map<string, string>();
    const passwordStore: KeyStore = {
      available: async () => true,
      has: async (p) => kept.has(p),
      load: async (p) => kept.get(p),
      save: async (p, v) => void kept.set(p, v),
      forget: async (p) => void kept.delete(p),
    };
    const saved = process.env['PGPASSWORD'];
    delete process.env['PGPASSWORD'];
    const vaultPath = join(dir, 'kept.dvault');
    const b = new DocvaultBackend({ vaultPath, kdfProfile: 2, passwordStore });
    try {
      await b.create('team pass phrase');
      await b.channels['doc.create']({ document: { id: 'n', content: 'x' } });
      expect(await b.channels['sync.status']({})).toMatchObject({ canKeepPassword: true, passwordKept: false });
      const ca = readFileSync(srv.caFile, 'utf8');
      await expect(b.channels['remote.set']({ url: srv.aliceUrl, ca, password: 'not the password' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Unauthorized'));
      expect(kept.size).toBe(0);
      const status = await b.channels['remote.set']({ url: srv.aliceUrl, ca, password: srv.alicePassword });
      expect(status).toMatchObject({ remote: srv.aliceUrl, passwordKept: true });
      expect(JSON.stringify(status)).not.toContain(srv.alicePassword);
      expect(kept.get(vaultPath)).toBe(srv.alicePassword);
      expect(await b.channels['sync.now']({})).toMatchObject({ pushed: 1 });
    } finally {
      await b.close();
      if (saved !== undefined) process.env['PGPASSWORD'] = saved;
    }
  }, 60_000);
});
