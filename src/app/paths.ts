/**
 * Where docvault keeps its files when nobody says otherwise. No electron import: the web twin and the
 * CLI use this; the Electron main uses `app.getPath('userData')` instead (same place on Linux).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** File name of the default vault inside the data directory. */
export const DEFAULT_VAULT_FILE = 'vault.dvault';

/**
 * The per-user data directory: `$XDG_DATA_HOME/docvault` (default `~/.local/share/docvault`) on Linux,
 * `~/Library/Application Support/docvault` on macOS, `%APPDATA%\docvault` on Windows.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'docvault');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'docvault');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'share'), 'docvault');
}

/** The vault file used when neither `--vault` nor `DOCVAULT_VAULT` names one. */
export function defaultVaultPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userDataDir(env, platform), DEFAULT_VAULT_FILE);
}
