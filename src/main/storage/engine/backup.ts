/**
 * Backups and restoring from them.
 *
 * A backup is `VACUUM INTO` a temporary file beside the target: one read transaction, so it is a
 * consistent snapshot while other connections keep writing (WAL readers block no writer), and SQLite3
 * Multiple Ciphers writes it with the source's cipher, key and salt — an encrypted vault gives an
 * encrypted copy that opens with the same passphrase or key (tested). The copy is fsynced, opened and
 * verified in full, and only then renamed onto the target, so the target is either absent, the old file,
 * or a whole verified backup — never half of one. A process killed meanwhile leaves at most a hidden
 * `.<name>.partial-*` file beside the target.
 *
 * Restoring copies the backup beside the vault, verifies the copy (so what was checked is what is
 * installed), keeps the vault it replaces as `<vault>.before-restore-<time>` (a hard link, made before the
 * swap) and renames the copy over the vault: at every moment the vault path holds the old vault or the
 * restored one.
 */
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DocvaultError } from '../../../shared/errors';
import type { Progress, VerifyReport } from '../../../shared/types';
import { mapSqliteError, type ReadableDB } from './db';

/** Options of `Vault.backup`. */
export interface BackupOptions {
  /** Called as the backup goes: phase `copy` (pages), then `verify` (rows of the copy, as `verify` reports them). */
  readonly onProgress?: (p: Progress) => void;
  /** Replace a file already at the target (atomically, after the new backup verified). Default false: `AlreadyExists`. */
  readonly overwrite?: boolean;
}

/** What a finished backup is. */
export interface BackupReport {
  /** Absolute path of the backup file. */
  readonly path: string;
  readonly bytes: number;
  readonly documents: number;
  readonly versions: number;
  /** Time of the whole backup, verification included. */
  readonly durationMs: number;
}

/** What a restore did. */
export interface RestoreReport {
  /** The vault file that now holds the backup's contents. */
  readonly path: string;
  /** Where the vault it replaced was kept; undefined when there was none. */
  readonly keptAs: string | undefined;
  readonly documents: number;
  readonly versions: number;
}

