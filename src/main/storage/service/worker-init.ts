/**
 * What the pool's connections are started with: the pool's config, made from the service's options (their
 * defaults applied), and from it a worker thread's `workerData` (../worker/protocol.ts `WorkerInit`),
 * carrying a copy of the raw key made for that thread alone, and the options of the read-only connection
 * that answers reads in this thread while the writer starts (./opening-reads.ts). When a thread starts, and
 * what becomes of it, is the pool's business (./worker-pool.ts).
 */
import type { MemoryMode } from '../../../shared/types';
import type { VaultOptions } from '../vault';
import type { WorkerInit, WorkerKey } from '../worker/protocol';
import { SERVICE_DEFAULTS } from './defaults';
import type { ServiceOptions } from './types';
import type { ServiceKey } from './worker-key';

/** What workers are started with. */
export interface PoolConfig {
  readonly path: string;
  readonly workerPath: string;
  readonly key: ServiceKey;
  readonly memoryMode: MemoryMode;
  readonly options: ServiceOptions;
  readonly readers: number;
  readonly externalCheckMs: number;
  readonly slowCallMs: number;
  readonly maxRestarts: number;
  /** The cache's outside-change flag, bumped by the writer. */
  readonly signal: SharedArrayBuffer;
}

/** What the service decides itself, apart from its options, for {@link poolConfig}. */
export type PoolSetup = Pick<PoolConfig, 'path' | 'workerPath' | 'key' | 'memoryMode' | 'readers' | 'signal'>;

/** The pool's config: `setup`, and the service's options `opts` with the defaults of those the pool reads. */
export function poolConfig(setup: PoolSetup, opts: ServiceOptions): PoolConfig {
  return {
    ...setup,
    options: opts,
    externalCheckMs: opts.externalCheckMs ?? SERVICE_DEFAULTS.externalCheckMs,
    slowCallMs: opts.slowCallMs ?? SERVICE_DEFAULTS.slowCallMs,
    maxRestarts: Math.max(1, opts.maxRestarts ?? SERVICE_DEFAULTS.maxRestarts),
  };
}

/**
 * The `workerData` of the thread `name`, and the copy of the raw key it carries (undefined for a key without
 * one): the caller wipes the copy as soon as the thread is made, which copies `workerData` into itself.
 */
export function workerInit(c: PoolConfig, name: string, role: WorkerInit['role'], create: boolean): { init: WorkerInit; copy: Uint8Array | undefined } {
  const { key, copy } = workerKey(c.key);
  const init: WorkerInit = {
    role,
    name,
    path: c.path,
    key,
    create,
    memoryMode: c.memoryMode,
    tuning: c.options.tuning ?? {},
    maxContentBytes: c.options.maxContentBytes,
    maxAttachmentBytes: c.options.maxAttachmentBytes,
    uploadIdleMs: c.options.uploadIdleMs,
    searchRankWindow: c.options.searchRankWindow,
    durability: c.options.durability ?? 'full',
    externalCheckMs: c.externalCheckMs,
    signal: c.signal,
    slowCallMs: c.slowCallMs,
    nativeBinding: c.options.nativeBinding,
  };
  return { init, copy };
}

/** The key a worker is given: a raw key is copied (the service keeps its own, to restart workers with). */
function workerKey(k: ServiceKey): { key: WorkerKey; copy: Uint8Array | undefined } {
  if ('rawKey' in k) {
    const copy = new Uint8Array(k.rawKey);
    return { key: { rawKey: copy }, copy };
  }
  return { key: k, copy: undefined };
}

/** The options of the read-only connection opened in this thread while the writer starts, keyed by `key`. */
export function openingOptions(c: PoolConfig, key: VaultOptions['key']): VaultOptions {
  return {
    key,
    memoryMode: c.memoryMode,
    tuning: c.options.tuning ?? {},
    maxContentBytes: c.options.maxContentBytes,
    ...(c.options.maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes: c.options.maxAttachmentBytes }),
    ...(c.options.searchRankWindow === undefined ? {} : { searchRankWindow: c.options.searchRankWindow }),
    ...(c.options.nativeBinding === undefined ? {} : { nativeBinding: c.options.nativeBinding }),
  };
}
