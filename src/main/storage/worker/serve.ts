/**
 * What a storage worker thread does: one vault connection, driven by the protocol in ./protocol.
 * A reader opens the vault read-only and answers calls one by one; the writer owns the only write
 * connection and commits each group of writes it is sent in one transaction (see commitGroup), replying
 * only after the commit (so every acknowledged write is durable). A message outside the protocol is
 * refused with a typed error and nothing else happens. The thread's entry is ./worker-entry.ts.
 */
import { DocvaultError, assertNever, isDocvaultError, isErrorKind, serializeError, type ErrorKind } from '../../../shared/errors';
import type { BulkResult, Progress, VerifyOptions } from '../../../shared/types';
import { Vault, type VaultOptions } from '../vault';
import { logIfSlow, logLine } from './log';
import { invoke } from './invoke';
import { READ_METHODS, WRITE_METHODS, type BatchOp, type FromWorker, type ToWorker, type WireCall, type WireResult, type WorkerInit } from './protocol';

const READS: ReadonlySet<string> = new Set(READ_METHODS);
const WRITES: ReadonlySet<string> = new Set(WRITE_METHODS);

/**
 * Errors that belong to one write and leave the transaction usable: that write changed nothing (or its
 * savepoint rolled back) and the rest of its group commits. Any other error aborts the group, which is
 * then retried write by write.
 */
const FAILS_ALONE: ReadonlySet<ErrorKind> = new Set(['Conflict', 'NotFound', 'AlreadyExists', 'Invalid', 'TooLarge', 'Integrity']);

/** Thrown inside a group to abort it (a write failed in a way that may have broken the transaction). */
class GroupAbort extends Error {}

/** The port a storage worker talks through: its thread's `parentPort` (./worker-entry.ts). */
export interface StoragePort {
  on(event: 'message', listener: (msg: unknown) => void): unknown;
  postMessage(msg: FromWorker): void;
  close(): void;
}

/** Opens the vault `init` names and serves the protocol on `port` until told to close. */
export async function serveVault(port: StoragePort, init: WorkerInit): Promise<void> {
  const signal = new Int32Array(init.signal);
  const post = (msg: FromWorker): void => port.postMessage(msg);
  let vault: Vault;
  try {
    // Only a writer migrates: its upgrade's progress goes to the main thread before `ready`.
    vault = await openVault(init, init.role === 'writer' ? (progress) => post({ t: 'migrating', progress }) : undefined);
  } catch (err) {
    post({ t: 'fatal', error: serializeError(err) });
    port.close();
    return;
  }
  let timer: ReturnType<typeof setInterval> | undefined;
  const lookOutside = (): boolean => {
    // The writer's connection sees only other connections' commits in data_version: a change is from outside.
    const changed = vault.refresh();
    if (changed) Atomics.add(signal, 0, 1);
    return changed;
  };
  if (init.role === 'writer' && init.externalCheckMs > 0) timer = setInterval(lookOutside, init.externalCheckMs);

  const handle = (msg: ToWorker): void => {
    switch (msg.t) {
      case 'calls':
        // On the writer, a commit from outside seen here must still reach the main thread's cache.
        post(answerReads(vault, init, msg.calls, post, init.role === 'writer' ? lookOutside : undefined));
        break;
      case 'commit':
        post(commitGroup(vault, init, msg.calls));
        break;
      case 'stats':
        post({ t: 'stats', seq: msg.seq, stats: vault.stats() });
        break;
      case 'refresh':
        post({ t: 'refreshed', seq: msg.seq, changed: lookOutside() });
        break;
      case 'indexSearch':
        // Never throws: a flush that fails leaves the index as of its last flush (engine/search-queue.ts).
        vault.indexSearch();
        post({ t: 'indexed', seq: msg.seq });
        break;
      case 'close':
        if (timer !== undefined) clearInterval(timer);
        try {
          vault.close();
        } catch (err) {
          logLine(init.name, `close failed: ${serializeError(err).message}`);
        }
        post({ t: 'closed' });
        port.close();
        break;
      default:
        assertNever(msg);
    }
  };
  port.on('message', (msg) => {
    if (isMessage(msg)) handle(msg);
    else post(refusal(msg));
  });
  post({ t: 'ready' });
}

