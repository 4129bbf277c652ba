/** Readable messages for errors, keyed by `kind`: the UI reacts to kinds, never parses messages. */
import type { ErrorKind, SerializedError } from '../shared/errors';

const TITLES: Record<ErrorKind, string> = {
  WrongKey: 'Wrong passphrase',
  NotAVault: 'Not a docvault vault',
  Closed: 'The vault is locked',
  NotFound: 'Not found',
  AlreadyExists: 'Already exists',
  Conflict: 'Changed elsewhere',
  Invalid: 'Invalid input',
  TooLarge: 'Too large',
  Integrity: 'Integrity check failed',
  Overloaded: 'Busy',
  Timeout: 'Timed out',
  Aborted: 'Cancelled',
  WorkerCrashed: 'Storage worker stopped',
  Unauthorized: 'Not authorized',
  RateLimited: 'Too many requests',
  Internal: 'Something went wrong',
  Corrupt: 'The vault file is damaged',
  ReadOnly: 'The vault cannot be written',
  DiskFull: 'The disk is full',
  Offline: 'The sync server cannot be reached',
  Insecure: 'Connection refused as insecure',
};

const HINTS: Partial<Record<ErrorKind, string>> = {
  WrongKey: 'The passphrase does not open this vault. Check for typos and Caps Lock.',
  Closed: 'Unlock the vault to continue.',
  Conflict: 'Someone saved this document after you opened it.',
  Integrity: 'The stored data does not match its signature: it may have been altered outside docvault. Nothing was changed.',
  Overloaded: 'Another writer holds the vault. Try again in a moment.',
  Unauthorized: 'This page has no valid access token. Open the address docvault printed when it started (npm start or npm run serve) again.',
  NotAVault: 'The file is damaged or is not a docvault vault.',
  Corrupt: 'Part of the vault file cannot be read. Other documents may still open; run Verify, and restore the file from a backup.',
  ReadOnly: 'Its file, folder or disk is read-only. Nothing was written; what was saved before is safe.',
  DiskFull: 'Nothing was written. Free some disk space and save again; what was saved before is safe.',
  Offline: 'Your documents are safe on this device; sync will try again.',
  Insecure: 'docvault only syncs over TLS with a certificate it can verify. Check the server address and its CA file.',
};

/** Where the team-vault forms say something else: the server's login, the team vault's key. */
const SYNC_HINTS: Partial<Record<ErrorKind, string>> = {
  WrongKey: 'This passphrase or key does not open the team vault. Nothing was written.',
  Unauthorized: 'The database refused this login, or it is not a member of the team vault: check the user, its password, and that the database admin granted it.',
  Aborted: 'Nothing was kept.',
};

/** A short title for an error kind. */
export function errorTitle(kind: ErrorKind): string {
  return TITLES[kind] ?? TITLES.Internal;
}

/**
 * Kinds whose hint already says all the server's message would (a wrong passphrase is just that): showing
 * both reads as two messages saying the same thing.
 */
const HINT_SAYS_IT_ALL: ReadonlySet<ErrorKind> = new Set(['WrongKey', 'Closed']);

/** What to show: the kind's title, a hint for what to do, and the server's own message when it adds something. */
export function describeError(e: SerializedError, where: 'vault' | 'sync' = 'vault'): { title: string; hint: string | undefined; detail: string | undefined } {
  const hint = (where === 'sync' ? SYNC_HINTS[e.kind] : undefined) ?? HINTS[e.kind];
  return { title: errorTitle(e.kind), hint, detail: HINT_SAYS_IT_ALL.has(e.kind) && where === 'vault' ? undefined : e.message };
}

/**
 * The one conversion of anything thrown into an error the UI can show: a {@link CallError} keeps its kind,
 * anything else (a bug, a broken transport) becomes `Internal` with its message.
 */
export function toSerializedError(err: unknown): SerializedError {
  if (err instanceof CallError) return err.error;
  return { kind: 'Internal', message: err instanceof Error ? err.message : String(err) };
}

/** An error as the UI carries it: thrown by `call` when a result is not ok. */
export class CallError extends Error {
  readonly error: SerializedError;
  constructor(error: SerializedError) {
    super(error.message);
    this.error = error;
  }
}
