/**
 * Team-vault sync, transport-neutral: push what the vault has not pushed, pull what the server has after
 * the last number seen, and clone a new vault from a remote one. The CLI calls these functions over a
 * `Vault`; the window calls {@link TeamSync} (status, syncNow, setRemote) through its contract channel, over
 * whatever {@link SyncStore} it has (the engine itself, or an async wrapper of it).
 *
 * Offline first: nothing local waits for the network. A sync that fails part way (server killed, network
 * gone) leaves every pushed batch marked and every pulled batch applied, each in its own local transaction;
 * the next sync resumes where it stopped, and the server's push-id constraint drops repeated rows.
 */
import { randomBytes } from 'node:crypto';
import { DocvaultError, serializeError, type SerializedError } from '../../shared/errors';
import type { Progress } from '../../shared/types';
import type { SyncCoreStatus, SyncReport } from '../../shared/team';
import {
  KDF_PROFILES,
  Vault,
  deriveKey,
  deriveSyncKeys,
  openRow,
  parseRawKey,
  profileOfSalt,
  sealCheck,
  sealRow,
  verifyCheck,
  wipe,
  wipeSyncKeys,
  type ApplyReport,
  type KeySpec,
  type PulledRow,
  type SyncKeys,
} from '../../main/storage';
import { fetchFiles, pushFiles, type FileSyncContext } from './file-sync';
import { PgRemote, type PulledSealedRow, type RemoteTarget, type RemoteVaultRecord } from './pg-remote';
import { parseRemoteUrl } from './remote-url';

/** The engine calls sync needs, sync or async (the Vault itself, or the storage service's async wrapper). */
export type SyncVault = Pick<
  Vault,
  | 'syncState' | 'syncConflicts' | 'attachRemote' | 'syncOutbox' | 'markPushed' | 'applyPulled' | 'markSynced' | 'syncKeys' | 'kdfSalt'
  // Attachments (file-sync.ts).
  | 'syncFileChunk' | 'recordSyncDigests' | 'syncFilesHere' | 'beginSyncFile' | 'putAttachmentChunk' | 'abortAttachment' | 'syncHeld'
>;
/** {@link SyncVault} whose methods may also return promises. */
export type SyncStore = {
  readonly [K in keyof SyncVault]: (...args: Parameters<SyncVault[K]>) => ReturnType<SyncVault[K]> | Promise<ReturnType<SyncVault[K]>>;
};

export type { SyncReport } from '../../shared/team';
/** The sync status the core reports (the window's `SyncStatus` adds the background sync's fields). */
export type SyncStatus = SyncCoreStatus;

/** Options of a sync. */
export interface SyncOptions {
  /** Rows per push and per pull round trip (default 1000). */
  readonly batch?: number;
  readonly onProgress?: (p: Progress) => void;
  /** A password from the app's key store; else PGPASSWORD or ~/.pgpass. */
  readonly password?: string;
}

const DEFAULT_BATCH = 1000;

function target(url: string, caFile: string | undefined, password: string | undefined): RemoteTarget {
  return { url, ...(caFile === undefined ? {} : { caFile }), ...(password === undefined ? {} : { password }) };
}

async function keysFor(store: SyncStore, remote: PgRemote, vaultId: string): Promise<SyncKeys> {
  const record = await remote.vault(vaultId);
  if (record === undefined)
    throw new DocvaultError('NotFound', `The remote vault ${vaultId} is not on ${remote.url.display}, or this login is not a member of it`, { vault: vaultId });
  const keys = await store.syncKeys(vaultId);
  try {
    verifyCheck(keys, record.check);
  } catch (err) {
    wipeSyncKeys(keys);
    throw err;
  }
  return keys;
}

/**
 * Pushes the whole outbox, batch by batch: the files a batch's versions list first, then the batch, marked
 * pushed once the server has it.
 */
