/**
 * Detach, rekey and restore of an attached vault, and the clone channel's checks, without a server: a vault
 * is attached to a made-up remote vault through the engine (attaching needs no network), then the backend
 * detaches it (`remote.clear`), changes its passphrase (which detaches it: the sync keys derive from the key),
 * or restores a backup (which gives it a new device id). `clone.start` refuses bad input and an existing file
 * before it connects anywhere.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { vaultStoreFactory } from '../../src/app/store';
import { Vault } from '../../src/main/storage';
import { isDocvaultError } from '../../src/shared/errors';
import { parseInput } from '../../src/shared/schemas';
import { MemoryKeyStore } from '../helpers/memory-key-store';
import { tempDir } from '../helpers/tmp';

const PASS = 'detach pass phrase';
const REMOTE = { url: 'postgresql://alice@db.example.com/team', remoteVault: '0123456789abcdef0123456789abcdef' };

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** A vault with two documents, attached to a made-up remote vault, closed. */
async function attachedVault(dir: string, caFile?: string): Promise<string> {
  const path = join(dir, 'v.dvault');
  const v = await Vault.create(path, { key: { passphrase: PASS, kdfProfile: 2 } });
  try {
    v.create({ id: 'a', content: 'one' });
    v.update('a', { content: 'two' });
    v.create({ id: 'b', content: 'bee' });
    v.attachRemote({ ...REMOTE, ...(caFile === undefined ? {} : { caFile }) });
  } finally {
    v.close();
  }
  return path;
}

describe('clone.start input', () => {
  const base = { url: 'postgresql://u@h/d', name: 'team.dvault' };
  it('takes exactly one of passphrase or rawKey, a plain .dvault file name, a 32-hex remote vault', () => {
    expect(parseInput('clone.start', { ...base, passphrase: 'p' })).toEqual({ ...base, passphrase: 'p' });
    expect(parseInput('clone.start', { ...base, rawKey: 'A'.repeat(64), remoteVault: 'f'.repeat(32) })).toMatchObject({ rawKey: 'A'.repeat(64) });
    const bad = [
      { ...base },
      { ...base, passphrase: 'p', rawKey: 'a'.repeat(64) },
      { ...base, rawKey: 'a'.repeat(63) },
      { ...base, passphrase: 'p', name: '../escape.dvault' },
      { ...base, passphrase: 'p', name: 'sub/dir.dvault' },
      { ...base, passphrase: 'p', name: '.hidden.dvault' },
      { ...base, passphrase: 'p', name: 'notes.txt' },
      { ...base, passphrase: 'p', url: 'http://example.com' },
      { ...base, passphrase: 'p', remoteVault: 'xyz' },
      { ...base, passphrase: 'p', extra: 1 },
    ];
    for (const b of bad) expect(() => parseInput('clone.start', b), JSON.stringify(b)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(() => parseInput('remote.clear', { url: 'x' })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });

  it('refuses an existing file, or a password where no keychain can keep it, before connecting anywhere', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    writeFileSync(join(t.dir, 'team.dvault'), 'not mine');
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory });
    try {
      // The address is one nothing could answer at: a refusal here cannot have come from a connection.
      const req = { url: 'postgresql://u@192.0.2.1/d', name: 'team.dvault', passphrase: PASS };
      await expect(b.channels['clone.start'](req)).rejects.toSatisfy((e) => isDocvaultError(e, 'AlreadyExists'));
      await expect(b.channels['clone.start']({ ...req, name: 'other.dvault', password: 'pw' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      expect(readdirSync(t.dir)).toEqual(['team.dvault']);
    } finally {
      await b.close();
    }
  });
});

describe('detach, rekey and restore of an attached vault', () => {
  it('remote.clear forgets the remote, the kept password and the CA file beside the vault; documents stay', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const caFile = join(t.dir, 'v.dvault.remote-ca.pem');
    writeFileSync(caFile, 'ca');
    const path = await attachedVault(t.dir, caFile);
    const store = new MemoryKeyStore();
    await store.save(path, 'db password');
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory, passwordStore: store });
    try {
      await expect(b.channels['remote.clear']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
      await b.unlock({ passphrase: PASS });
      expect(await b.channels['sync.status']({})).toMatchObject({ remote: REMOTE.url, pending: 3, passwordKept: true });
      expect((await b.channels['sync.status']({})).nextSync).not.toBeNull();
      const s = await b.channels['remote.clear']({});
      expect(s).toMatchObject({ remote: null, pending: 0, nextSync: null, passwordKept: false });
      expect(store.keys.size).toBe(0);
      expect(readdirSync(t.dir).filter((f) => f.endsWith('.pem'))).toEqual([]);
      expect((await b.channels['doc.versions']({ id: 'a' })).map((v) => v.version)).toEqual([1, 2]);
      // Detaching a vault that is not attached changes nothing.
      expect(await b.channels['remote.clear']({})).toMatchObject({ remote: null });
    } finally {
      await b.close();
    }
  });

  it('a new passphrase detaches the vault (its sync keys change) and keeps every document', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = await attachedVault(t.dir);
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory: vaultStoreFactory });
    try {
      await b.unlock({ passphrase: PASS });
      expect((await b.channels['sync.status']({})).remote).toBe(REMOTE.url);
      await b.channels['vault.changePassphrase']({ passphrase: PASS, newPassphrase: 'the new pass phrase' });
      expect(await b.channels['sync.status']({})).toMatchObject({ remote: null, pending: 0 });
      expect(await b.channels['doc.count']({})).toBe(2);
      expect((await b.channels['vault.verify']({})).ok).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('a restored backup keeps its remote but gets a new device id; its own versions keep their global ids', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = await attachedVault(t.dir);
    const backup = join(t.dir, 'backup.dvault');
    const v = await Vault.open(path, { key: { passphrase: PASS } });
    const before = v.syncState();
    v.backup(backup);
    v.close();
    await Vault.restoreBackup(path, backup, { key: { passphrase: PASS } });
    const r = await Vault.open(path, { key: { passphrase: PASS } });
    try {
      const after = r.syncState();
      expect(after).toMatchObject({ remoteUrl: REMOTE.url, remoteVault: REMOTE.remoteVault, pending: before.pending });
      expect(after.device).not.toBe(before.device);
      // What the outbox will push carries the old device id: the same push ids as before the restore.
      const out = r.syncOutbox(10).map((e) => e.payload);
      expect(out.map((p) => [p.dev, 'ver' in p ? p.ver : null])).toEqual([
        [before.device, 1],
        [before.device, 2],
        [before.device, 1],
      ]);
      // A version written now is the new device's.
      r.update('b', { content: 'bee 2' });
      expect(r.syncOutbox(10).at(-1)?.payload).toMatchObject({ dev: after.device, ver: 2, parent: [before.device, 1] });
      expect(r.verify().ok).toBe(true);
    } finally {
      r.close();
    }
  });
});
