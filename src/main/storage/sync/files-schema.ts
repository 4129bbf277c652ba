/**
 * The local side of attachment sync (schema step "sync files"). Its own tables and one trigger, so the step
 * is independent of the steps around it.
 *
 * - `sync_files`: the SHA-256 of stored files (by their local address `bkey`), learnt when a file is pushed
 *   or received. Local addresses are keyed by the vault's own attachment key, which differs between a vault
 *   and its clone; the digest is what two devices share (the server sees only a keyed hash of it). It makes a
 *   file already here known without reading it again, so it is neither hashed nor pulled twice. Kept inside
 *   the encrypted vault like every other checksum; a stored file's row goes with it (the trigger), so a
 *   purge leaves no digest of a file no version names.
 * - `sync_held`: pulled rows held back — a version whose files are missing or fail their check on the
 *   server, and every later row of the same document (kept in order). Retried at every sync, by server
 *   sequence number; nothing of them is written until they apply whole.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

/** SQL of the step (literal: a shipped step never changes). */
export const SYNC_FILES_SQL = `
  CREATE TABLE sync_files (
    bkey   BLOB PRIMARY KEY NOT NULL,
    sha256 BLOB NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX sync_files_sha256 ON sync_files (sha256);
  CREATE TABLE sync_held (
    seq    INTEGER PRIMARY KEY,
    id     TEXT    NOT NULL,
    reason TEXT    NOT NULL,
    at     INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sync_held_id ON sync_held (id, seq);
  CREATE TRIGGER sync_files_blob_ad AFTER DELETE ON attachment_blobs BEGIN
    DELETE FROM sync_files WHERE bkey = old.bkey;
  END;
`;

/** The step: the tables and the trigger. */
export function createSyncFiles(db: Database.Database): void {
  db.exec(SYNC_FILES_SQL);
}
