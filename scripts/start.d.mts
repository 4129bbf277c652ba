/** The Electron version the project depends on, or undefined when electron is not installed. */
export function electronVersion(): string | undefined;
/** The Electron executable (path.txt + dist/, or $ELECTRON_OVERRIDE_DIST_PATH), or undefined when absent. */
export function findElectron(env?: NodeJS.ProcessEnv): string | undefined;
/** Where the Electron-ABI build of better-sqlite3 is kept. */
export function nativePath(version: string): string;
/** Builds better-sqlite3 for Electron into .native/; returns an error line, or undefined on success. */
export function buildNativeForElectron(version: string): string | undefined;
