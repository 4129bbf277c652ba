/**
 * Defects 2 and 3 of issue 9 end to end: metadata keys such as `__proto__` survive a save and a read
 * through the engine and through the transport-neutral handler (both store factories); ids with
 * bidirectional or control characters are refused with `Invalid` at every door.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import { makeVault, tempDir } from '../helpers/tmp';

const PROTO_META = '{"__proto__":{"polluted":true},"constructor":"c","prototype":[1],"plain":1}';

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('the engine', () => {
  it('keeps __proto__, constructor and prototype metadata keys', () => {
    const v = makeVault();
    cleanup = v.cleanup;
    const saved = v.vault.create({ id: 'm', content: 'x', metadata: JSON.parse(PROTO_META) as Record<string, unknown> });
    expect(JSON.stringify(saved.metadata)).toBe(PROTO_META);
    expect(JSON.stringify(v.vault.get('m').metadata)).toBe(PROTO_META);
    expect(Object.keys(v.vault.getVersion('m', 1).metadata)).toEqual(['__proto__', 'constructor', 'prototype', 'plain']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses an id with a right-to-left override', () => {
    const v = makeVault();
    cleanup = v.cleanup;
    expect(() => v.vault.create({ id: 'abc\u202Etxt.exe', content: 'x' })).toThrow(expect.objectContaining({ kind: 'Invalid', message: expect.stringContaining('U+202E') }));
    expect(v.vault.count()).toBe(0);
  });
});

describe.each([
  ['StorageService', serviceStoreFactory],
  ['Vault adapter', vaultStoreFactory],
])('the handler (%s)', (_name, storeFactory) => {
  async function handler(): Promise<{ call: ReturnType<typeof createHandler>; backend: DocvaultBackend }> {
    const t = tempDir();
    const backend = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory });
    cleanup = () => {
      void backend.close().finally(t.cleanup);
    };
    await backend.create('pass phrase');
    return { call: createHandler(backend), backend };
  }

  it('keeps __proto__ metadata keys from a JSON request', async () => {
    const { call, backend } = await handler();
    const raw: unknown = JSON.parse(`{"document":{"id":"m","content":"x","metadata":${PROTO_META}}}`);
    const created = await call('doc.create', raw);
    expect(created.ok).toBe(true);
    const read = await call('doc.get', { id: 'm' });
    expect(read.ok && JSON.stringify((read.value as { metadata: unknown }).metadata)).toBe(PROTO_META);
    const patched = await call('doc.update', JSON.parse(`{"id":"m","expectedVersion":1,"patch":{"metadata":{"__proto__":"kept"}}}`));
    expect(patched.ok).toBe(true);
    expect(JSON.stringify((await backend.channels['doc.get']({ id: 'm' })).metadata)).toBe('{"__proto__":"kept"}');
    await backend.close();
  });

  it('refuses metadata JSON cannot hold, and ids with bidirectional or control characters, with Invalid', async () => {
    const { call, backend } = await handler();
    for (const id of ['abc\u202Etxt.exe', 'a\u2067b', 'a\u0007b']) {
      const r = await call('doc.create', { document: { id, content: 'x' } });
      expect(r.ok ? 'ok' : r.error.kind).toBe('Invalid');
      const g = await call('doc.get', { id });
      expect(g.ok ? 'ok' : g.error.kind).toBe('Invalid');
    }
    const r = await call('doc.create', { document: { id: 'd', content: 'x', metadata: { when: new Date(0) } } });
    expect(r.ok ? 'ok' : `${r.error.kind} ${r.error.message}`).toMatch(/^Invalid .*metadata\.when/);
    await expect(backend.channels['doc.count']({})).resolves.toBe(0);
    await backend.close();
  });
});

