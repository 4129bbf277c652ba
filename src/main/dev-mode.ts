/**
 * When the app runs in development: only from an unpackaged build AND with `DOCVAULT_DEV=1`
 * (set by `npm run dev`). Anything else — a packaged app, or an unpackaged one someone started with
 * ELECTRON_RENDERER_URL in its environment — gets no DevTools and loads only its own app:// page.
 */

/** The environment variable `npm run dev` sets. */
export const DEV_ENV = 'DOCVAULT_DEV';

/** What dev mode allows: the dev server URL to load, and DevTools. */
export interface DevMode {
  /** The electron-vite dev server, or undefined outside development. */
  readonly rendererUrl: string | undefined;
  readonly devTools: boolean;
}

/** Decides dev mode from `app.isPackaged` and the environment. */
export function devMode(isPackaged: boolean, env: Readonly<Record<string, string | undefined>>): DevMode {
  const dev = !isPackaged && env[DEV_ENV] === '1';
  if (!dev) return { rendererUrl: undefined, devTools: false };
  const url = env['ELECTRON_RENDERER_URL'];
  // Only a loopback http server: the dev server, never a remote page with the preload's powers.
  let ok = false;
  if (url !== undefined) {
    try {
      const u = new URL(url);
      ok = u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]');
    } catch {
      ok = false;
    }
  }
  return { rendererUrl: ok ? url : undefined, devTools: true };
}