async function pushAll(cx: FileSyncContext & { readonly store: SyncStore }, batch: number): Promise<{ pushed: number; files: number }> {
  const { store, remote, keys, vaultId, onProgress } = cx;
  let pushed = 0;
  let files = 0;
  const total = (await store.syncState()).pending;
  for (;;) {
    const outbox = await store.syncOutbox(batch);
    if (outbox.length === 0) return { pushed, files };
    const ready = await pushFiles(cx, outbox);
    files += ready.files;
    const rows = ready.entries.map((e) => sealRow(keys, e.payload));
    pushed += await remote.push(vaultId, rows);
    await store.markPushed(ready.entries);
    onProgress?.({ done: Math.min(total, pushed), total, phase: 'push' });
  }
}

function openAll(keys: SyncKeys, rows: readonly PulledSealedRow[]): PulledRow[] {
  return rows.map((r) => {
    try {
      return { seq: r.seq, payload: openRow(keys, r, r.seq) };
    } catch (err) {
      return { seq: r.seq, error: serializeError(err).message };
    }
  });
}

/** Files fetched for these rows (counted in `files`), then the rows applied. */
async function apply(cx: FileSyncContext & { readonly store: SyncStore }, opened: readonly PulledRow[], lastSeq: number, me: string | undefined, files: { n: number }): Promise<ApplyReport> {
  const received = await fetchFiles(cx, opened, me);
  const report = await cx.store.applyPulled(opened, lastSeq, received);
  files.n += received.filter((f) => 'uploadId' in f).length;
  return report;
}

type PullReport = Pick<SyncReport, 'pulled' | 'conflicts' | 'rejected' | 'filesPulled'>;

/**
 * Pulls again the rows held back by earlier syncs (their files were missing on the server), then
 * everything after the last number seen, applying each batch in one local transaction.
 */
async function pullAll(cx: FileSyncContext & { readonly store: SyncStore }, batch: number): Promise<PullReport> {
  const { store, remote, keys, vaultId, onProgress } = cx;
  const state = await store.syncState();
  let after = state.lastSeq;
  let pulled = 0;
  let conflicts = 0;
  let rejected = 0;
  const files = { n: 0 };
  const add = (r: ApplyReport): void => {
    pulled += r.applied;
    conflicts += r.conflicts;
    rejected += r.rejected;
  };
  const held = await store.syncHeld();
  for (let i = 0; i < held.length; i += batch) {
    const rows = await remote.pullSeqs(vaultId, held.slice(i, i + batch).map((h) => h.seq));
    add(await apply(cx, openAll(keys, rows), after, state.device, files));
  }
  const top = onProgress === undefined ? 0 : await remote.lastSeq(vaultId);
  for (;;) {
    const rows = await remote.pull(vaultId, after, batch);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.seq ?? after;
    add(await apply(cx, openAll(keys, rows), after, state.device, files));
    onProgress?.({ done: after, total: Math.max(top, after), phase: 'pull' });
    if (rows.length < batch) break;
  }
  return { pulled, conflicts, rejected, filesPulled: files.n };
}

/** One sync of an attached vault: push, then pull. `Invalid` when the vault has no remote. */
export async function syncVault(store: SyncStore, opts: SyncOptions = {}): Promise<SyncReport> {
  const state = await store.syncState();
  if (state.remoteUrl === undefined || state.remoteVault === undefined)
    throw new DocvaultError('Invalid', 'This vault has no remote: run `docvault remote set URL` (or clone one)');
  const batch = opts.batch ?? DEFAULT_BATCH;
  const remote = await PgRemote.connect(target(state.remoteUrl, state.caFile, opts.password));
  let keys: SyncKeys | undefined;
  try {
    keys = await keysFor(store, remote, state.remoteVault);
    const cx = { store, remote, keys, vaultId: state.remoteVault, onProgress: opts.onProgress };
    const pushed = await pushAll(cx, batch);
    const pulled = await pullAll(cx, batch);
    await store.markSynced();
    return { pushed: pushed.pushed, ...pulled, filesPushed: pushed.files, held: (await store.syncState()).held };
  } finally {
    wipeSyncKeys(keys);
    await remote.close();
  }
}

