/**
 * The vault file as the file system sees it, apart from SQLite: whether its location can be written, and
 * whether the path still names the file the connection has open. SQLite answers neither: on a read-only
 * file system it says only "unable to open database file", and a connection keeps writing to an unlinked
 * file (its WAL included) without an error, so commits made after the file was deleted would be
 * acknowledged and then lost at close.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DocvaultError } from '../../../shared/errors';

/** Why `path` (or the folder SQLite writes its `-wal` and `-shm` files into) cannot be written; undefined if it can. */
export function unwritableReason(path: string): 'readOnlyFileSystem' | 'noPermission' | undefined {
  for (const target of [path, dirname(path)]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EROFS') return 'readOnlyFileSystem';
      if (code === 'EACCES' || code === 'EPERM') return 'noPermission';
    }
  }
  return undefined;
}

/** The typed error for opening a vault whose location cannot be written. */
export function readOnlyLocation(path: string, reason: 'readOnlyFileSystem' | 'noPermission', cause: unknown): DocvaultError {
  const where = reason === 'readOnlyFileSystem' ? 'it is on a read-only file system' : 'its file or folder is not writable by this user';
  return new DocvaultError(
    'ReadOnly',
    `Cannot open the vault ${path}: ${where}. docvault writes a journal beside the vault even to read it; copy the vault to a writable folder to open it there`,
    { reason, path },
    { cause },
  );
}

/**
 * The identity (device, inode) of the vault file at open. {@link VaultFileGuard.check} runs before each
 * commit (once per transaction, so once per group commit): one `stat`, ~3 µs alone, 10–25 µs measured
 * inside a loop of single creates on the 2-core VM of docs/bench.md (twelfth session).
 */
export class VaultFileGuard {
  readonly #path: string;
  readonly #dev: number;
  readonly #ino: number;

  constructor(path: string) {
    const st = statSync(path);
    this.#path = path;
    this.#dev = st.dev;
    this.#ino = st.ino;
  }

  /**
   * Throws `NotFound` (details.reason `vaultRemoved` or `vaultReplaced`) unless the path still names the
   * file that was opened; the caller rolls its transaction back, so nothing is acknowledged that would be lost.
   */
  check(): void {
    let st: { dev: number; ino: number } | undefined;
    try {
      st = statSync(this.#path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (st === undefined)
      throw new DocvaultError(
        'NotFound',
        `The vault file ${this.#path} was deleted or moved away while open; this write was refused (nothing written). Documents saved before are in the file wherever it now is; open it there`,
        { reason: 'vaultRemoved', path: this.#path },
      );
    if (st.dev !== this.#dev || st.ino !== this.#ino)
      throw new DocvaultError(
        'NotFound',
        `The vault file ${this.#path} was replaced by another file while open; this write was refused (nothing written). Close and open the vault again`,
        { reason: 'vaultReplaced', path: this.#path },
      );
  }
}
