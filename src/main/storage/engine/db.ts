/**
 * Connections as types. A vault connection is a {@link ReadableDB} or a {@link WritableDB} (after Signal
 * Desktop's branded types): every write function takes a `WritableDB`, so handing it a reader's
 * connection fails to compile, and no write path needs a run-time "is this read-only?" check. Only
 * {@link asWritable}, called where a connection is opened for writing, makes one.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../../shared/errors';
import { MAX_VERSION, VERSION_BITS } from '../migrations';

declare const readable: unique symbol;
declare const writable: unique symbol;

/** A connection that is only read through (a reader thread's, or a vault opened `readonly`). */
export type ReadableDB = Database.Database & { readonly [readable]: true };
/** A connection that may be written to. Also readable. */
export type WritableDB = ReadableDB & { readonly [writable]: true };

/** Brands a connection opened read-only (`query_only`). */
export function asReadable(db: Database.Database): ReadableDB {
  return db as ReadableDB;
}

/** Brands a connection opened for writing. The one place a connection becomes writable. */
export function asWritable(db: Database.Database): WritableDB {
  return db as WritableDB;
}

/** `versions.vid` of version `v` of document `d`, in SQL (see migrations.ts: doc * 2^24 + version). */
export const VID = (d: string, v: string): string => `(${d} * ${2 ** VERSION_BITS} + ${v})`;
/** The SQL range of `versions.vid` that holds every version of document `d`. */
export const VID_RANGE = (d: string): string => `${VID(d, '1')} AND ${VID(d, String(MAX_VERSION))}`;

/** Statements with SQL fixed at build time, prepared once per connection, by the SQL they run. */
export class StatementCache {
  readonly #db: ReadableDB;
  readonly #stmts = new Map<string, Database.Statement>();

  constructor(db: ReadableDB) {
    this.#db = db;
  }

  /** The statement for `sql` (list and count build a few dozen shapes at most). */
  get(sql: string, pluck = false): Database.Statement {
    let stmt = this.#stmts.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      if (pluck) stmt.pluck();
      this.#stmts.set(sql, stmt);
    }
    return stmt;
  }
}

/**
 * Whether `err` says a page could not be read: a damaged page fails SQLCipher's per-page HMAC (reported
 * as NOTADB) or SQLite's own checks (CORRUPT). On an open vault both mean damage, not a wrong key: the
 * key was proven when the vault was opened.
 */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** Maps a SQLite error to a typed one; `id` names the document the call was about, if any. */
export function mapSqliteError(err: unknown, context: string, id?: string): DocvaultError {
  if (err instanceof DocvaultError) return err;
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (isCorruption(err))
    return new DocvaultError(
      'Corrupt',
      `${context}${id !== undefined ? ` "${id}"` : ''}: part of the vault file is damaged and cannot be read (${msg}); other documents may still read — run verify, and restore the file from a backup`,
      id !== undefined ? { id } : undefined,
      { cause: err },
    );
  // A failed commit rolls back whole: "nothing was written" holds for the call that failed.
  if (code === 'SQLITE_FULL') return new DocvaultError('DiskFull', `${context}: the disk is full; nothing was written`, undefined, { cause: err });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new DocvaultError('Overloaded', `${context}: the vault is locked by another writer; try again`, undefined, { cause: err });
  // A read-only connection never gets here (writes on one are refused before SQL, as `Invalid`): this is
  // the file or its file system refusing writes, e.g. remounted read-only while the vault was open.
  if (code.startsWith('SQLITE_READONLY'))
    return new DocvaultError('ReadOnly', `${context}: the vault file or its file system is read-only; nothing was written`, { reason: 'readOnly' }, { cause: err });
  if (code.startsWith('SQLITE_IOERR')) return new DocvaultError('Internal', `${context}: I/O error (${msg})`, undefined, { cause: err });
  return new DocvaultError('Internal', `${context}: ${msg}`, undefined, { cause: err });
}

/**
 * A restartable read transaction on `db`: its own (BEGIN DEFERRED ... ROLLBACK: read-only, nothing to
 * commit), unless the caller's transaction is already open, in which case it reads inside that one.
 */
export function readTransaction(db: ReadableDB): { begin(): void; end(): void } {
  const own = !db.inTransaction;
  return {
    begin: () => {
      if (own) db.exec('BEGIN DEFERRED');
    },
    end: () => {
      if (own && db.inTransaction) db.exec('ROLLBACK');
    },
  };
}
