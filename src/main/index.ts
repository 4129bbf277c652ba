/**
 * Electron main: one window, sandboxed and isolated, talking to the backend only through src/main/ipc.ts.
 * Lifecycle: single instance, vault under userData by default, Open/New vault with native dialogs,
 * Lock, optional remembered key (safeStorage), clean close of the store on quit.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, protocol, safeStorage, session, type MenuItemConstructorOptions } from 'electron';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UiCommand } from '../shared/contract';
import { accelerator, shortcutOf } from '../shared/shortcuts';
import { DocvaultBackend } from '../app/backend';
import { createHandler } from '../app/handlers';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME, appCsp, handleAppProtocol, registerAppScheme } from './app-protocol';
import { devMode } from './dev-mode';
import { pushToAll, registerIpc, type PushTarget } from './ipc';
import { SafeStorageKeyStore } from './key-store';
import { nativeBindingFor } from './native';
import { electronPathPicker } from './path-picker';
import { guardDownloads } from './downloads';
import { DEFAULT_VAULT_FILE } from '../app/paths';

const here = dirname(fileURLToPath(import.meta.url));
/** out/main → project root (holds .native/). */
const appRoot = join(here, '..', '..');
/** The built renderer, served on app://docvault/ (never loaded from file://). */
const rendererDir = join(here, '..', 'renderer');
const dev = devMode(app.isPackaged, process.env);
const devUrl = dev.rendererUrl;
// Privileged schemes must be registered before the app is ready.
registerAppScheme(protocol);
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
  let win: BrowserWindow | undefined;
  const backend = new DocvaultBackend({
    vaultPath,
    keyStore,
    // The team-vault database password, under the same OS keychain protection as remembered keys.
    passwordStore: new SafeStorageKeyStore(join(userData, 'remote-passwords.json'), safeStorage),
    pathPicker: electronPathPicker(dialog, () => win ?? BrowserWindow.getFocusedWindow() ?? undefined),
    appDataDir: userData,
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
    ...(testKdfProfile === undefined ? {} : { kdfProfile: testKdfProfile }),
  });
  const windows = new Set<PushTarget>();
  backend.subscribe((e) => pushToAll(windows, e));
  // A clone made from the window switches the app to the new vault: open that one next time too.
  let shownVault = vaultPath;
  backend.subscribe((e) => {
    if (e.event !== 'vault.changed' || e.data.path === shownVault) return;
    shownVault = e.data.path;
    writeSettings({ ...readSettings(), lastVault: shownVault });
  });
  handleAppProtocol(protocol, rendererDir);
  registerIpc(ipcMain, createHandler(backend, log), { pageUrl: APP_INDEX_URL, ...(devUrl === undefined ? {} : { devOrigin: devUrl }) }, log);

  hardenSessions();
  // Auto-lock also covers a sleeping machine or a locked screen: nobody is at the keyboard then.
  powerMonitor.on('suspend', () => void backend.lock());
  powerMonitor.on('lock-screen', () => void backend.lock());
  await backend.unlockRemembered();

  const createWindow = (): void => {
    const w = new BrowserWindow({
      width: 1200,
      height: 800,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: 'docvault',
      // Linux and Windows show it in the task bar (macOS takes the app bundle's icon); made by `npm run icons`.
      icon: join(appRoot, 'resources', 'icon.png'),
      webPreferences: {
        preload: join(here, '..', 'preload', 'index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        // The spellchecker downloads dictionaries from Google's CDN and reads every word typed: off.
        spellcheck: false,
        devTools: dev.devTools,
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
    void w.loadURL(devUrl ?? APP_INDEX_URL);
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
        menuItem('import'),
        menuItem('export'),
        { type: 'separator' },
        menuItem('lock'),
        { label: 'Forget remembered key', click: () => void backend.forget() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(dev.devTools ? [{ role: 'toggleDevTools' } as const] : [])] },
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
    // Also covers navigations of sub-frames, which will-navigate does not see.
    contents.on('will-frame-navigate', (ev) => ev.preventDefault());
    contents.on('will-redirect', (ev) => ev.preventDefault());
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Save in the attachments panel downloads from a blob: URL of the page: the system save dialog asks where.
  guardDownloads(session.defaultSession, [`${APP_SCHEME}://${APP_HOST}`, ...(devUrl === undefined ? [] : [new URL(devUrl).origin])], log);
  session.defaultSession.setPermissionCheckHandler(() => false);
  // The dev server sends no CSP of its own; the built page carries it in a meta tag.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [appCsp(devUrl !== undefined ? 'ws:' : '')],
      },
    });
  });
}
