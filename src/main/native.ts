/**
 * The Electron-ABI build of better-sqlite3, kept apart from the Node build in node_modules (which
 * tests, the CLI and the web twin load): `.native/electron-<version>/better_sqlite3.node`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the Electron build for `electronVersion` lives under `appRoot`. */
export function electronNativePath(appRoot: string, electronVersion: string): string {
  return join(appRoot, '.native', `electron-${electronVersion}`, 'better_sqlite3.node');
}

/** The binding to pass as `nativeBinding`: the Electron build under Electron, else undefined (Node's own). */
export function nativeBindingFor(appRoot: string, versions: NodeJS.ProcessVersions = process.versions): string | undefined {
  const electron = (versions as NodeJS.ProcessVersions & { electron?: string }).electron;
  if (electron === undefined) return undefined;
  const p = electronNativePath(appRoot, electron);
  return existsSync(p) ? p : undefined;
}
