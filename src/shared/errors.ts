/**
 * Typed errors shared by every layer. An error crosses IPC, HTTP and the CLI as
 * `{ kind, message, details }`, so callers react to `kind` instead of parsing messages.
 */

/** Every error kind docvault can raise. Append only: the UI and scripts key on these names. */
export const ERROR_KINDS = [
  'WrongKey',
  'NotAVault',
  'Closed',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Invalid',
  'TooLarge',
  'Integrity',
  'Overloaded',
  'Timeout',
  'Aborted',
  'WorkerCrashed',
  'Unauthorized',
  'RateLimited',
  'Internal',
  'Corrupt',
  'ReadOnly',
  'DiskFull',
  /** A team vault's server cannot be reached (down, network, refused login): retry later; nothing local is lost. */
  'Offline',
  /** A connection that would not be private was refused: plaintext, or a certificate that does not verify. */
  'Insecure',
] as const;

/** One of {@link ERROR_KINDS}. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Structured context carried by an error; only plain JSON values, never key material. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

/** The wire form of a {@link DocvaultError}. */
export interface SerializedError {
  readonly kind: ErrorKind;
  readonly message: string;
  readonly details?: ErrorDetails;
}

/** The one error class docvault throws on purpose. Anything else is a bug and surfaces as `Internal`. */
export class DocvaultError extends Error {
  override readonly name = 'DocvaultError';
  readonly kind: ErrorKind;
  readonly details: ErrorDetails | undefined;

  constructor(kind: ErrorKind, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.details = details;
  }

  /** The wire form; never includes the stack or the cause. */
  toJSON(): SerializedError {
    return this.details === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, details: this.details };
  }
}

/** True when `value` is one of {@link ERROR_KINDS}. */
export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** True when `err` is a {@link DocvaultError}, optionally of the given kind. */
export function isDocvaultError(err: unknown, kind?: ErrorKind): err is DocvaultError {
  return err instanceof DocvaultError && (kind === undefined || err.kind === kind);
}

/** Converts anything thrown into the wire form. Unknown errors become `Internal` with their message only. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof DocvaultError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Internal', message: message || 'Unexpected error' };
}

/** Rebuilds a {@link DocvaultError} from its wire form (for the receiving side of IPC/HTTP/worker messages). */
export function deserializeError(e: SerializedError): DocvaultError {
  return new DocvaultError(isErrorKind(e.kind) ? e.kind : 'Internal', e.message, e.details);
}

/** For exhaustive switches: a compile error when a case is missing, a runtime error if reached. */
export function assertNever(value: never, what = 'value'): never {
  throw new DocvaultError('Internal', `Unexpected ${what}: ${String(value)}`);
}