/** The protocol's message types: a type added to `ToWorker` without a row here does not compile. */
const MESSAGE_TYPES: Readonly<Record<ToWorker['t'], true>> = { calls: true, commit: true, stats: true, refresh: true, indexSearch: true, close: true };

/** Whether `msg` is one of the protocol's messages (by its type; the main thread builds them, typed). */
function isMessage(msg: unknown): msg is ToWorker {
  const t = typeof msg === 'object' && msg !== null ? (msg as { t?: unknown }).t : undefined;
  return typeof t === 'string' && Object.hasOwn(MESSAGE_TYPES, t);
}

/** The answer to a message outside the protocol: `Invalid`, naming its type (never its contents). */
function refusal(msg: unknown): FromWorker {
  const t = typeof msg === 'object' && msg !== null ? (msg as { t?: unknown }).t : undefined;
  const what = typeof t === 'string' ? `"${t.slice(0, 40)}"` : 'without a type';
  return { t: 'refused', error: serializeError(new DocvaultError('Invalid', `The storage worker does not take messages ${what}; nothing was done`)) };
}

async function openVault(init: WorkerInit, onMigration: VaultOptions['onMigration']): Promise<Vault> {
  const reader = init.role === 'reader';
  const base: Omit<VaultOptions, 'key'> = {
    ...(onMigration === undefined ? {} : { onMigration }),
    memoryMode: init.memoryMode,
    // The document cache is the main thread's (../cache.ts, fed by service/cache-wire.ts); a worker keeps none.
    tuning: { ...init.tuning, cacheEntries: 0 },
    maxContentBytes: init.maxContentBytes,
    ...(init.maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes: init.maxAttachmentBytes }),
    ...(init.uploadIdleMs === undefined ? {} : { uploadIdleMs: init.uploadIdleMs }),
    ...(init.searchRankWindow === undefined ? {} : { searchRankWindow: init.searchRankWindow }),
    durability: init.durability,
    readonly: reader,
    // No cache to keep fresh: only the writer looks for other processes' commits, on its timer and before
    // the reads it answers, for the main thread's cache.
    externalCheckMs: Number.MAX_SAFE_INTEGER,
    ...(init.nativeBinding === undefined ? {} : { nativeBinding: init.nativeBinding }),
  };
  const k = init.key;
  if ('rawKey' in k) {
    try {
      const opts: VaultOptions = { ...base, key: { rawKey: k.rawKey } };
      return init.create ? Vault.createSync(init.path, opts) : Vault.openSync(init.path, opts);
    } finally {
      k.rawKey.fill(0);
    }
  }
  if ('sqlcipherPassphrase' in k) return Vault.open(init.path, { ...base, key: { passphrase: k.sqlcipherPassphrase } });
  const opts: VaultOptions = { ...base, key: { encryption: false } };
  return init.create ? Vault.createSync(init.path, opts) : Vault.openSync(init.path, opts);
}

function isBulkResult(r: unknown): r is BulkResult<unknown> {
  return typeof r === 'object' && r !== null && 'committed' in r && 'items' in r;
}

/** `batch`: every op in one savepoint; the first failure (including a bulk op that did not commit) undoes all. */
function runBatch(vault: Vault, ops: unknown): unknown[] {
  if (!Array.isArray(ops)) throw new DocvaultError('Invalid', 'batch: expected an array of { op, args }', { field: 'ops' });
  return vault.transaction(() =>
    ops.map((raw: unknown, index) => {
      const op = raw as Partial<BatchOp> | null;
      if (typeof op !== 'object' || op === null || typeof op.op !== 'string' || !WRITES.has(op.op) || !Array.isArray(op.args))
        throw new DocvaultError('Invalid', `batch op ${index}: expected { op: <write method>, args: [...] }`, { index });
      let result: unknown;
      try {
        result = invoke(vault, op.op, op.args);
      } catch (err) {
        if (!isDocvaultError(err)) throw err;
        throw new DocvaultError(err.kind, `batch op ${index} (${op.op}): ${err.message}`, { ...err.details, index, op: op.op });
      }
      if (isBulkResult(result) && !result.committed) {
        const bad = result.items.find((i) => i.status === 'error');
        const kind = bad?.status === 'error' && isErrorKind(bad.error.kind) ? bad.error.kind : 'Invalid';
        const why = bad?.status === 'error' ? `item "${bad.id}": ${bad.error.message}` : 'an item failed';
        throw new DocvaultError(kind, `batch op ${index} (${op.op}): ${why}`, { index, op: op.op });
      }
      return result;
    }),
  );
}

