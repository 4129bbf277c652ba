/** IPC wiring with a fake ipcMain: every channel registered, senders checked, inputs validated, errors wrapped. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHANNELS, PUSH_IPC_CHANNEL, ipcChannelName, type PushEvent, type Result } from '../../src/shared/contract';
import { DocvaultBackend } from '../../src/app/backend';
import { createHandler } from '../../src/app/handlers';
import { APP_INDEX_URL } from '../../src/main/app-protocol';
import { isTrustedUrl, pushToAll, registerIpc, type IpcEventLike, type IpcMainLike } from '../../src/main/ipc';
import { tempDir } from '../helpers/tmp';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, url: string | null, ...args: unknown[]): Promise<Result<unknown>> {
    const h = this.handlers.get(channel);
    if (h === undefined) throw new Error(`No handler registered for '${channel}'`);
    return (await h({ senderFrame: url === null ? null : { url, parent: null } }, ...args)) as Result<unknown>;
  }
}

const index = APP_INDEX_URL;

describe('isTrustedUrl', () => {
  it('accepts only the app page (app://docvault/index.html or the dev origin)', () => {
    expect(isTrustedUrl(index, { pageUrl: index })).toBe(true);
    expect(isTrustedUrl(`${index}#x`, { pageUrl: index })).toBe(true);
    expect(isTrustedUrl('file:///etc/passwd', { pageUrl: index })).toBe(false);
    expect(isTrustedUrl(pathToFileURL('/opt/docvault/out/renderer/index.html').href, { pageUrl: index })).toBe(false);
    expect(isTrustedUrl('app://docvault/other.html', { pageUrl: index })).toBe(false);
    expect(isTrustedUrl('app://other/index.html', { pageUrl: index })).toBe(false);
    expect(isTrustedUrl('app://user:pw@docvault/index.html', { pageUrl: index })).toBe(false);
    expect(isTrustedUrl('https://evil.example/', { pageUrl: index })).toBe(false);
    expect(isTrustedUrl('http://localhost:5173/', { pageUrl: index, devOrigin: 'http://localhost:5173' })).toBe(true);
    expect(isTrustedUrl('http://localhost:5174/', { pageUrl: index, devOrigin: 'http://localhost:5173' })).toBe(false);
    expect(isTrustedUrl('not a url', { pageUrl: index })).toBe(false);
  });
});

describe('registerIpc', () => {
  let ipc: FakeIpcMain;
  let backend: DocvaultBackend;
  let cleanup: () => void;
  let unregister: () => void;
  const refused: string[] = [];

  beforeEach(() => {
    const t = tempDir();
    cleanup = t.cleanup;
    ipc = new FakeIpcMain();
    backend = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2 });
    unregister = registerIpc(ipc, createHandler(backend), { pageUrl: index }, (l) => refused.push(l));
  });
  afterEach(async () => {
    await backend.close();
    cleanup();
  });

  it('registers exactly the contract channels, and removes them', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNELS.map(ipcChannelName).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses foreign and missing sender frames, and subframes', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', null]) {
      const r = await ipc.invoke(ipcChannelName('vault.status'), url, {});
      expect(r).toEqual({ ok: false, error: { kind: 'Unauthorized', message: 'This page may not use docvault' } });
    }
    const h = ipc.handlers.get(ipcChannelName('vault.status'));
    const sub = (await h?.({ senderFrame: { url: index, parent: {} } }, {})) as Result<unknown>;
    expect(sub.ok).toBe(false);
    expect(refused.length).toBeGreaterThanOrEqual(4);
  });

  it('validates inputs and wraps errors with their kind', async () => {
    const bad = await ipc.invoke(ipcChannelName('doc.get'), index, { id: '' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.kind).toBe('Invalid');
    const extra = await ipc.invoke(ipcChannelName('vault.status'), index, { x: 1 });
    expect(extra.ok).toBe(false);
    const twoArgs = await ipc.invoke(ipcChannelName('vault.status'), index, {}, {});
    expect(twoArgs.ok).toBe(false);
    const locked = await ipc.invoke(ipcChannelName('doc.list'), index, {});
    expect(locked.ok === false && locked.error.kind).toBe('Closed');
  });

  it('runs a call end to end and pushes events to live windows', async () => {
    const sent: PushEvent[] = [];
    const win = { send: (ch: string, e: PushEvent) => ch === PUSH_IPC_CHANNEL && sent.push(e), isDestroyed: () => false };
    const dead = { send: () => { throw new Error('destroyed'); }, isDestroyed: () => true };
    backend.subscribe((e) => pushToAll([win, dead], e));
    const created = await ipc.invoke(ipcChannelName('vault.create'), index, { passphrase: 'a passphrase' });
    expect(created).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const doc = await ipc.invoke(ipcChannelName('doc.create'), index, { document: { id: 'a', content: 'x' } });
    expect(doc).toMatchObject({ ok: true, value: { id: 'a', version: 1 } });
    const conflict = await ipc.invoke(ipcChannelName('doc.update'), index, { id: 'a', patch: { content: 'y' }, expectedVersion: 5 });
    expect(conflict.ok === false && conflict.error.kind).toBe('Conflict');
    expect(sent.map((e) => e.event)).toEqual(['vault.changed', 'doc.changed']);
  });
});
