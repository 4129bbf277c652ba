/**
 * Electron main: one window, sandboxed and isolated, talking to the backend only through src/main/ipc.ts.
 * Lifecycle: single instance, vault under userData by default, Open/New vault with native dialogs,
 * Lock, optional remembered key (safeStorage), clean close of the store on quit.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, safeStorage, session, type MenuItemConstructorOptions } from 'electron';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { UiCommand } from '../shared/contract';
import { accelerator, shortcutOf } from '../shared/shortcuts';
import { DocvaultBackend } from '../app/backend';
import { createHandler } from '../app/handlers';
import { pushToAll, registerIpc, type PushTarget } from './ipc';
import { SafeStorageKeyStore } from './key-store';
import { nativeBindingFor } from './native';
import { DEFAULT_VAULT_FILE } from '../app/paths';

const here = dirname(fileURLToPath(import.meta.url));
/** out/main → project root (holds .native/). */
const appRoot = join(here, '..', '..');
const rendererIndex = join(here, '..', 'renderer', 'index.html');
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const log = (line: string): void => void process.stderr.write(`docvault: ${line}\n`);

// Tests (test/e2e/electron.spec.ts) run the app in a throwaway profile.
if (process.env.DOCVAULT_USER_DATA !== undefined) app.setPath('userData', process.env.DOCVAULT_USER_DATA);
/** Test only: the light KDF for new vaults (see docs/app.md). Never set for real data. */
const testKdfProfile = process.env.DOCVAULT_TEST_KDF_PROFILE !== undefined ? Number(process.env.DOCVAULT_TEST_KDF_PROFILE) : undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void main();
}

interface Settings {
  lastVault?: string;
}

function settingsFile(): string {
  return join(app.getPath('userData'), 'settings.json');
}

function readSettings(): Settings {
  try {
    return JSON.parse(readFileSync(settingsFile(), 'utf8')) as Settings;
  } catch {
    return {};
  }
}

function writeSettings(s: Settings): void {
  mkdirSync(dirname(settingsFile()), { recursive: true, mode: 0o700 });
  writeFileSync(settingsFile(), JSON.stringify(s), { mode: 0o600 });
}

async function main(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const last = readSettings().lastVault;
  const vaultPath = process.env.DOCVAULT_VAULT ?? (last !== undefined && existsSync(last) ? last : join(userData, DEFAULT_VAULT_FILE));
  const nativeBinding = nativeBindingFor(appRoot);
  if (nativeBinding === undefined) log('no Electron build of better-sqlite3 in .native/; opening a vault will fail (see docs/app.md)');
  const keyStore = new SafeStorageKeyStore(join(userData, 'remembered-keys.json'), safeStorage);
  const backend = new DocvaultBackend({
    vaultPath,
    keyStore,
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
    ...(testKdfProfile === undefined ? {} : { kdfProfile: testKdfProfile }),
  });
  const windows = new Set<PushTarget>();
  backend.subscribe((e) => pushToAll(windows, e));
  registerIpc(ipcMain, createHandler(backend, log), { fileIndex: pathToFileURL(rendererIndex).href, ...(devUrl === undefined ? {} : { devOrigin: devUrl }) }, log);

  hardenSessions();
  await backend.unlockRemembered();

  let win: BrowserWindow | undefined;
  const createWindow = (): void => {
    const w = new BrowserWindow({
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'docvault',
      webPreferences: {
        preload: join(here, '..', 'preload', 'index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: true,
        // Middle-click opens links in new windows, around setWindowOpenHandler in old versions: off.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    win = w;
    const contents = w.webContents;
    windows.add(contents);
    w.on('closed', () => {
      windows.delete(contents);
      win = undefined;
    });
    w.once('ready-to-show', () => w.show());
    // The page blocks unloading while an edit is unsaved; Electron shows no prompt of its own, so ask here.
    contents.on('will-prevent-unload', (e) => {
      const choice = dialog.showMessageBoxSync(w, {
        type: 'question',
        buttons: ['Discard changes', 'Keep editing'],
        defaultId: 1,
        cancelId: 1,
        message: 'Discard unsaved changes?',
        detail: 'The document you are editing has changes that are not saved.',
      });
      if (choice === 0) e.preventDefault();
    });
    if (devUrl !== undefined) void w.loadURL(devUrl);
    else void w.loadFile(rendererIndex);
  };

  const chooseVault = async (mode: 'open' | 'new'): Promise<void> => {
    const parent = win ?? BrowserWindow.getFocusedWindow() ?? undefined;
    const opts = { title: mode === 'open' ? 'Open vault' : 'New vault', filters: [{ name: 'docvault vault', extensions: ['dvault'] }] };
    let path: string | undefined;
    if (mode === 'open') {
      const r = parent === undefined ? await dialog.showOpenDialog({ ...opts, properties: ['openFile'] }) : await dialog.showOpenDialog(parent, { ...opts, properties: ['openFile'] });
      path = r.canceled ? undefined : r.filePaths[0];
    } else {
      const r = parent === undefined ? await dialog.showSaveDialog({ ...opts, defaultPath: join(userData, 'new.dvault') }) : await dialog.showSaveDialog(parent, { ...opts, defaultPath: join(userData, 'new.dvault') });
      path = r.canceled ? undefined : r.filePath;
      if (path !== undefined && existsSync(path)) {
        await dialog.showMessageBox({ type: 'warning', message: 'A file already exists there. docvault never overwrites a file: choose another name.' });
        return;
      }
    }
    if (path === undefined) return;
    await backend.switchTo(path);
    writeSettings({ ...readSettings(), lastVault: path });
    await backend.unlockRemembered();
  };

  /** Menu commands go to the window, so the renderer's guards apply; with no window, Lock locks directly. */
  const command = (c: UiCommand): void => {
    const target = win ?? BrowserWindow.getFocusedWindow() ?? undefined;
    if (target !== undefined) pushToAll([target.webContents], { event: 'ui.command', data: { command: c } });
    else if (c === 'lock') void backend.lock();
  };

  /** A menu item from the shared shortcut table (the renderer's key handler and help text read the same table). */
  const menuItem = (c: UiCommand): MenuItemConstructorOptions => {
    const s = shortcutOf(c);
    return { label: s.label, accelerator: accelerator(s.app), click: () => command(c) };
  };

  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'New vault…', click: () => void chooseVault('new') },
        { label: 'Open vault…', accelerator: 'CmdOrCtrl+O', click: () => void chooseVault('open') },
        { type: 'separator' },
        ...(['new', 'save', 'search', 'find'] as const).map((c) => menuItem(c)),
        { type: 'separator' },
        menuItem('lock'),
        { label: 'Forget remembered key', click: () => void backend.forget() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const])] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));

  app.on('second-instance', () => {
    if (win === undefined) createWindow();
    else {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('before-quit', (e) => {
    if (closing) return;
    e.preventDefault();
    closing = true;
    // Checkpoint and close the vault before the process goes: no WAL left behind, key wiped.
    void backend.close().finally(() => app.quit());
  });

  createWindow();
}

/** Every webContents: no navigation, no new windows, no webviews, no permissions. */
function hardenSessions(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev) => ev.preventDefault());
    contents.on('will-redirect', (ev) => ev.preventDefault());
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // The dev server sends no CSP of its own; the built page carries it in a meta tag.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'" +
            (devUrl !== undefined ? ' ws:' : '') +
            "; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