function runWrite(vault: Vault, call: WireCall): unknown {
  if (call.method === 'batch') return runBatch(vault, call.args[0]);
  if (!WRITES.has(call.method)) throw new DocvaultError('Invalid', `${call.method} is not a write`);
  return invoke(vault, call.method, call.args);
}

function timed(init: WorkerInit, call: WireCall, fn: () => unknown): WireResult {
  const t0 = performance.now();
  try {
    const result = fn();
    const durationMs = performance.now() - t0;
    logIfSlow(init.name, call.method, durationMs, init.slowCallMs);
    return { seq: call.seq, ok: true, result, durationMs };
  } catch (err) {
    const durationMs = performance.now() - t0;
    logIfSlow(init.name, `${call.method} (failed)`, durationMs, init.slowCallMs);
    return { seq: call.seq, ok: false, error: serializeError(err), durationMs };
  }
}

/**
 * Group commit: one transaction, one reply after the commit. A single write runs in the group's
 * transaction without a savepoint (Vault.writeGroup); one that fails having changed nothing fails alone,
 * one that failed after changing rows reports `Internal`, which aborts the group like any other error.
 */
function commitGroup(vault: Vault, init: WorkerInit, calls: readonly WireCall[]): FromWorker {
  const t0 = performance.now();
  let results: WireResult[] = [];
  try {
    vault.writeGroup(() => {
      results = [];
      for (const call of calls) {
        const r = timed(init, call, () => runWrite(vault, call));
        if (!r.ok && !FAILS_ALONE.has(r.error.kind)) throw new GroupAbort();
        results.push(r);
      }
    });
  } catch {
    // Nothing of the group was committed (an I/O error, a full disk, a failed commit). Retry each write in its
    // own transaction so that only the writes that really fail, fail.
    results = calls.map((call) => timed(init, call, () => vault.transaction(() => runWrite(vault, call))));
  }
  const durationMs = performance.now() - t0;
  logIfSlow(init.name, `group commit of ${calls.length} writes`, durationMs, init.slowCallMs);
  return { t: 'results', results, commit: { size: calls.length, durationMs } };
}

/**
 * Answers reads. On a reader, and on the writer until a reader has started (the main thread then sends it
 * reads too). `look` (the writer's) first tells the main thread's cache of commits by other processes.
 */
function answerReads(vault: Vault, init: WorkerInit, calls: readonly WireCall[], post: (msg: FromWorker) => void, look: (() => boolean) | undefined): FromWorker {
  look?.();
  const results = calls.map((call) =>
    timed(init, call, () => {
      if (!READS.has(call.method)) throw new DocvaultError('Invalid', `${call.method} is not served by a reader`);
      if (call.method === 'verify')
        return vault.verify(
          call.progress === true ? (progress: Progress) => post({ t: 'progress', seq: call.seq, progress }) : undefined,
          (call.args[1] ?? undefined) as VerifyOptions | undefined,
        );
      if (call.method === 'backup') {
        const [out, o] = call.args as [string, { overwrite?: boolean } | undefined];
        const onProgress = call.progress === true ? (progress: Progress): void => post({ t: 'progress', seq: call.seq, progress }) : undefined;
        return vault.backup(out, { ...o, ...(onProgress === undefined ? {} : { onProgress }) });
      }
      return invoke(vault, call.method, call.args);
    }),
  );
  return { t: 'results', results };
}
