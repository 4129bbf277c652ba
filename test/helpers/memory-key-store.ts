/** A remembered-key store in memory, standing in for Electron's safeStorage in app-layer tests. */
import type { KeyStore } from '../../src/app/key-store';

/** Keeps remembered keys in a map (`keys` is open for assertions). */
export class MemoryKeyStore implements KeyStore {
  readonly keys = new Map<string, string>();
  async available() { return true; }
  async has(p: string) { return this.keys.has(p); }
  async load(p: string) { return this.keys.get(p); }
  async save(p: string, k: string) { this.keys.set(p, k); }
  async forget(p: string) { this.keys.delete(p); }
}
