/**
 * The only file that touches ipcMain. Registers one handler per contract channel; each checks that the
 * call comes from the app's own page (top frame, app://docvault/index.html or the dev server), then hands the raw
 * input to the transport-agnostic handler, which validates it with the contract's schema. Results cross
 * as the `{ ok, value | error }` envelope, so a thrown error never loses its `kind` on the way.
 */
import { CHANNELS, PUSH_IPC_CHANNEL, ipcChannelName, type PushEvent, type Result } from '../shared/contract';
import type { RequestHandler } from '../app/handlers';

/** The part of an invoke event this file reads (Electron's IpcMainInvokeEvent has it). */
export interface IpcEventLike {
  readonly senderFrame: { readonly url: string; readonly parent?: unknown } | null;
}

/** The part of ipcMain this file uses (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Where the app's own page lives. */
export interface TrustedOrigins {
  /** URL of the app's page (`app://docvault/index.html`); query and fragment may differ. */
  readonly pageUrl?: string;
  /** Origin of the electron-vite dev server (development only). */
  readonly devOrigin?: string;
}

/** True when `url` is the app's own page. */
export function isTrustedUrl(url: string, trusted: TrustedOrigins): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (trusted.pageUrl !== undefined) {
    // Compared part by part: URL.origin is "null" for a custom scheme, so it cannot tell pages apart.
    const page = new URL(trusted.pageUrl);
    if (u.protocol === page.protocol) return u.host === page.host && u.pathname === page.pathname && u.username === '' && u.password === '';
  }
  if (trusted.devOrigin !== undefined && (u.protocol === 'http:' || u.protocol === 'https:')) return u.origin === new URL(trusted.devOrigin).origin;
  return false;
}

/** Registers every channel; returns the function that removes them again. */
export function registerIpc(ipcMain: IpcMainLike, handle: RequestHandler, trusted: TrustedOrigins, log: (line: string) => void = () => {}): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcChannelName(channel), async (event, ...args): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      // Only the top frame of our own page: never an iframe, never a page the window was navigated to.
      if (frame === null || (frame.parent !== undefined && frame.parent !== null) || !isTrustedUrl(frame.url, trusted)) {
        log(`refused ${channel} from an untrusted frame`);
        return { ok: false, error: { kind: 'Unauthorized', message: 'This page may not use docvault' } };
      }
      if (args.length > 1) return { ok: false, error: { kind: 'Invalid', message: `${channel}: expected one argument` } };
      return handle(channel, args[0]);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(ipcChannelName(channel));
  };
}

/** Something that can receive push events (a BrowserWindow's webContents). */
export interface PushTarget {
  send(channel: string, event: PushEvent): void;
  isDestroyed(): boolean;
}

/** Sends a push event to every live target. */
export function pushToAll(targets: Iterable<PushTarget>, event: PushEvent): void {
  for (const t of targets) if (!t.isDestroyed()) t.send(PUSH_IPC_CHANNEL, event);
}