/** A hidden temporary name beside `target`, so the final rename stays on one file system (atomic). */
function tempBeside(target: string, label: string): string {
  return join(dirname(target), `.${basename(target)}.${label}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function removeWithSidecars(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** fsyncs a file by path. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable: fsync the directory holding the entry (not possible on every platform). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; its renames are durable through the file system's own journal.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Checks a target path given by a caller: a non-empty string, not the vault itself. */
function targetPath(out: unknown, vaultPath: string, field: string): string {
  if (typeof out !== 'string' || out.length === 0 || out.includes('\0'))
    throw new DocvaultError('Invalid', `${field}: a file path is required`, { field });
  const abs = resolve(out);
  if (abs === resolve(vaultPath)) throw new DocvaultError('Invalid', `${field}: must not be the vault file itself`, { field });
  return abs;
}

/** How to open and verify a copy of this vault (the Vault supplies it: it holds the key). */
export type VerifyCopy = (path: string, onProgress?: (p: Progress) => void) => VerifyReport;

function refuseUnverified(report: VerifyReport, what: string): void {
  if (report.ok) return;
  const first = report.problems[0];
  throw new DocvaultError(
    'Integrity',
    `${what} did not verify: ${report.problems.length} problem(s)${first === undefined ? '' : `, first: ${first.message}`}`,
    { problems: report.problems.length },
  );
}

/**
 * Writes a verified backup of the vault open on `db` to `out`. `db` may be a reader's connection: the
 * copy writes only the new file (`query_only` is lifted for that one statement).
 */
export function backupVault(db: ReadableDB, vaultPath: string, out: string, verifyCopy: VerifyCopy, opts: BackupOptions = {}): BackupReport {
  const t0 = performance.now();
  const target = targetPath(out, vaultPath, 'out');
  if (db.inTransaction) throw new DocvaultError('Invalid', 'backup: not possible inside a transaction');
  if (existsSync(target) && opts.overwrite !== true)
    throw new DocvaultError('AlreadyExists', `A file already exists at ${target}; docvault will not overwrite it (pass overwrite)`, { path: target });
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = tempBeside(target, 'partial');
  const pages = db.pragma('page_count', { simple: true }) as number;
  opts.onProgress?.({ done: 0, total: pages, phase: 'copy' });
  try {
    const queryOnly = db.pragma('query_only', { simple: true }) as number;
    try {
      if (queryOnly !== 0) db.pragma('query_only = OFF');
      db.prepare('VACUUM INTO ?').run(tmp);
    } finally {
      if (queryOnly !== 0) db.pragma('query_only = ON');
    }
    chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    opts.onProgress?.({ done: pages, total: pages, phase: 'copy' });
    const report = verifyCopy(tmp, (p) => opts.onProgress?.({ ...p, phase: 'verify' }));
    refuseUnverified(report, 'The backup');
    // The verifying connection was read-only: it may leave empty -wal/-shm files beside the copy.
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
    renameSync(tmp, target);
    fsyncDir(dirname(target));
    return { path: target, bytes: statSync(target).size, documents: report.documents, versions: report.versions, durationMs: performance.now() - t0 };
  } catch (err) {
    removeWithSidecars(tmp);
    throw mapSqliteError(err, 'Backing up the vault');
  }
}

/** Options of {@link restoreBackupFile}. */
export interface RestoreOptions {
  /** Opens a file with the backup's key and verifies it (the Vault supplies this). */
  readonly verifyFile: (path: string, onProgress?: (p: Progress) => void) => Promise<VerifyReport>;
  /** Called on the verified copy before it is installed: records the restore in its audit log (the Vault supplies this). */
  readonly markRestored?: (path: string, report: VerifyReport) => Promise<void>;
  readonly onProgress?: (p: Progress) => void;
  /** Clock for the kept file's name. */
  readonly now?: () => number;
}

/** The name under which a restore keeps the vault it replaces. */
export function keptVaultName(vaultPath: string, at: number): string {
  return `${vaultPath}.before-restore-${new Date(at).toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Replaces the vault at `vaultPath` with the backup at `file`, after verifying a copy of it; keeps the
 * replaced vault (see the file comment). The vault must not be open: `Overloaded` while its `-wal` or
 * `-shm` is there (open somewhere, or not closed cleanly — opening it once folds the WAL in).
 */
export async function restoreBackupFile(vaultPath: string, file: string, opts: RestoreOptions): Promise<RestoreReport> {
  const vault = resolve(vaultPath);
  const source = targetPath(file, vault, 'file');
  if (!existsSync(source)) throw new DocvaultError('NotFound', `No backup at ${source}`, { path: source });
  for (const side of ['-wal', '-shm'])
    if (existsSync(vault + side))
      throw new DocvaultError(
        'Overloaded',
        `The vault is open (or was not closed cleanly: ${basename(vault + side)} is there). Close every docvault window and command using it, then retry`,
        { path: vault },
      );
  mkdirSync(dirname(vault), { recursive: true, mode: 0o700 });
  const tmp = tempBeside(vault, 'restore');
  try {
    copyFileSync(source, tmp);
    chmodSync(tmp, 0o600);
    fsyncFile(tmp);
    const report = await opts.verifyFile(tmp, (p) => opts.onProgress?.({ ...p, phase: 'verify' }));
    refuseUnverified(report, 'The backup');
    await opts.markRestored?.(tmp, report);
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
    fsyncFile(tmp);
    let keptAs: string | undefined;
    if (existsSync(vault)) {
      keptAs = keptVaultName(vault, (opts.now ?? Date.now)());
      try {
        linkSync(vault, keptAs);
      } catch {
        copyFileSync(vault, keptAs); // a file system without hard links
        fsyncFile(keptAs);
      }
    }
    renameSync(tmp, vault);
    fsyncDir(dirname(vault));
    return { path: vault, keptAs, documents: report.documents, versions: report.versions };
  } catch (err) {
    removeWithSidecars(tmp);
    throw mapSqliteError(err, 'Restoring the backup');
  }
}
