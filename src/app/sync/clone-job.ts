/**
 * Cloning a team vault from the window (`clone.start` / `clone.cancel`): the CLI's clone
 * ({@link cloneVault}) run into a hidden file beside the target, renamed to the target only once everything
 * is pulled. A wrong key is refused before any file exists; a clone that fails part way (server gone, a
 * cancel) removes its hidden file, and the CA file it wrote, so the user never meets a half-made vault —
 * unlike the CLI, whose cut-short clone is a vault that `docvault sync` finishes. Then the backend switches
 * to the new vault, open.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloneDone, CloneRequest, PushEvent, VaultStatus } from '../../shared/contract';
import { DocvaultError } from '../../shared/errors';
import type { KeySpec } from '../../main/storage';
import type { KeyStore } from '../key-store';
import { checkCaPem } from './team-panel';
import { cloneVault } from './team-sync';

/** Options of {@link CloneJob}. */
export interface CloneJobOptions {
  readonly emit: (e: PushEvent) => void;
  /** The folder new vaults go to: where the app keeps its vault (the current vault's folder). */
  readonly vaultsDir: () => string;
  /** A database password from elsewhere (tests); else the request's; else PGPASSWORD or ~/.pgpass. */
  readonly password?: () => Promise<string | undefined>;
  /** Keeps the request's database password for the new vault (the OS keychain); absent: a password is refused. */
  readonly passwordStore?: KeyStore;
  readonly nativeBinding?: string;
  /** Pull batch size (tests use a small one to see progress and cancel between batches). Default 500. */
  readonly batch?: number;
  /** Switches the app to the new vault and opens it with `key`. */
  readonly adopt: (path: string, key: KeySpec) => Promise<VaultStatus>;
}

/** The progress `op` of a clone. */
export const CLONE_OP = 'clone.start';

function removeWithSidecars(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { force: true });
}

/** One clone at a time; see the file comment. */
export class CloneJob {
  readonly #opts: CloneJobOptions;
  #running: AbortController | undefined;

  constructor(opts: CloneJobOptions) {
    this.#opts = opts;
  }

  /** Stops the clone under way between two batches (it ends `Aborted`, leaving nothing). */
  cancel(): void {
    this.#running?.abort();
  }

  /** Clones `req` into the vault folder and opens the new vault; `Conflict` while another clone runs. */
  async start(req: CloneRequest): Promise<CloneDone> {
    if (this.#running !== undefined) throw new DocvaultError('Conflict', 'A clone is already under way: wait for it or cancel it');
    const ac = new AbortController();
    this.#running = ac;
    try {
      return await this.#clone(req, ac.signal);
    } finally {
      this.#running = undefined;
    }
  }

  async #clone(req: CloneRequest, signal: AbortSignal): Promise<CloneDone> {
    const key: KeySpec = req.rawKey !== undefined ? { rawKey: req.rawKey.toLowerCase() } : { passphrase: req.passphrase ?? '' };
    if (req.passphrase === undefined && req.rawKey === undefined) throw new DocvaultError('Invalid', 'clone.start: give the vault passphrase or its key');
    const ps = this.#opts.passwordStore;
    if (req.password !== undefined && (ps === undefined || !(await ps.available().catch(() => false))))
      throw new DocvaultError('Invalid', 'This app cannot keep a password safely here (no OS keychain): set PGPASSWORD or a ~/.pgpass line instead');
    const dir = this.#opts.vaultsDir();
    const target = join(dir, req.name);
    if (existsSync(target)) throw new DocvaultError('AlreadyExists', `A file named ${req.name} is already in ${dir}; docvault will not overwrite it: choose another name`, { path: target });
    const password = req.password ?? (await this.#opts.password?.());
    const caFile = req.ca === undefined ? undefined : `${target}.remote-ca.pem`;
    const tmp = join(dir, `.${req.name}.clone-${randomBytes(4).toString('hex')}`);
    const emit = (done: number, total: number, phase: string): void => this.#opts.emit({ event: 'progress', data: { done, total, phase, op: CLONE_OP } });
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (caFile !== undefined) writeFileSync(caFile, checkCaPem(req.ca ?? ''), { mode: 0o600 });
      emit(0, 0, 'connect');
      const r = await cloneVault(req.url, {
        path: tmp,
        key,
        ...(caFile === undefined ? {} : { caFile }),
        ...(password === undefined ? {} : { password }),
        ...(req.remoteVault === undefined ? {} : { remoteVault: req.remoteVault }),
        ...(this.#opts.nativeBinding === undefined ? {} : { nativeBinding: this.#opts.nativeBinding }),
        batch: this.#opts.batch ?? 500,
        onProgress: (p) => {
          // Thrown between two batches: cloneVault closes the half-made vault, and the catch below removes it.
          if (signal.aborted) throw new DocvaultError('Aborted', 'The clone was cancelled: nothing was kept');
          emit(p.done, p.total, p.phase ?? 'pull');
        },
      });
      r.vault.close();
      if (signal.aborted) throw new DocvaultError('Aborted', 'The clone was cancelled: nothing was kept');
      if (existsSync(`${tmp}-wal`)) throw new DocvaultError('Internal', 'The cloned vault was not closed cleanly; nothing was kept');
      // A link fails if the name was taken meanwhile (rename would overwrite it); the hidden name then goes.
      try {
        linkSync(tmp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new DocvaultError('AlreadyExists', `A file named ${req.name} appeared in ${dir} meanwhile; nothing was overwritten`, { path: target });
        throw err;
      }
      rmSync(tmp, { force: true });
      if (req.password !== undefined) await ps?.save(target, req.password);
      const status = await this.#opts.adopt(target, key);
      return { status, remoteVault: r.remoteVault, pulled: r.report.pulled, rejected: r.report.rejected };
    } catch (err) {
      removeWithSidecars(tmp);
      if (caFile !== undefined && !existsSync(target)) rmSync(caFile, { force: true });
      throw err;
    }
  }
}
