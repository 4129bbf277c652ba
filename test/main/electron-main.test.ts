/**
 * src/main/index.ts against a fake `electron` module: the window's security options, navigation and
 * new-window blocking, permissions, IPC registration, single instance, and a clean close on quit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHANNELS, ipcChannelName } from '../../src/shared/contract';
import { SHORTCUTS, accelerator } from '../../src/shared/shortcuts';
import { tempDir } from '../helpers/tmp';

type Fn = (...a: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const state = {
    userData: '',
    lock: true,
    appHandlers: new Map<string, Fn>(),
    windows: [] as { options: Record<string, unknown>; loaded: string | undefined; contentsHandlers: Map<string, Fn> }[],
    ipcChannels: new Set<string>(),
    ipcHandlers: new Map<string, Fn>(),
    permissionHandler: undefined as Fn | undefined,
    quit: 0,
    menu: undefined as unknown,
    powerHandlers: new Map<string, Fn>(),
  };
  class FakeContents {
    readonly handlers = new Map<string, Fn>();
    windowOpen: Fn | undefined;
    on(ev: string, fn: Fn) {
      this.handlers.set(ev, fn);
      return this;
    }
    send() {}
    isDestroyed() {
      return false;
    }
    setWindowOpenHandler(fn: Fn) {
      this.windowOpen = fn;
    }
  }
  class BrowserWindow {
    readonly webContents = new FakeContents();
    readonly record: (typeof state.windows)[number];
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: undefined, contentsHandlers: this.webContents.handlers };
      state.windows.push(this.record);
    }
    on() {
      return this;
    }
    once() {
      return this;
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    async loadFile(p: string) {
      this.record.loaded = p;
    }
    async loadURL(u: string) {
      this.record.loaded = u;
    }
    static getAllWindows() {
      return [];
    }
    static getFocusedWindow() {
      return null;
    }
  }
  const electron = {
    app: {
      isPackaged: false,
      setPath: () => {},
      getPath: () => state.userData,
      requestSingleInstanceLock: () => state.lock,
      quit: () => {
        state.quit++;
      },
      whenReady: () => Promise.resolve(),
      on: (ev: string, fn: Fn) => {
        state.appHandlers.set(ev, fn);
      },
    },
    BrowserWindow,
    powerMonitor: {
      on: (ev: string, fn: Fn) => {
        state.powerHandlers.set(ev, fn);
      },
    },
    dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }), showMessageBox: async () => ({}), showMessageBoxSync: () => 1 },
    ipcMain: {
      handle: (ch: string, fn: Fn) => {
        state.ipcChannels.add(ch);
        state.ipcHandlers.set(ch, fn);
      },
      removeHandler: (ch: string) => {
        state.ipcChannels.delete(ch);
      },
    },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => {
        state.menu = m;
      },
    },
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => 'basic_text',
      encryptStringAsync: async () => Buffer.alloc(0),
      decryptStringAsync: async () => ({ result: '', shouldReEncrypt: false }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Fn) => {
          state.permissionHandler = fn;
        },
        setPermissionCheckHandler: () => {},
        webRequest: { onHeadersReceived: () => {} },
      },
    },
  };
  return { state, electron, FakeContents };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

async function loadMain(): Promise<void> {
  vi.resetModules();
  await import('../../src/main/index');
  // main() awaits whenReady, the status of the remembered key, then makes the window.
  for (let i = 0; i < 50 && fake.state.windows.length === 0 && fake.state.lock; i++) await new Promise((r) => setTimeout(r, 10));
}

let cleanup: () => void;
beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  Object.assign(fake.state, { userData: t.dir, lock: true, quit: 0, permissionHandler: undefined, menu: undefined });
  fake.state.appHandlers.clear();
  fake.state.windows.length = 0;
  fake.state.ipcChannels.clear();
  fake.state.ipcHandlers.clear();
  delete process.env.DOCVAULT_VAULT;
});
afterEach(() => cleanup());

describe('Electron main', () => {
  it('opens one sandboxed, isolated window with the bundled preload', async () => {
    await loadMain();
    expect(fake.state.windows).toHaveLength(1);
    const prefs = fake.state.windows[0]?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(fake.state.windows[0]?.loaded).toMatch(/renderer[\\/]index\.html$/);
  });

  it('gives the window the app icon from resources/', async () => {
    await loadMain();
    const icon = String(fake.state.windows[0]?.options.icon);
    expect(icon).toMatch(/resources[\\/]icon\.png$/);
    expect(existsSync(icon)).toBe(true);
  });

  it('takes the menu accelerators from the shared shortcut table', async () => {
    await loadMain();
    const menu = fake.state.menu as { label?: string; submenu?: { label?: string; accelerator?: string }[] }[];
    const file = menu.find((m) => m.label === 'File')?.submenu ?? [];
    for (const s of SHORTCUTS) expect(file.find((i) => i.label === s.label)?.accelerator, s.label).toBe(accelerator(s.app));
  });

  it('registers every contract channel on ipcMain', async () => {
    await loadMain();
    expect([...fake.state.ipcChannels].sort()).toEqual(CHANNELS.map(ipcChannelName).sort());
  });

  it('blocks navigation, redirects, webviews and new windows, and refuses permissions', async () => {
    await loadMain();
    const created = fake.state.appHandlers.get('web-contents-created');
    expect(created).toBeDefined();
    const contents = new fake.FakeContents();
    created?.({}, contents);
    for (const ev of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const e = { preventDefault: vi.fn() };
      contents.handlers.get(ev)?.(e);
      expect(e.preventDefault, ev).toHaveBeenCalled();
    }
    expect(contents.windowOpen?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const cb = vi.fn();
    fake.state.permissionHandler?.({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
  });

  it('keeps the vault under userData and never offers remembering with basic_text', async () => {
    await loadMain();
    const page = String(fake.state.windows[0]?.loaded);
    const status = await fake.state.ipcHandlers.get(ipcChannelName('vault.status'))?.({ senderFrame: { url: pathToFileURL(page).href, parent: null } }, {});
    expect(status).toEqual({ ok: true, value: { state: 'missing', path: join(fake.state.userData, 'vault.dvault'), canRemember: false, remembered: false, encrypted: null } });
    const foreign = await fake.state.ipcHandlers.get(ipcChannelName('vault.status'))?.({ senderFrame: { url: 'https://evil.example/', parent: null } }, {});
    expect(foreign).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
  });

  it('sends menu commands to the window instead of acting behind its back', async () => {
    await loadMain();
    const menu = fake.state.menu as { label?: string; submenu?: { label?: string; click?: () => void }[] }[];
    const lock = menu.find((m) => m.label === 'File')?.submenu?.find((i) => i.label === 'Lock');
    expect(lock).toBeDefined();
    const sent: unknown[] = [];
    // Capture what the window's webContents is sent.
    const proto = fake.FakeContents.prototype as unknown as { send: (...a: unknown[]) => void };
    const original = proto.send;
    proto.send = (...a: unknown[]) => void sent.push(a);
    try {
      lock?.click?.();
    } finally {
      proto.send = original;
    }
    expect(sent).toEqual([['docvault:event', { event: 'ui.command', data: { command: 'lock' } }]]);
  });

  it('locks the vault when the system suspends or the screen locks', async () => {
    await loadMain();
    const page = String(fake.state.windows[0]?.loaded);
    const sender = { senderFrame: { url: pathToFileURL(page).href, parent: null } };
    const call = (ch: Parameters<typeof ipcChannelName>[0], input: unknown) => fake.state.ipcHandlers.get(ipcChannelName(ch))?.(sender, input);
    for (const ev of ['suspend', 'lock-screen']) {
      const opened = await call(ev === 'suspend' ? 'vault.create' : 'vault.unlock', { passphrase: 'pass phrase' });
      expect(opened).toMatchObject({ ok: true, value: { state: 'unlocked' } });
      fake.state.powerHandlers.get(ev)?.();
      await vi.waitFor(async () => expect(await call('vault.status', {})).toMatchObject({ ok: true, value: { state: 'locked' } }), { timeout: 10_000 });
    }
  });

  it('closes the store before quitting', async () => {
    await loadMain();
    const beforeQuit = fake.state.appHandlers.get('before-quit');
    const e = { preventDefault: vi.fn() };
    beforeQuit?.(e);
    expect(e.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.state.quit).toBe(1));
    // The second before-quit (from app.quit) goes through.
    const again = { preventDefault: vi.fn() };
    beforeQuit?.(again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('quits at once when another instance holds the lock', async () => {
    fake.state.lock = false;
    await loadMain();
    expect(fake.state.quit).toBe(1);
    expect(fake.state.windows).toHaveLength(0);
  });
});
