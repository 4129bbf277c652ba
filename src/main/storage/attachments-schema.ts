/**
 * The attachments' schema (migration step "attachments"): files stored inside the vault, so encrypted
 * with it, split into chunks stored once however many versions and documents carry them.
 *
 * - `attachment_chunk_data`: up to `ATTACHMENT_LIMITS.chunkBytes` of a file, addressed by `ckey` = HMAC of
 *   its bytes under the vault's attachment key (integrity.ts `chunkKey`).
 * - `attachment_chunks`: each chunk's reference count: the places that name it (positions in stored files'
 *   chunk lists and in open uploads' lists). A table of its own, small rows: SQLite rewrites a whole row on
 *   UPDATE, overflow pages included, so a count beside the bytes made every reference to a stored chunk
 *   rewrite (and, with secure_delete, zero) 256 KiB.
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
 * that name them; verify() recounts them from the lists and reports a difference. The vault-wide totals
 * stats() shows are kept by triggers (step "attachment totals", {@link ATTACHMENT_TOTALS_SQL}).
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

/** SQL of the step (literal: a shipped step never changes). */
export const ATTACHMENTS_SQL = `
  CREATE TABLE attachment_chunks (
    ckey BLOB    PRIMARY KEY NOT NULL,
    refs INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE attachment_chunk_data (
    ckey BLOB PRIMARY KEY NOT NULL,
    data BLOB NOT NULL
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

/**
 * SQL of the step "attachment totals": three running totals in `counters`, kept by triggers on the stored
 * files' tables, so `stats()` reads them without a scan and every write path (attach, dedup, detach,
 * purge, an upload's chunks, sync, a rollback) keeps them exact in its own transaction.
 *
 * - `attachment_files`: stored files (`attachment_blobs` rows: one per distinct content, however many
 *   versions name it).
 * - `attachment_stored_bytes`: bytes of stored chunks (`attachment_chunk_data`), after deduplication of
 *   whole files and of equal chunks, uploads under way included: what the attachments occupy.
 * - `attachment_referenced_bytes`: the sizes of every version's attachments added up (Σ size × refs), what
 *   they would occupy without deduplication.
 *
 * Totals cover every stored file, those of documents in the Trash too: their bytes stay until purged.
 * `length()` of a BLOB reads its size from the record header, not the bytes (SQLite's OPFLAG_LENGTHARG),
 * so neither the first count nor a trigger reads a chunk. Chunks never change (they are addressed by
 * their bytes) and a blob changes only its `refs`, so these six triggers cover every change.
 */
export const ATTACHMENT_TOTALS_SQL = `
  INSERT INTO counters (key, n) VALUES
    ('attachment_files', (SELECT count(*) FROM attachment_blobs)),
    ('attachment_stored_bytes', (SELECT coalesce(sum(length(data)), 0) FROM attachment_chunk_data)),
    ('attachment_referenced_bytes', (SELECT coalesce(sum(size * refs), 0) FROM attachment_blobs));

  CREATE TRIGGER attachment_blobs_ai AFTER INSERT ON attachment_blobs BEGIN
    UPDATE counters SET n = n + CASE key WHEN 'attachment_files' THEN 1 ELSE new.size * new.refs END
      WHERE key IN ('attachment_files', 'attachment_referenced_bytes');
  END;
  CREATE TRIGGER attachment_blobs_au AFTER UPDATE OF refs, size ON attachment_blobs BEGIN
    UPDATE counters SET n = n - old.size * old.refs + new.size * new.refs WHERE key = 'attachment_referenced_bytes';
  END;
  CREATE TRIGGER attachment_blobs_ad AFTER DELETE ON attachment_blobs BEGIN
    UPDATE counters SET n = n - CASE key WHEN 'attachment_files' THEN 1 ELSE old.size * old.refs END
      WHERE key IN ('attachment_files', 'attachment_referenced_bytes');
  END;
  CREATE TRIGGER attachment_chunk_data_ai AFTER INSERT ON attachment_chunk_data BEGIN
    UPDATE counters SET n = n + length(new.data) WHERE key = 'attachment_stored_bytes';
  END;
  CREATE TRIGGER attachment_chunk_data_au AFTER UPDATE OF data ON attachment_chunk_data BEGIN
    UPDATE counters SET n = n - length(old.data) + length(new.data) WHERE key = 'attachment_stored_bytes';
  END;
  CREATE TRIGGER attachment_chunk_data_ad AFTER DELETE ON attachment_chunk_data BEGIN
    UPDATE counters SET n = n - length(old.data) WHERE key = 'attachment_stored_bytes';
  END;
`;

/** The keys of the attachment totals in `counters` (see {@link ATTACHMENT_TOTALS_SQL}). */
export const ATTACHMENT_COUNTERS = ['attachment_files', 'attachment_stored_bytes', 'attachment_referenced_bytes'] as const;

/** The step "attachment totals": the counters, counted once, and the triggers that keep them. */
export function createAttachmentTotals(db: Database.Database): void {
  db.exec(ATTACHMENT_TOTALS_SQL);
}
