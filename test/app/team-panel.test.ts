/** The team panel without a server: pasted CA checks, locked and not-attached answers, the period setting. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocvaultBackend } from '../../src/app/backend';
import { vaultStoreFactory } from '../../src/app/store';
import { checkCaPem } from '../../src/app/sync/team-panel';
import { isDocvaultError } from '../../src/shared/errors';
import { tempDir } from '../helpers/tmp';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Fh\nZmFrZQ==\n-----END CERTIFICATE-----';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('checkCaPem', () => {
  it('keeps one or more certificates', () => {
    expect(checkCaPem(`${CERT}\n`)).toBe(`${CERT}\n`);
    expect(checkCaPem(`\n${CERT}\n${CERT}\n\n`)).toBe(`${CERT}\n${CERT}\n`);
  });

  it('refuses a private key, stray text or nothing', () => {
    for (const bad of ['', 'hello', `${CERT}\nextra`, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', `${CERT}\n-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----`])
      expect(() => checkCaPem(bad)).toThrow(expect.objectContaining({ kind: 'Invalid' }));
  });
});

describe('team channels without a server', () => {
  it('are Closed while locked; not attached: no remote, no background sync, sync.now Invalid; bad ca refused before any connection', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory });
    try {
      await expect(b.channels['sync.status']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
      await expect(b.channels['sync.now']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
      await expect(b.channels['sync.conflicts']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Closed'));
      await b.create('pass phrase');
      await b.channels['doc.create']({ document: { id: 'a', content: 'x' } });
      expect(await b.channels['sync.status']({})).toEqual({ remote: null, lastSync: null, pending: 0, conflicts: 0, rejected: 0, held: 0, syncing: false, error: null, nextSync: null, canKeepPassword: false, passwordKept: false });
      expect(await b.channels['sync.conflicts']({})).toEqual([]);
      await expect(b.channels['sync.now']({})).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      // The failure is kept for the status until a sync succeeds.
      expect((await b.channels['sync.status']({})).error?.kind).toBe('Invalid');
      await expect(b.channels['remote.set']({ url: 'postgresql://u@127.0.0.1:1/db', ca: 'ca.pem' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      await expect(b.channels['remote.set']({ url: 'postgresql://u@127.0.0.1:1/db', ca: '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      // A password in the URL never reaches the store.
      await expect(b.channels['remote.set']({ url: 'postgresql://u:secret@127.0.0.1:1/db' })).rejects.toSatisfy((e) => e instanceof Error && !e.message.includes('secret') && !JSON.stringify((e as { details?: unknown }).details ?? {}).includes('secret'));
      // No key store here (the web twin): a typed password is refused rather than kept in clear.
      await expect(b.channels['remote.set']({ url: 'postgresql://u@127.0.0.1:1/db', password: 'pw' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
      expect((await b.channels['sync.status']({})).remote).toBeNull();
    } finally {
      await b.close();
    }
  });

  it('schema refuses a non-postgres URL and an oversized CA at the boundary', async () => {
    const { parseInput } = await import('../../src/shared/schemas');
    expect(() => parseInput('remote.set', { url: 'http://example.com' })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(() => parseInput('remote.set', { url: 'postgresql://u@h/d', ca: 'x'.repeat(70_000) })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(() => parseInput('settings.set', { syncSeconds: -1 })).toThrow(expect.objectContaining({ kind: 'Invalid' }));
    expect(parseInput('settings.set', { syncSeconds: 0 })).toEqual({ syncSeconds: 0 });
  });
});
