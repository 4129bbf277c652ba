/**
 * The app's edge to a place that keeps remembered keys. The app layer needs only this interface; the
 * Electron shell implements it with safeStorage (src/main/key-store.ts), tests with a fake.
 */

/**
 * Where a remembered key lives (Electron: safeStorage under userData). Keys are 64 hex characters;
 * implementations encrypt them at rest with the OS keychain and refuse to store them in clear.
 */
export interface KeyStore {
  /** True when keys can be stored safely on this machine now. */
  available(): Promise<boolean>;
  has(vaultPath: string): Promise<boolean>;
  load(vaultPath: string): Promise<string | undefined>;
  save(vaultPath: string, rawKeyHex: string): Promise<void>;
  forget(vaultPath: string): Promise<void>;
}