/** Options of {@link setRemote}. */
export interface SetRemoteOptions {
  readonly caFile?: string;
  readonly password?: string;
  /** Join this existing remote vault (32 hex) instead of the one the vault is attached to or a new one. */
  readonly remoteVault?: string;
}

/**
 * Attaches a vault to a server: to the remote vault it is already attached to (a new URL or CA), to the one
 * named, or to a new remote vault whose only member is this login. The key is checked against an existing
 * remote vault first (`WrongKey`). Stores the URL without its password.
 */
export async function setRemote(store: SyncStore, url: string, opts: SetRemoteOptions = {}): Promise<{ remoteVault: string; created: boolean }> {
  const display = parseRemoteUrl(url).display;
  const remote = await PgRemote.connect(target(url, opts.caFile, opts.password));
  try {
    const state = await store.syncState();
    const wanted = opts.remoteVault ?? state.remoteVault;
    let created = false;
    let vaultId: string;
    if (wanted !== undefined && (await remote.vault(wanted)) !== undefined) {
      vaultId = wanted;
      wipeSyncKeys(await keysFor(store, remote, vaultId));
    } else if (opts.remoteVault !== undefined) {
      throw new DocvaultError('NotFound', `The remote vault ${opts.remoteVault} is not on ${display}, or this login is not a member of it`);
    } else {
      vaultId = randomBytes(16).toString('hex');
      const keys = await store.syncKeys(vaultId);
      try {
        await remote.createVault(vaultId, await store.kdfSalt(), sealCheck(keys));
      } finally {
        wipeSyncKeys(keys);
      }
      created = true;
    }
    await store.attachRemote({ url: display, ...(opts.caFile === undefined ? {} : { caFile: opts.caFile }), remoteVault: vaultId });
    return { remoteVault: vaultId, created };
  } finally {
    await remote.close();
  }
}

/** Options of {@link cloneVault}. */
export interface CloneOptions {
  /** Where the new vault goes (nothing may be there). */
  readonly path: string;
  /** The key of the remote vault: its passphrase or raw key. */
  readonly key: KeySpec;
  readonly caFile?: string;
  readonly password?: string;
  /** Which remote vault, when the login is a member of several. */
  readonly remoteVault?: string;
  readonly batch?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly nativeBinding?: string;
}

function pickVault(vaults: readonly RemoteVaultRecord[], wanted: string | undefined, display: string): RemoteVaultRecord {
  if (wanted !== undefined) {
    const v = vaults.find((x) => x.vaultId === wanted);
    if (v === undefined) throw new DocvaultError('NotFound', `The remote vault ${wanted} is not on ${display}, or this login is not a member of it`);
    return v;
  }
  if (vaults.length === 1 && vaults[0] !== undefined) return vaults[0];
  throw new DocvaultError(
    vaults.length === 0 ? 'NotFound' : 'Invalid',
    vaults.length === 0 ? `No remote vault on ${display} that this login is a member of` : `This login is a member of ${vaults.length} remote vaults: name one (${vaults.map((v) => v.vaultId).join(', ')})`,
  );
}

/** The raw key `key` stands for in remote vault `record`; `WrongKey` when it does not fit. The caller wipes it. */
async function rawKeyFor(record: RemoteVaultRecord, key: KeySpec): Promise<{ raw: Buffer; salt: Buffer | undefined }> {
  if ('encryption' in key) throw new DocvaultError('Invalid', 'A team vault is always encrypted: give its passphrase or key');
  if ('rawKey' in key) return { raw: parseRawKey(key.rawKey), salt: undefined };
  if (record.kdfSalt === null) throw new DocvaultError('WrongKey', 'This remote vault was made with a raw key: clone it with --key-file');
  const salt = Buffer.from(record.kdfSalt, 'hex');
  const params = KDF_PROFILES[profileOfSalt(salt) ?? -1];
  if (params === undefined) throw new DocvaultError('Invalid', 'The remote vault names an unknown key-derivation profile');
  return { raw: await deriveKey(key.passphrase, salt, params), salt };
}

