/**
 * The attachments' schema (migration step "attachments"): files stored inside the vault, so encrypted
 * with it, split into chunks stored once however many versions and documents carry them.
 *
 * - `attachment_chunks`: up to `ATTACHMENT_LIMITS.chunkBytes` of a file, addressed by `ckey` = HMAC of its
 *   bytes under the vault's attachment key (integrity.ts `chunkKey`). `refs` counts the places that name
 *   it: positions in stored files' chunk lists and in open uploads' lists.
 * - `attachment_blobs`: one stored file: its size and the ordered list of its chunks' addresses
 *   (32 bytes each), addressed by `bkey` = HMAC of (size, list) (`blobKey`). `refs` counts the versions'
 *   list entries that name it. A file of 256 MiB is a list of 1,024 addresses (32 KiB).
 * - `version_attachments`: a version's attachment list (JSON: name, size, mediaType, ref = hex `bkey`),
 *   one row per version that has any, keyed by the version key. Its own table, not a column of
 *   `versions`: content stays the last column there, so history never walks content overflow pages to
 *   reach it. The version's tag covers the list (integrity.ts `versionMacV2`), and through the list's
 *   `ref`s every byte: a blob's address covers its chunk list, a chunk's address its bytes.
 * - `attachment_uploads`: files being received in pieces (the chunked calls), with the chunks written so
 *   far; dropped on commit, abort, when the connection that began them closes, or once idle past the
 *   upload time-out (an upload left by a crashed process).
 * - `meta.attachment_key`: 32 random bytes. A key of its own, not the tag key: changing the passphrase
 *   re-derives the tag key, and re-hashing every stored byte with it would make a rekey cost a full read of
 *   every attachment. Kept inside the vault, it is as secret as the bytes it addresses.
 *
 * Reference counts are kept by the write path (engine/attachments.ts) in the same transaction as the rows
 * that name them; verify() recounts them from the lists and reports a difference.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

/** SQL of the step (literal: a shipped step never changes). */
export const ATTACHMENTS_SQL = `
  CREATE TABLE attachment_chunks (
    ckey BLOB    PRIMARY KEY NOT NULL,
    refs INTEGER NOT NULL,
    data BLOB    NOT NULL
  ) STRICT;
  CREATE TABLE attachment_blobs (
    bkey   BLOB    PRIMARY KEY NOT NULL,
    size   INTEGER NOT NULL,
    refs   INTEGER NOT NULL,
    chunks BLOB    NOT NULL
  ) STRICT;
  CREATE TABLE version_attachments (
    vid  INTEGER PRIMARY KEY,
    list TEXT    NOT NULL
  ) STRICT;
  CREATE TABLE attachment_uploads (
    upload     TEXT    PRIMARY KEY NOT NULL,
    doc_id     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    received   INTEGER NOT NULL,
    touched_at INTEGER NOT NULL,
    chunks     BLOB    NOT NULL
  ) STRICT;
`;

/** The step: the tables, and the vault's attachment key. */
export function createAttachmentTables(db: Database.Database): void {
  db.exec(ATTACHMENTS_SQL);
  db.prepare("INSERT INTO meta (key, value) VALUES ('attachment_key', ?)").run(randomBytes(32));
}
