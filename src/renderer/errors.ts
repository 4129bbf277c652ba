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
};

const HINTS: Partial<Record<ErrorKind, string>> = {
  WrongKey: 'The passphrase does not open this vault. Check for typos and Caps Lock.',
  Closed: 'Unlock the vault to continue.',
  Conflict: 'Someone saved this document after you opened it.',
  Integrity: 'The stored data does not match its signature: it may have been altered outside docvault. Nothing was changed.',
  Overloaded: 'Another writer holds the vault. Try again in a moment.',
  Unauthorized: 'This page has no valid access token. Open the URL printed by `npm run serve` again.',
  NotAVault: 'The file is damaged or is not a docvault vault.',
  Corrupt: 'Part of the vault file cannot be read. Other documents may still open; run Verify, and restore the file from a backup.',
};

/** A short title for an error kind. */
export function errorTitle(kind: ErrorKind): string {
  return TITLES[kind] ?? TITLES.Internal;
}

/** One readable line: the kind's title and hint, then the server's own message. */
export function describeError(e: SerializedError): { title: string; hint: string | undefined; detail: string } {
  return { title: errorTitle(e.kind), hint: HINTS[e.kind], detail: e.message };
}

/** An error as the UI carries it: thrown by `call` when a result is not ok. */
export class CallError extends Error {
  readonly error: SerializedError;
  constructor(error: SerializedError) {
    super(error.message);
    this.error = error;
  }
}