/**
 * Makes a new local vault from a remote one: checks the key against the remote vault first (`WrongKey`,
 * and nothing is created), creates the vault with that key (a passphrase with the remote vault's KDF salt,
 * so both give the same key), attaches it, and pulls everything. A clone cut short is a vault whose next
 * `sync` finishes it.
 */
export async function cloneVault(url: string, opts: CloneOptions): Promise<{ vault: Vault; remoteVault: string; report: SyncReport }> {
  const remote = await PgRemote.connect(target(url, opts.caFile, opts.password));
  let vault: Vault | undefined;
  let remoteVault: string;
  try {
    const record = pickVault(await remote.vaults(), opts.remoteVault, remote.url.display);
    remoteVault = record.vaultId;
    const { raw, salt } = await rawKeyFor(record, opts.key);
    try {
      const keys = deriveSyncKeys(raw, Buffer.from(record.vaultId, 'hex'));
      try {
        verifyCheck(keys, record.check);
      } finally {
        wipeSyncKeys(keys);
      }
      const binding = opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding };
      vault = salt === undefined ? Vault.createSync(opts.path, { key: { rawKey: raw }, ...binding }) : await Vault.create(opts.path, { key: opts.key, kdfSalt: salt, ...binding });
    } finally {
      wipe(raw);
    }
    vault.attachRemote({ url: remote.url.display, ...(opts.caFile === undefined ? {} : { caFile: opts.caFile }), remoteVault });
  } catch (err) {
    vault?.close();
    throw err;
  } finally {
    await remote.close();
  }
  try {
    const report = await syncVault(vault, {
      ...(opts.batch === undefined ? {} : { batch: opts.batch }),
      ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
      ...(opts.password === undefined ? {} : { password: opts.password }),
    });
    return { vault, remoteVault, report };
  } catch (err) {
    // The vault stays: what was pulled is kept, and its next sync goes on from there.
    vault.close();
    throw err;
  }
}

/**
 * The window's handle on team sync for one open vault: status, sync now, set the remote. One sync runs at
 * a time (a second `syncNow` while one runs waits for it and returns its report); the last error is kept
 * for `status` until a sync succeeds.
 */
export class TeamSync {
  readonly #store: SyncStore;
  readonly #password: () => Promise<string | undefined>;
  #running: Promise<SyncReport> | undefined;
  #error: SerializedError | null = null;

  constructor(store: SyncStore, opts: { readonly password?: () => Promise<string | undefined> } = {}) {
    this.#store = store;
    this.#password = opts.password ?? (() => Promise.resolve(undefined));
  }

  /** Where the vault syncs, when it last did, what waits, conflicts, and the last error. Never touches the network. */
  async status(): Promise<SyncStatus> {
    const s = await this.#store.syncState();
    return {
      remote: s.remoteUrl ?? null,
      lastSync: s.lastSync ?? null,
      pending: s.pending,
      conflicts: s.conflicts,
      rejected: s.rejected,
      held: s.held,
      syncing: this.#running !== undefined,
      error: this.#error,
    };
  }

  /** Pushes and pulls now: `{ pushed, pulled, conflicts, rejected }`. */
  syncNow(onProgress?: (p: Progress) => void): Promise<SyncReport> {
    if (this.#running !== undefined) return this.#running;
    const run = (async () => {
      try {
        const password = await this.#password();
        const report = await syncVault(this.#store, { ...(password === undefined ? {} : { password }), ...(onProgress === undefined ? {} : { onProgress }) });
        this.#error = null;
        return report;
      } catch (err) {
        this.#error = serializeError(err);
        throw err;
      } finally {
        this.#running = undefined;
      }
    })();
    this.#running = run;
    return run;
  }

  /** Attaches the vault to `url` (password stripped before it is stored), verifying TLS with `caFile` when given. */
  async setRemote(url: string, caFile?: string): Promise<SyncStatus> {
    const password = await this.#password();
    await setRemote(this.#store, url, { ...(caFile === undefined ? {} : { caFile }), ...(password === undefined ? {} : { password }) });
    this.#error = null;
    return this.status();
  }
}
