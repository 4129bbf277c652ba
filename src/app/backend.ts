/**
 * The app's side of the contract: one object per vault path that implements every channel on top of
 * the storage layer, holds the key only while unlocked, and emits push events. Transport-agnostic and
 * free of electron: IPC (src/main/ipc.ts) and HTTP (src/web) both call it through src/app/handlers.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackupCreated, BackupRestored, ChannelInputs, ChannelOutputs, PushEvent, UnlockInput, VaultStatus } from '../shared/contract';
import { DocvaultError, isDocvaultError } from '../shared/errors';
import type { AppSettings } from '../shared/live';
import type { KeySpec } from '../main/storage';
import { attachmentChannels } from './attachment-channels';
import { documentChannels } from './document-channels';
import { changePassphrase, createBackup, restoreBackup, type BackupHost } from './backup-restore';
import { listBackups } from './backups';
import { BenchPanel } from './bench-panel';
import { ExternalChanges } from './external-changes';
import { isEncryptedFile, vaultFacts } from './facts';
import { IdleLock } from './idle-lock';
import type { KeyStore } from './key-store';
import { LiveStats } from './live-stats';
import { ChannelLimiter, processUnlockThrottle, type ChannelLimits, type UnlockThrottle } from './rate-limit';
import { SETTINGS_FILE, SettingsStore } from './settings';
import { CloneJob } from './sync/clone-job';
import { TeamPanel } from './sync/team-panel';
import { checkKey, deriveRawKeyHex, serviceStoreFactory, type Store, type StoreFactory, type StoreOptions } from './store';
import { TransferJobs } from './transfer/jobs';
import { UnlockAudit } from './unlock-audit';
import type { PathPicker } from './transfer/paths';

/** Options of {@link DocvaultBackend}. */
export interface BackendOptions extends StoreOptions {
  readonly vaultPath: string;
  /** How stores are opened; default: the StorageService (worker threads). */
  readonly storeFactory?: StoreFactory;
  /** Absent in the web twin: "remember on this device" is an Electron feature. */
  readonly keyStore?: KeyStore;
  /** Stats tick period while someone watches, ms. Default 1000. */
  readonly statsIntervalMs?: number;
  /** The app's data directory (settings, past benchmark runs); absent: settings live in memory only. */
  readonly appDataDir?: string;
  /** Parent folder of the benchmark panel's scratch folders. Default: the OS temp folder. */
  readonly benchScratchRoot?: string;
  /** Per-channel token buckets at the boundary (both transports); default {@link DEFAULT_CHANNEL_LIMITS}. */
  readonly channelLimits?: Partial<ChannelLimits>;
  /** Back-off of wrong passphrases; default the process's one ({@link processUnlockThrottle}). */
  readonly unlockThrottle?: UnlockThrottle;
  /** A team-vault database password from elsewhere (tests); absent: the password store, then PGPASSWORD or ~/.pgpass. */
  readonly remotePassword?: () => Promise<string | undefined>;
  /** Where team-vault database passwords are kept, per vault (Electron: safeStorage); absent in the web twin. */
  readonly passwordStore?: KeyStore;
  /** The system dialog that picks import and export paths (Electron). */
  readonly pathPicker?: PathPicker;
  /** Whether import and export take typed paths (the web twin, which has no system dialog). Default false. */
  readonly typedPaths?: boolean;
  /** Tests only: an import waits after each committed batch until it is cancelled (see TransferJobs). */
  readonly holdTransfersForTests?: boolean;
}

/** Channels a window calls on its own (not user activity), and that are not timed as the vault's work. */
const BACKGROUND_CHANNELS: ReadonlySet<string> = new Set(['vault.status', 'vault.stats', 'vault.facts', 'stats.subscribe', 'stats.unsubscribe', 'settings.get', 'app.activity', 'sync.status', 'transfer.info']);

type Handler<C extends keyof ChannelInputs> = (input: ChannelInputs[C]) => Promise<ChannelOutputs[C]>;

