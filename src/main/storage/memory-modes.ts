/**
 * Memory presets after the seed design's RAM modes (baseline ~2 GB machine … performance ~8 GB).
 * Every value can be overridden per vault.
 */
import type { MemoryMode } from '../../shared/types';

/** Tunables chosen by a memory mode. */
export interface MemoryTuning {
  /** Document cache budget in bytes (lru-cache `maxSize`). */
  readonly cacheBytes: number;
  /** Document cache entry cap (lru-cache `max`). */
  readonly cacheEntries: number;
  /** Cap of the exists cache (id -> present/absent). */
  readonly existsEntries: number;
  /** SQLite page cache per connection, KiB (`PRAGMA cache_size = -N`). */
  readonly sqliteCacheKiB: number;
  /** `PRAGMA mmap_size` in bytes. Used only for unencrypted vaults: encrypted pages must be decrypted into the page cache anyway. */
  readonly mmapBytes: number;
  /** Reader threads for the async service (capped by cores). */
  readonly readers: number;
}

const MiB = 1024 * 1024;

/** The presets. */
export const MEMORY_PRESETS: Readonly<Record<MemoryMode, MemoryTuning>> = {
  baseline: { cacheBytes: 16 * MiB, cacheEntries: 5_000, existsEntries: 20_000, sqliteCacheKiB: 8 * 1024, mmapBytes: 0, readers: 1 },
  standard: { cacheBytes: 64 * MiB, cacheEntries: 20_000, existsEntries: 100_000, sqliteCacheKiB: 32 * 1024, mmapBytes: 64 * MiB, readers: 2 },
  enhanced: { cacheBytes: 256 * MiB, cacheEntries: 100_000, existsEntries: 500_000, sqliteCacheKiB: 64 * 1024, mmapBytes: 256 * MiB, readers: 4 },
  performance: { cacheBytes: 512 * MiB, cacheEntries: 250_000, existsEntries: 1_000_000, sqliteCacheKiB: 256 * 1024, mmapBytes: 1024 * MiB, readers: 8 },
};

/** The preset for `mode` with `overrides` applied. */
export function tuningFor(mode: MemoryMode, overrides: Partial<MemoryTuning> = {}): MemoryTuning {
  return { ...MEMORY_PRESETS[mode], ...overrides };
}
