/**
 * The window's team-vault controller for the open vault: wraps {@link TeamSync} over the app's store,
 * runs the background sync ({@link SyncScheduler}) while unlocked and attached, and pushes `sync.changed`
 * (the status) and `progress` (`op: 'sync.now'`) events. Offline first: no channel here waits on the
 * network except `sync.now` and `remote.set`, which the user asked for; the status never does.
 *
 * The database password comes from `password()` (the shell's OS key store, when it has one) or else
 * PGPASSWORD / ~/.pgpass, read by the client; it is never stored in the vault, logged, or sent to a window.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { PushEvent } from '../../shared/contract';
import { DocvaultError } from '../../shared/errors';
import type { SyncConflict, SyncReport, SyncStatus } from '../../shared/team';
import type { DetachedRemote } from '../../main/storage';
import type { KeyStore } from '../key-store';
import { SyncScheduler } from './sync-scheduler';
import { TeamSync, type SyncStore } from './team-sync';

/** The store the panel runs on: the sync calls, and detach. */
export type PanelStore = SyncStore & { detachRemote(): DetachedRemote | undefined | Promise<DetachedRemote | undefined> };

/** Options of {@link TeamPanel}. */
export interface TeamPanelOptions {
  readonly emit: (e: PushEvent) => void;
  /** The background sync period in seconds (the setting); 0 = off. */
  readonly intervalSeconds: () => number;
  /** A database password from elsewhere (tests); else the password store's; else PGPASSWORD or ~/.pgpass. */
  readonly password?: () => Promise<string | undefined>;
  /** Keeps database passwords per vault path in the OS keychain (Electron); absent: none are kept. */
  readonly passwordStore?: KeyStore;
  /** Where a pasted CA certificate is kept: `<vault>.remote-ca.pem` beside the vault file. */
  readonly vaultPath: () => string;
}

/** Longest CA text accepted (a chain of a few certificates). */
export const CA_PEM_MAX_CHARS = 64 * 1024;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;

/**
 * Checks a pasted CA: one or more PEM certificates and nothing else (no private key, no stray text), so
 * what is written to disk is only public certificates. `Invalid` otherwise.
 */
export function checkCaPem(pem: string): string {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  const rest = pem.replace(PEM_BLOCK, '').trim();
  if (blocks.length === 0 || rest !== '') throw new DocvaultError('Invalid', 'The CA must be one or more PEM certificates (-----BEGIN CERTIFICATE----- …), and nothing else');
  return `${blocks.join('\n')}\n`;
}

/** The team-vault side of one backend; see the file comment. */
export class TeamPanel {
  readonly #opts: TeamPanelOptions;
  readonly #scheduler: SyncScheduler;
  #sync: TeamSync | undefined;
  #store: PanelStore | undefined;