/** Implements every channel of the contract. See src/shared/contract.ts for what each does. */
export class DocvaultBackend {
  #path: string;
  #store: Store | undefined;
  /** Serializes open/close so a lock cannot race an unlock. */
  #lifecycle: Promise<unknown> = Promise.resolve();
  readonly #opts: BackendOptions;
  readonly #factory: StoreFactory;
  readonly #listeners = new Set<(e: PushEvent) => void>();
  /** The look for commits by other processes while a window listens. */
  readonly #outside: ExternalChanges;
  readonly #live: LiveStats;
  readonly #settings: SettingsStore;
  readonly #idle: IdleLock;
  readonly #bench: BenchPanel;
  /** Passphrase attempts under the unlock back-off, and the audit entries this backend records (./unlock-audit.ts). */
  readonly #unlocks: UnlockAudit;
  readonly #team: TeamPanel;
  readonly #clone: CloneJob;
  readonly #transfers: TransferJobs;
  /** What backup, restore and change of passphrase use of this backend (./backup-restore.ts). */
  readonly #host: BackupHost;
  /** Token buckets per channel, taken by the request handler of every transport over this backend. */
  readonly limiter: ChannelLimiter;

  constructor(opts: BackendOptions) {
    this.#opts = opts;
    this.#path = opts.vaultPath;
    this.#factory = opts.storeFactory ?? serviceStoreFactory;
    this.#unlocks = new UnlockAudit({ throttle: opts.unlockThrottle ?? processUnlockThrottle, path: () => this.#path, store: () => this.#store });
    this.limiter = new ChannelLimiter(opts.channelLimits);
    this.#live = new LiveStats({
      snapshot: () => this.#store?.stats(),
      emit: (data) => this.#emit({ event: 'stats.tick', data }),
      ...(opts.statsIntervalMs === undefined ? {} : { intervalMs: opts.statsIntervalMs }),
    });
    this.#outside = new ExternalChanges({ store: () => this.#store, emit: (e) => this.#emit(e), intervalMs: opts.statsIntervalMs ?? 1000 });
    this.#settings = new SettingsStore(opts.appDataDir === undefined ? undefined : join(opts.appDataDir, SETTINGS_FILE));
    this.#idle = new IdleLock({ lock: () => this.lock(), minutes: () => this.#settings.value.autoLockMinutes });
    this.#team = new TeamPanel({
      emit: (e) => this.#emit(e),
      intervalSeconds: () => this.#settings.value.syncSeconds,
      vaultPath: () => this.#path,
      ...(opts.remotePassword === undefined ? {} : { password: opts.remotePassword }),
      ...(opts.passwordStore === undefined ? {} : { passwordStore: opts.passwordStore }),
    });
    this.#clone = new CloneJob({
      emit: (e) => this.#emit(e),
      vaultsDir: () => dirname(this.#path),
      adopt: async (path, key) => {
        const status = await this.switchTo(path, key);
        await this.#unlocks.audit({ event: 'vault.open', outcome: 'ok' });
        return status;
      },
      ...(opts.remotePassword === undefined ? {} : { password: opts.remotePassword }),
      ...(opts.passwordStore === undefined ? {} : { passwordStore: opts.passwordStore }),
      ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
    });
    this.#transfers = new TransferJobs({
      store: () => this.#open(),
      emit: (e) => this.#emit(e),
      audit: (r) => this.#unlocks.audit(r),
      typedPaths: opts.typedPaths === true,
      ...(opts.pathPicker === undefined ? {} : { picker: opts.pathPicker }),
      ...(opts.holdTransfersForTests === true ? { holdAfterBatch: true } : {}),
    });
    this.#host = {
      vaultPath: () => this.#path,
      options: opts,
      keyStore: opts.keyStore,
      open: () => this.#open(),
      openStore: (key) => this.#factory.open(this.#path, key, this.#storeOptions()),
      setStore: (store, announce) => this.#setStore(store, announce),
      attempt: (fn) => this.#unlocks.attempt(fn),
      checkThrottle: () => this.#unlocks.checkThrottle(),
      audit: (record) => this.#unlocks.audit(record),
      emit: (e) => this.#emit(e),
      status: () => this.status(),
    };
    this.#bench = new BenchPanel({
      emit: (e) => this.#emit(e),
      ...(opts.appDataDir === undefined ? {} : { appDataDir: opts.appDataDir }),
      ...(opts.benchScratchRoot === undefined ? {} : { scratchRoot: opts.benchScratchRoot }),
    });
  }

  /** The benchmark panel's controller (tests wait on its runs). */
  get bench(): BenchPanel {
    return this.#bench;
  }

  /** The app's settings. */
  get settings(): AppSettings {
    return this.#settings.value;
  }

  /**
   * A request finished (the handler calls this for every one): times it for the live stats and counts it
   * as user activity for the auto-lock, unless a window makes it on its own.
   */
  noteCall(channel: string, ms: number, failed: boolean): void {
    if (BACKGROUND_CHANNELS.has(channel)) return;
    this.#idle.touch();
    this.#live.record(channel, ms, failed);
  }

  /** The store options with the settings applied (memory mode, cache size, readers: read at every open). */
  #storeOptions(): StoreOptions {
    const s = this.#settings.value;
    return {
      ...this.#opts,
      // An older vault is upgraded as it opens (minutes at a million documents): the window shows how far.
      onMigration: (p) => this.#emit({ event: 'progress', data: { ...p, op: 'vault.unlock' } }),
      memoryMode: s.memoryMode,
      ...(s.cacheMiB === null ? {} : { cacheBytes: s.cacheMiB * 1024 * 1024 }),
      ...(s.readers === null ? {} : { readers: s.readers }),
    };
  }

  /** Path of the current vault file. */
  get vaultPath(): string {
    return this.#path;
  }

  /** True while a store is open. */
  get isUnlocked(): boolean {
    return this.#store !== undefined;
  }

  // ------------------------------------------------------------------ events

  /** Subscribes to push events; returns the unsubscribe function. */
  subscribe(listener: (e: PushEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#updateWatch();
    return () => {
      this.#listeners.delete(listener);
      this.#updateWatch();
      // Nobody left to receive ticks: watchers of windows that vanished without unsubscribing go too.
      if (this.#listeners.size === 0) this.#live.clear();
    };
  }

  #emit(e: PushEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // A broken listener (closed window, dropped connection) must not fail the call that emitted.
      }
    }
  }

  /** While a window listens and the vault is open, look for commits by other processes (./external-changes.ts). */
  #updateWatch(): void {
    this.#outside.update(this.#store !== undefined && this.#listeners.size > 0);
  }

  // ------------------------------------------------------------------ lifecycle

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lifecycle.then(fn, fn);
    this.#lifecycle = run.catch(() => undefined);
    return run;
  }

  #open(): Store {
    const s = this.#store;
    if (s === undefined) throw new DocvaultError('Closed', 'The vault is locked: unlock it first');
    return s;
  }

  /** Installs `store` (undefined: locked). `announce: false` keeps the windows' state for a moment (a restore's swap). */
  async #setStore(store: Store | undefined, announce = true): Promise<VaultStatus> {
    // An import or export runs on the open store: it stops (cleanly, between two documents) before the store goes.
    if (store !== this.#store) await this.#transfers.stop();
    const old = this.#store;
    this.#store = store;
    this.#outside.reset();
    if (old !== undefined && old !== store) await old.close();
    this.#updateWatch();
    this.#live.setOpen(store !== undefined);
    this.#idle.setUnlocked(store !== undefined);
    await this.#team.setStore(store);
    const status = await this.status();
    if (announce) this.#emit({ event: 'vault.changed', data: status });
    return status;
  }

  /** The vault's state. Never throws for a missing or locked vault. */
  async status(): Promise<VaultStatus> {
    const ks = this.#opts.keyStore;
    const canRemember = ks !== undefined && (await ks.available().catch(() => false));
    return {
      state: this.#store !== undefined ? 'unlocked' : existsSync(this.#path) ? 'locked' : 'missing',
      path: this.#path,
      canRemember,
      remembered: canRemember && ks !== undefined ? await ks.has(this.#path).catch(() => false) : false,
      encrypted: isEncryptedFile(this.#path),
    };
  }

  /** Creates a new vault at the current path and keeps it open. `AlreadyExists` if a file is there. */
  create(passphrase: string, remember = false): Promise<VaultStatus> {
    return this.#serial(async () => {
      const store = await this.#factory.create(this.#path, { passphrase }, this.#storeOptions());
      if (remember) await this.#remember(passphrase);
      return this.#setStore(store);
    });
  }

  /**
   * Opens the vault with a passphrase, a raw key (key file) or, for a plain vault, none. `WrongKey` leaves it
   * as it was. When the vault is already open, the key is only checked against the file on a separate
   * connection: a wrong one fails for the caller alone, and every other window stays unlocked.
   */
  unlock(input: UnlockInput): Promise<VaultStatus> {
    return this.#serial(async () => {
      // Refused while the back-off lasts, before any key derivation runs.
      await this.#unlocks.checkThrottle();
      const remember = 'remember' in input && input.remember === true && (await this.#canRemember());
      let key: KeySpec;
      if ('passphrase' in input) {
        const raw = remember ? await deriveRawKeyHex(this.#path, input.passphrase).catch(() => undefined) : undefined;
        key = raw !== undefined ? { rawKey: raw } : { passphrase: input.passphrase };
      } else if ('rawKey' in input) key = { rawKey: input.rawKey.toLowerCase() };
      else key = { encryption: false };
      await this.#unlocks.attempt(async () => {
        if (this.#store !== undefined) await checkKey(this.#path, key, this.#storeOptions());
        else {
          await this.#setStore(await this.#factory.open(this.#path, key, this.#storeOptions()));
          await this.#unlocks.audit({ event: 'vault.open', outcome: 'ok' });
        }
      });
      if (remember && 'rawKey' in key) await this.#opts.keyStore?.save(this.#path, typeof key.rawKey === 'string' ? key.rawKey : Buffer.from(key.rawKey).toString('hex'));
      return this.status();
    });
  }

  /**
   * Opens the vault with the key remembered on this device, if any. Returns false when there is none
   * or it no longer fits (then it is forgotten, and the user types the passphrase).
   */
  unlockRemembered(): Promise<boolean> {
    return this.#serial(async () => {
      const ks = this.#opts.keyStore;
      if (ks === undefined || this.#store !== undefined || !existsSync(this.#path)) return this.#store !== undefined;
      const raw = await ks.load(this.#path).catch(() => undefined);
      if (raw === undefined) return false;
      try {
        await this.#setStore(await this.#factory.open(this.#path, { rawKey: raw }, this.#storeOptions()));
        await this.#unlocks.audit({ event: 'vault.open', outcome: 'ok' });
        return true;
      } catch (err) {
        if (isDocvaultError(err, 'WrongKey') || isDocvaultError(err, 'Invalid')) await ks.forget(this.#path);
        return false;
      }
    });
  }

  /** Closes the store and forgets the key held in memory. */
  lock(): Promise<VaultStatus> {
    return this.#serial(() => this.#setStore(undefined));
  }

  /** Forgets the remembered key of the current vault. */
  async forget(): Promise<VaultStatus> {
    await this.#opts.keyStore?.forget(this.#path);
    const status = await this.status();
    this.#emit({ event: 'vault.changed', data: status });
    return status;
  }

  /** Switches to another vault file (Open vault… / New vault…, a clone): locks the current one first; opens the new one with `key`. */
  switchTo(path: string, key?: KeySpec): Promise<VaultStatus> {
    return this.#serial(async () => {
      await this.#transfers.stop();
      const old = this.#store;
      this.#store = undefined;
      await this.#team.setStore(undefined);
      await old?.close();
      this.#path = path;
      return this.#setStore(key === undefined ? undefined : await this.#factory.open(path, key, this.#storeOptions()));
    });
  }

  /** Closes the store for good (app quit). */
  async close(): Promise<void> {
    await this.#serial(async () => {
      await this.#transfers.stop();
      const old = this.#store;
      this.#store = undefined;
      this.#live.stop();
      this.#idle.stop();
      this.#team.stop();
      this.#clone.cancel();
      await this.#bench.cancel();
      await old?.close();
    });
    this.#listeners.clear();
    this.#updateWatch();
  }

  async #canRemember(): Promise<boolean> {
    return this.#opts.keyStore !== undefined && (await this.#opts.keyStore.available().catch(() => false));
  }

  async #remember(passphrase: string): Promise<void> {
    if (!(await this.#canRemember())) return;
    const raw = await deriveRawKeyHex(this.#path, passphrase);
    if (raw !== undefined) await this.#opts.keyStore?.save(this.#path, raw);
  }

  // ------------------------------------------------------------------ changing the passphrase

  /**
   * Changes the passphrase: proves the current one (a wrong one leaves the vault open), locks the vault (the
   * change needs it closed everywhere), re-keys it by copy and
   * swap (`Vault.rekey`: old or new passphrase, never neither), and opens it with the new one. `passphrase`
   * is tried under the unlock back-off (`WrongKey` leaves the vault as it was, locked). A remembered key is
   * replaced by the new one.
   */
  changePassphrase(passphrase: string, newPassphrase: string): Promise<VaultStatus> {
    return this.#serial(() => changePassphrase(this.#host, passphrase, newPassphrase));
  }

  // ------------------------------------------------------------------ backups (./backup-restore.ts)

  /** Writes a verified backup of the open vault into its backups folder; progress as `progress` events. */
  async backup(): Promise<BackupCreated> {
    return createBackup(this.#host);
  }

  /**
   * Replaces the vault with the backup `name` from its backups folder: locks the vault, verifies the backup
   * with `passphrase` (`WrongKey`, `Integrity`: the vault stays as it was, locked), keeps the replaced file,
   * swaps, and opens the restored vault. A remembered key is replaced by the restored vault's.
   */
  restoreBackup(name: string, passphrase: string): Promise<BackupRestored> {
    return this.#serial(() => restoreBackup(this.#host, name, passphrase));
  }

  // ------------------------------------------------------------------ channels

  /** Every channel's implementation, keyed by channel name. */
  readonly channels: { [C in keyof ChannelInputs]: Handler<C> } = {
    'vault.status': async () => this.status(),
    'vault.create': async (i) => this.create(i.passphrase, i.remember ?? false),
    'vault.unlock': async (i) => this.unlock(i),
    'vault.lock': async () => this.lock(),
    'vault.forget': async () => this.forget(),
    'vault.stats': async () => this.#open().stats(),
    'vault.verify': async () => {
      const started = Date.now();
      const report = await this.#open().verify((p) => {
        if (Date.now() - started > 250) this.#emit({ event: 'progress', data: { ...p, op: 'vault.verify' } });
      });
      if (!report.ok) await this.#unlocks.audit({ event: 'integrity.failure', outcome: 'failed', count: report.problems.length });
      return report;
    },
    'audit.list': async (i) => this.#open().auditLog(i.limit === undefined ? {} : { limit: i.limit }),
    'vault.facts': async () => vaultFacts(await this.#open().stats()),
    'stats.subscribe': async () => {
      this.#open();
      return { id: this.#live.subscribe() };
    },
    'stats.unsubscribe': async (i) => {
      this.#live.unsubscribe(i.id);
      return null;
    },
    'settings.get': async () => this.#settings.value,
    'settings.set': async (i) => {
      const next = this.#settings.set(i);
      this.#idle.touch();
      if (i.syncSeconds !== undefined) this.#team.settingsChanged();
      this.#emit({ event: 'settings.changed', data: next });
      return next;
    },
    'app.activity': async () => {
      this.#idle.touch();
      return null;
    },
    'bench.catalog': async () => this.#bench.catalog(),
    'bench.start': async (i) => this.#bench.start(i),
    'bench.cancel': async () => {
      await this.#bench.cancel();
      return null;
    },
    'bench.runs': async () => this.#bench.runs(),
    'bench.export': async (i) => this.#bench.export(i.id, i.format),
    'vault.changePassphrase': async (i) => this.changePassphrase(i.passphrase, i.newPassphrase),
    'backup.create': async () => this.backup(),
    'backup.list': async () => listBackups(this.#path),
    'backup.restore': async (i) => this.restoreBackup(i.name, i.passphrase),
    'sync.status': async () => this.#team.status(),
    'sync.now': async () => this.#team.syncNow(),
    'sync.conflicts': async () => this.#team.conflicts(),
    'remote.set': async (i) => this.#team.setRemote(i.url, i.ca, i.password),
    'remote.clear': async () => this.#team.detach(),
    'clone.start': async (i) => this.#clone.start(i),
    'clone.cancel': async () => {
      this.#clone.cancel();
      return null;
    },
    'transfer.info': async () => this.#transfers.info(),
    'transfer.pick': async (i) => this.#transfers.pick(i.purpose),
    'transfer.import': async (i) => this.#transfers.startImport(i.source),
    'transfer.export': async (i) => this.#transfers.startExport(i),
    'transfer.cancel': async (i) => {
      this.#transfers.cancel(i.jobId);
      return null;
    },
    ...documentChannels(
      () => this.#open(),
      (e) => this.#emit(e),
    ),
    ...attachmentChannels(
      () => this.#open(),
      (e) => this.#emit(e),
    ),
  };
}
