/**
 * "Remember on this device": the vault's raw key, encrypted with Electron's safeStorage (the OS
 * keychain: Keychain, DPAPI, libsecret/kwallet), in `<userData>/remembered-keys.json`. On Linux the
 * `basic_text` backend (a hard-coded password: no protection) is refused, and so is anything unknown.
 * No electron import: main passes `safeStorage` in, tests pass a fake.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyStore } from '../app/key-store';

/** The part of Electron's safeStorage used here (the async API of Electron ≥ 37). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

/** Linux backends that really protect the key. */
const SAFE_LINUX_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/** safeStorage-backed {@link KeyStore}. */
export class SafeStorageKeyStore implements KeyStore {
  readonly #file: string;
  readonly #safe: SafeStorageLike;
  readonly #platform: NodeJS.Platform;

  constructor(file: string, safe: SafeStorageLike, platform: NodeJS.Platform = process.platform) {
    this.#file = file;
    this.#safe = safe;
    this.#platform = platform;
  }

  /** Why keys cannot be remembered, or undefined when they can. */
  async unavailableReason(): Promise<string | undefined> {
    if (!(await this.#safe.isAsyncEncryptionAvailable())) return 'no OS keychain is available';
    if (this.#platform === 'linux') {
      const backend = this.#safe.getSelectedStorageBackend?.() ?? 'unknown';
      if (!SAFE_LINUX_BACKENDS.has(backend)) return `the keychain backend "${backend}" would store the key without real protection`;
    }
    return undefined;
  }

  async available(): Promise<boolean> {
    return (await this.unavailableReason()) === undefined;
  }

  #read(): Record<string, string> {
    if (!existsSync(this.#file)) return {};
    try {
      const data: unknown = JSON.parse(readFileSync(this.#file, 'utf8'));
      return typeof data === 'object' && data !== null ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  #write(entries: Record<string, string>): void {
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries, null, 1), { mode: 0o600 });
    renameSync(tmp, this.#file);
  }

  async has(vaultPath: string): Promise<boolean> {
    return this.#read()[vaultPath] !== undefined;
  }

  async load(vaultPath: string): Promise<string | undefined> {
    const blob = this.#read()[vaultPath];
    if (blob === undefined || !(await this.available())) return undefined;
    const { result, shouldReEncrypt } = await this.#safe.decryptStringAsync(Buffer.from(blob, 'base64'));
    if (shouldReEncrypt) await this.save(vaultPath, result);
    return result;
  }

  async save(vaultPath: string, rawKeyHex: string): Promise<void> {
    const reason = await this.unavailableReason();
    if (reason !== undefined) throw new Error(`Cannot remember the key: ${reason}`);
    const enc = await this.#safe.encryptStringAsync(rawKeyHex);
    this.#write({ ...this.#read(), [vaultPath]: enc.toString('base64') });
  }

  async forget(vaultPath: string): Promise<void> {
    const entries = this.#read();
    if (entries[vaultPath] === undefined) return;
    delete entries[vaultPath];
    this.#write(entries);
  }
}
