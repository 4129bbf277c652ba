/**
 * The CLI's exit codes: the one place that maps an error kind to a process exit status.
 * Scripts key on these numbers, so they are stable: change a mapping only with a major version.
 */
import type { ErrorKind } from '../shared/errors';

/** Exit statuses of `docvault`, by meaning. */
export const EXIT = {
  ok: 0,
  /** Internal error or a kind with no code of its own. */
  internal: 1,
  /** Bad usage or input: unknown option, missing argument, invalid value. */
  invalid: 2,
  notFound: 3,
  /** The write lost a race (stale `--expected-version`) or the target already exists. */
  conflict: 4,
  /** Wrong passphrase or key, or the file is not a vault. */
  key: 5,
  /** Integrity check failed (a read, or `verify` found problems). */
  integrity: 6,
  tooLarge: 7,
  /** Busy or timed out: retrying later may succeed. */
  busy: 8,
  /** Part of the vault file is unreadable (damaged pages): restore it from a backup. */
  corrupt: 9,
  /** The vault's file, folder or file system cannot be written (read-only): nothing was written. */
  readOnly: 10,
  /** The disk is full: nothing was written; free space and try again. */
  diskFull: 11,
  /** A team vault's server cannot be reached or refused the login: try again later; nothing local is lost. */
  offline: 12,
  /** A connection to a team vault's server was refused as insecure (plaintext, or a certificate that does not verify). */
  insecure: 13,
} as const;

/** Exit status for each error kind. A `Record` over every kind, so a new kind cannot be forgotten. */
export const EXIT_CODE_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  WrongKey: EXIT.key,
  NotAVault: EXIT.key,
  Closed: EXIT.internal,
  NotFound: EXIT.notFound,
  AlreadyExists: EXIT.conflict,
  Conflict: EXIT.conflict,
  Invalid: EXIT.invalid,
  TooLarge: EXIT.tooLarge,
  Integrity: EXIT.integrity,
  Overloaded: EXIT.busy,
  Timeout: EXIT.busy,
  Aborted: EXIT.internal,
  WorkerCrashed: EXIT.internal,
  Unauthorized: EXIT.internal,
  RateLimited: EXIT.busy,
  Internal: EXIT.internal,
  Corrupt: EXIT.corrupt,
  ReadOnly: EXIT.readOnly,
  DiskFull: EXIT.diskFull,
  Offline: EXIT.offline,
  Insecure: EXIT.insecure,
};

/** The exit status for an error kind. */
export function exitCodeFor(kind: ErrorKind): number {
  return EXIT_CODE_BY_KIND[kind];
}

/** The table printed by `docvault --help` and documented in docs/cli.md. */
export const EXIT_CODE_HELP: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'success'],
  [EXIT.internal, 'Internal (unexpected error)'],
  [EXIT.invalid, 'Invalid: bad usage, option or value'],
  [EXIT.notFound, 'NotFound: no such vault, document, version or file'],
  [EXIT.conflict, 'Conflict / AlreadyExists: stale --expected-version, or the target exists'],
  [EXIT.key, 'WrongKey / NotAVault: wrong passphrase or key, or not a vault'],
  [EXIT.integrity, 'Integrity: altered data found (by a read, or by verify)'],
  [EXIT.tooLarge, 'TooLarge: content over the size limit'],
  [EXIT.busy, 'Overloaded / Timeout: the vault is busy; try again'],
  [EXIT.corrupt, 'Corrupt: part of the vault file is damaged (unreadable pages)'],
  [EXIT.readOnly, 'ReadOnly: the vault\'s file or file system cannot be written; nothing was written'],
  [EXIT.diskFull, 'DiskFull: the disk is full; nothing was written'],
  [EXIT.offline, 'Offline: the sync server cannot be reached or refused the login; try again'],
  [EXIT.insecure, 'Insecure: the sync connection is not TLS-verified (plaintext, wrong CA or host)'],
];