  constructor(opts: TeamPanelOptions) {
    this.#opts = opts;
    this.#scheduler = new SyncScheduler({
      run: () => this.#run(),
      intervalSeconds: opts.intervalSeconds,
      onSchedule: () => void this.#announce(),
    });
  }

  /** The vault was unlocked (a store) or locked (undefined): start or stop the background sync. */
  async setStore(store: PanelStore | undefined): Promise<void> {
    this.#scheduler.stop();
    this.#store = store;
    this.#sync = store === undefined ? undefined : this.#newSync(store);
    if (store !== undefined && (await this.#attached())) this.#scheduler.start();
  }

  /** The period setting changed. */
  settingsChanged(): void {
    this.#scheduler.reschedule();
  }

  /** The status; never touches the network. `Closed` while locked. */
  async status(): Promise<SyncStatus> {
    return this.#statusOf(this.#open());
  }

  async #statusOf(sync: TeamSync): Promise<SyncStatus> {
    const ps = this.#opts.passwordStore;
    const canKeepPassword = ps !== undefined && (await ps.available().catch(() => false));
    const passwordKept = canKeepPassword && (await ps.has(this.#opts.vaultPath()).catch(() => false));
    return { ...(await sync.status()), nextSync: this.#scheduler.nextAt, canKeepPassword, passwordKept };
  }

  /** The database password: the option's, else the one kept for this vault, else undefined (PGPASSWORD, ~/.pgpass). */
  async #password(): Promise<string | undefined> {
    const given = await this.#opts.password?.();
    if (given !== undefined) return given;
    return this.#opts.passwordStore?.load(this.#opts.vaultPath()).catch(() => undefined);
  }

  /** Syncs now (or joins the sync under way); progress as `progress` events with `op: 'sync.now'`. */
  async syncNow(): Promise<SyncReport> {
    let ok = false;
    try {
      const r = await this.#run();
      ok = true;
      return r;
    } finally {
      this.#scheduler.ranOutside(ok);
    }
  }

  /**
   * Attaches the vault to `url` (no password in it: the client refuses one there). `ca`: PEM text, kept as
   * `<vault>.remote-ca.pem` (mode 0600) so the CLI can use it too; or an absolute path to a CA file.
   */
  async setRemote(url: string, ca: string | undefined, password?: string): Promise<SyncStatus> {
    const sync = this.#open();
    if (password !== undefined) return this.#withNewPassword(password, () => this.setRemote(url, ca));
    let caFile: string | undefined;
    if (ca !== undefined && ca.trimStart().startsWith('-----BEGIN')) {
      caFile = `${this.#opts.vaultPath()}.remote-ca.pem`;
      writeFileSync(caFile, checkCaPem(ca), { mode: 0o600 });
    } else if (ca !== undefined) {
      if (!isAbsolute(ca)) throw new DocvaultError('Invalid', 'remote.set: ca must be PEM text or an absolute path to a CA file');
      caFile = ca;
    }
    await sync.setRemote(url, caFile);
    this.#scheduler.start();
    await this.#announce();
    return this.status();
  }

  /**
   * Runs `attach` with `password` kept for this vault, and keeps it only if the attach succeeds (a wrong
   * password leaves the one kept before, or none).
   */
  async #withNewPassword(password: string, attach: () => Promise<SyncStatus>): Promise<SyncStatus> {
    const ps = this.#opts.passwordStore;
    if (ps === undefined || !(await ps.available().catch(() => false)))
      throw new DocvaultError('Invalid', 'This app cannot keep a password safely here (no OS keychain): set PGPASSWORD or a ~/.pgpass line instead');
    const path = this.#opts.vaultPath();
    const before = await ps.load(path).catch(() => undefined);
    await ps.save(path, password);
    try {
      return await attach();
    } catch (err) {
      if (before === undefined) await ps.forget(path);
      else await ps.save(path, before);
      throw err;
    }
  }

  /**
   * Detaches the vault (`remote.clear`): the background sync stops; the remote, the sync state, the password
   * kept for this vault and the CA file kept beside it are forgotten; every document and version stays.
   * `Conflict` while a sync runs (it would re-attach nothing, but its end would write sync state).
   */
  async detach(): Promise<SyncStatus> {
    const sync = this.#open();
    const store = this.#store as PanelStore;
    // The clock first: a background sync must not start between the check and the detach.
    this.#scheduler.stop();
    if ((await sync.status()).syncing) {
      if (await this.#attached()) this.#scheduler.start();
      throw new DocvaultError('Conflict', 'A sync is under way: wait for it to end, then detach');
    }
    const was = await store.detachRemote();
    const path = this.#opts.vaultPath();
    await this.#opts.passwordStore?.forget(path).catch(() => undefined);
    if (was?.caFile === `${path}.remote-ca.pem`) rmSync(was.caFile, { force: true });
    // A fresh handle: the last sync's error belongs to the remote that is gone.
    this.#sync = this.#newSync(store);
    await this.#announce();
    return this.status();
  }

  #newSync(store: PanelStore): TeamSync {
    return new TeamSync(store, { password: () => this.#password() });
  }

  /** Documents with a conflict to settle, each with the two versions to compare. */
  async conflicts(): Promise<SyncConflict[]> {
    this.#open();
    const store = this.#store;
    return store === undefined ? [] : await store.syncConflicts();
  }

  /** Stops the background sync for good (app quit). */
  stop(): void {
    this.#scheduler.stop();
  }

  #open(): TeamSync {
    if (this.#sync === undefined) throw new DocvaultError('Closed', 'The vault is locked: unlock it first');
    return this.#sync;
  }

  async #attached(): Promise<boolean> {
    return (await this.#sync?.status())?.remote != null;
  }

  async #run(): Promise<SyncReport> {
    const sync = this.#open();
    const started = Date.now();
    const running = sync.syncNow((p) => {
      if (Date.now() - started > 250) this.#opts.emit({ event: 'progress', data: { ...p, op: 'sync.now' } });
    });
    void this.#announce();
    try {
      const report = await running;
      if (report.pulled > 0) this.#opts.emit({ event: 'docs.changed', data: { count: report.pulled } });
      return report;
    } finally {
      await this.#announce();
    }
  }

  /** Pushes the status to every window. Silent while locked (or when the store closed under it). */
  async #announce(): Promise<void> {
    const sync = this.#sync;
    if (sync === undefined) return;
    try {
      this.#opts.emit({ event: 'sync.changed', data: await this.#statusOf(sync) });
    } catch {
      // Locked between the check and the read: the next unlock announces afresh.
    }
  }
}
