/**
 * Tamper detection through the app's layers: rows altered by a second connection that holds the page key
 * (stock SQLCipher 4, an attacker with the raw key) but not docvault's HMAC key show as `Integrity` through
 * the backend — over both store kinds (a Vault; the StorageService with its own cache) — and over the web
 * twin's HTTP. The engine's own cases are in test/storage/integrity.test.ts; the window's in
 * test/e2e/tamper.spec.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { deriveRawKeyHex, serviceStoreFactory, vaultStoreFactory, type StoreFactory } from '../../src/app/store';
import { startWebServer } from '../../src/web/server';
import { HTTP, type Result } from '../../src/shared/contract';
import type { ListPage, VersionInfo } from '../../src/shared/types';
import { kindOf } from '../helpers/errors';
import { withRawConnection } from '../helpers/raw-db';
import { tempDir } from '../helpers/tmp';

const PASSPHRASE = 'correct horse battery staple';
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A backend on a new vault with `content` (2 versions: v2's content and v1's record will be altered) and `title` (head altered), both read once so they are cached. */
async function seeded(storeFactory: StoreFactory): Promise<{ backend: DocvaultBackend; path: string }> {
  const t = tempDir('docvault-app-tamper-');
  const path = join(t.dir, 'v.dvault');
  const backend = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, storeFactory });
  cleanups.push(t.cleanup, () => backend.close());
  await backend.create(PASSPHRASE);
  const c = backend.channels;
  await c['doc.create']({ document: { id: 'content', title: 'Contract', content: 'pay 100' } });
  await c['doc.update']({ id: 'content', patch: { content: 'pay 200' }, expectedVersion: 1 });
  await c['doc.create']({ document: { id: 'title', title: 'Honest title', content: 'body' } });
  await c['doc.create']({ document: { id: 'clean', title: 'Untouched', content: 'fine' } });
  for (const id of ['content', 'title', 'clean']) await c['doc.get']({ id });
  return { backend, path };
}

/** What a second connection with the page key does: edits rows, leaving the tags as they were. */
async function alter(path: string): Promise<void> {
  const key = await deriveRawKeyHex(path, PASSPHRASE);
  expect(key).toBeDefined();
  withRawConnection(path, key, (db) => {
    const doc = db.prepare("SELECT doc FROM documents WHERE id = 'content'").pluck().get() as number;
    expect(db.prepare('UPDATE versions SET content = ? WHERE vid = ?').run('pay 9999', doc * 2 ** 24 + 2).changes).toBe(1);
    // A history record (not its content: a history lists records, content is checked when opened).
    expect(db.prepare("UPDATE versions SET title = 'Backdated' WHERE vid = ?").run(doc * 2 ** 24 + 1).changes).toBe(1);
    expect(db.prepare("UPDATE documents SET title = 'Forged title' WHERE id = 'title'").run().changes).toBe(1);
  });
}

/**
 * Polls until `get` of the altered document stops answering from before: the store notices an outside
 * commit at its next look (the service's writer looks on a timer), never by a fixed wait.
 */
async function untilNoticed(get: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if ((await kindOf(get)) !== 'resolved') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the altered document was still served as it was, 2,000 polls later');
}

describe.each([
  ['a Vault', vaultStoreFactory],
  ['the StorageService', serviceStoreFactory],
])('tamper detection through the backend over %s', (_name, factory) => {
  it('an altered version and an altered head read as Integrity (even when cached); the list flags the head; the history names the version', async () => {
    const { backend, path } = await seeded(factory);
    const c = backend.channels;
    await alter(path);
    await untilNoticed(() => c['doc.get']({ id: 'content' }));

    expect(await kindOf(() => c['doc.get']({ id: 'content' }))).toBe('Integrity');
    expect(await kindOf(() => c['doc.get']({ id: 'title' }))).toBe('Integrity');
    expect((await c['doc.get']({ id: 'clean' })).content).toBe('fine');

    const list = await c['doc.list']({});
    expect(list.items.map((d) => [d.id, d.integrityFailed === true]).sort()).toEqual([
      ['clean', false],
      ['content', false],
      ['title', true],
    ]);

    const history = await c['doc.versions']({ id: 'content' });
    expect(history.map((v) => [v.version, v.integrityProblem !== undefined])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(await kindOf(() => c['doc.getVersion']({ id: 'content', version: 1 }))).toBe('Integrity');
    expect(await kindOf(() => c['doc.getVersion']({ id: 'content', version: 2 }))).toBe('Integrity');
    // Restoring from an altered version writes nothing.
    expect(await kindOf(() => c['doc.restore']({ id: 'content', version: 1 }))).toBe('Integrity');
    expect((await c['doc.versions']({ id: 'content' })).length).toBe(2);
    expect((await c['vault.verify']({})).ok).toBe(false);
  });
});

describe('tamper detection over the web twin', () => {
  it('HTTP answers { ok: false, error: { kind: "Integrity" } } for the altered document, and flags it in the list', async () => {
    const { backend, path } = await seeded(serviceStoreFactory);
    const server = await startWebServer({ backend });
    cleanups.push(() => server.close());
    const post = async <T,>(channel: string, input: unknown): Promise<{ status: number; body: Result<T> }> => {
      const res = await fetch(`${server.origin.replace(/\/$/, '')}${HTTP.apiPrefix}${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token },
        body: JSON.stringify(input),
      });
      return { status: res.status, body: (await res.json()) as Result<T> };
    };
    expect((await post('doc.get', { id: 'content' })).body.ok).toBe(true);
    await alter(path);
    await untilNoticed(async () => {
      const r = await post('doc.get', { id: 'content' });
      if (!r.body.ok) throw new Error(r.body.error.kind);
    });

    for (const id of ['content', 'title']) {
      const r = await post('doc.get', { id });
      expect(r.status).toBe(200);
      expect(r.body.ok ? 'ok' : r.body.error.kind).toBe('Integrity');
      if (!r.body.ok) expect(r.body.error.message).toMatch(/integrity/i);
    }
    const list = await post<ListPage>('doc.list', {});
    expect(list.body.ok && list.body.value.items.filter((d) => d.integrityFailed === true).map((d) => d.id)).toEqual(['title']);
    const history = await post<VersionInfo[]>('doc.versions', { id: 'content' });
    expect(history.body.ok && history.body.value.map((v) => v.integrityProblem !== undefined)).toEqual([true, false]);
    const v2 = await post('doc.getVersion', { id: 'content', version: 2 });
    expect(v2.body.ok ? 'ok' : v2.body.error.kind).toBe('Integrity');
  });
});
