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
    downloadHandler: undefined as Fn | undefined,
    quit: 0,
    menu: undefined as unknown,
    powerHandlers: new Map<string, Fn>(),
    isPackaged: false,
    /** Order of the calls whose order Electron prescribes (privileged schemes before ready). */
    order: [] as string[],
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, Fn>(),
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
      get isPackaged() {
        return state.isPackaged;
      },
      setPath: () => {},
      getPath: () => state.userData,
      requestSingleInstanceLock: () => state.lock,
      quit: () => {
        state.quit++;
      },
      whenReady: () => {
        state.order.push('whenReady');
        return Promise.resolve();
      },
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
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        state.order.push('registerSchemesAsPrivileged');
        state.schemes.push(...schemes);
      },
      handle: (scheme: string, fn: Fn) => {
        state.order.push(`handle:${scheme}`);
        state.protocolHandlers.set(scheme, fn);
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
        on: (event: string, fn: Fn) => {
          if (event === 'will-download') state.downloadHandler = fn;
        },
      },
    },
  };
  return { state, electron, FakeContents };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

async function loadMain(): Promise<void> {
  vi.resetModules();
  await import('../../src/main/index');
  // main() awaits whenReady, the status of the remembered key, then makes the window (unless it quit at once).
  if (fake.state.lock) await vi.waitFor(() => expect(fake.state.windows.length).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
}

let cleanup: () => void;
beforeEach(() => {
  const t = tempDir();
  cleanup = t.cleanup;
  Object.assign(fake.state, { userData: t.dir, lock: true, quit: 0, permissionHandler: undefined, menu: undefined, isPackaged: false });
  fake.state.order.length = 0;
  fake.state.schemes.length = 0;
  fake.state.protocolHandlers.clear();
  fake.state.appHandlers.clear();
  fake.state.windows.length = 0;
  fake.state.ipcChannels.clear();
  fake.state.ipcHandlers.clear();
  for (const k of ['DOCVAULT_VAULT', 'DOCVAULT_DEV', 'ELECTRON_RENDERER_URL']) delete process.env[k];
});
afterEach(() => {
  for (const k of ['DOCVAULT_DEV', 'ELECTRON_RENDERER_URL']) delete process.env[k];
  cleanup();
});

function prefsOf(i = 0): Record<string, unknown> {
  return fake.state.windows[i]?.options.webPreferences as Record<string, unknown>;
}

function devToolsInMenu(): boolean {
  const menu = fake.state.menu as { label?: string; submenu?: { role?: string }[] }[];
  return menu.some((m) => m.submenu?.some((i) => i.role === 'toggleDevTools') === true);
}

describe('Electron main', () => {
  it('opens one sandboxed, isolated window with the bundled preload', async () => {
    await loadMain();
    expect(fake.state.windows).toHaveLength(1);
    const prefs = fake.state.windows[0]?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    expect(fake.state.windows[0]?.loaded).toBe('app://docvault/index.html');
    expect(prefs).toMatchObject({ spellcheck: false, devTools: false });
    expect(devToolsInMenu()).toBe(false);
  });

  it('registers app:// as a privileged scheme before ready and serves only the renderer folder on it', async () => {
    await loadMain();
    expect(fake.state.order.indexOf('registerSchemesAsPrivileged')).toBeLessThan(fake.state.order.indexOf('whenReady'));
    expect(fake.state.order).toContain('handle:app');
    expect(fake.state.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const serve = fake.state.protocolHandlers.get('app') as (r: { url: string; method: string }) => Promise<Response>;
    // out/renderer may not be built when unit tests run: what matters is that nothing outside it is served.
    for (const url of ['app://docvault/%2e%2e/main/index.js', 'app://docvault/..%2f..%2fpackage.json', 'app://evil/index.html'])
      expect((await serve({ url, method: 'GET' })).status, url).toBe(404);
  });

  it.each([
    ['unpackaged without DOCVAULT_DEV', false, undefined],
    ['packaged with DOCVAULT_DEV=1', true, '1'],
  ])('ignores ELECTRON_RENDERER_URL and has no DevTools when %s', async (_name, packaged, flag) => {
    fake.state.isPackaged = packaged;
    if (flag !== undefined) process.env.DOCVAULT_DEV = flag;
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    await loadMain();
    expect(fake.state.windows[0]?.loaded).toBe('app://docvault/index.html');
    expect(prefsOf().devTools).toBe(false);
    expect(devToolsInMenu()).toBe(false);
  });

  it('in development (unpackaged and DOCVAULT_DEV=1) loads the loopback dev server and offers DevTools', async () => {
    process.env.DOCVAULT_DEV = '1';
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    await loadMain();
    expect(fake.state.windows[0]?.loaded).toBe('http://localhost:5173/');
    expect(prefsOf().devTools).toBe(true);
    expect(devToolsInMenu()).toBe(true);
  });

  it('even in development never loads a non-loopback ELECTRON_RENDERER_URL', async () => {
    process.env.DOCVAULT_DEV = '1';
    process.env.ELECTRON_RENDERER_URL = 'https://evil.example/';
    await loadMain();
    expect(fake.state.windows[0]?.loaded).toBe('app://docvault/index.html');
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
    for (const ev of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(contents.handlers.has(ev), ev).toBe(true);
      const e = { preventDefault: vi.fn() };
      contents.handlers.get(ev)?.(e);
      expect(e.preventDefault, ev).toHaveBeenCalled();
    }
    expect(contents.windowOpen?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const cb = vi.fn();
    fake.state.permissionHandler?.({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    // Downloads: an attachment the page saves from its own blob: URL gets the save dialog; anything else is cancelled.
    const item = (url: string) => ({ getURL: () => url, getFilename: () => 'scan.pdf', setSaveDialogOptions: vi.fn() });
    const ours = item('blob:app://docvault/0f3c1e6a-0000-4000-8000-000000000000');
    const ok = { preventDefault: vi.fn() };
    fake.state.downloadHandler?.(ok, ours);
    expect(ok.preventDefault).not.toHaveBeenCalled();
    expect(ours.setSaveDialogOptions).toHaveBeenCalledWith({ title: 'Save attachment', defaultPath: 'scan.pdf' });
    for (const url of ['https://evil.example/x.exe', 'file:///etc/passwd', 'blob:https://evil.example/1', 'blob:app://docvault.evil/1']) {
      const refused = { preventDefault: vi.fn() };
      const other = item(url);
      fake.state.downloadHandler?.(refused, other);
      expect(refused.preventDefault, url).toHaveBeenCalled();
      expect(other.setSaveDialogOptions, url).not.toHaveBeenCalled();
    }
  });

  it('keeps the vault under userData and never offers remembering with basic_text', async () => {
    await loadMain();
    const page = String(fake.state.windows[0]?.loaded);
    const status = await fake.state.ipcHandlers.get(ipcChannelName('vault.status'))?.({ senderFrame: { url: page, parent: null } }, {});
    expect(status).toEqual({ ok: true, value: { state: 'missing', path: join(fake.state.userData, 'vault.dvault'), canRemember: false, remembered: false, encrypted: null } });
    for (const url of ['https://evil.example/', pathToFileURL(join(fake.state.userData, 'index.html')).href]) {
      const foreign = await fake.state.ipcHandlers.get(ipcChannelName('vault.status'))?.({ senderFrame: { url, parent: null } }, {});
      expect(foreign, url).toMatchObject({ ok: false, error: { kind: 'Unauthorized' } });
    }
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
    const sender = { senderFrame: { url: page, parent: null } };
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
