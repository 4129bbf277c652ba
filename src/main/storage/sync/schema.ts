/**
 * The local side of a team vault (schema step "sync state"): where the vault syncs to, what it has pushed,
 * where the versions it pulled came from, and conflicts to settle. Its own tables and triggers only, so the
 * step is independent of the other steps around it.
 *
 * - `sync_meta`: remote URL (never with a password), CA file, remote vault id, this device's id, the last
 *   server sequence number pulled.
 * - `sync_outbox`: what is still to push, in order — a version (by its key) or a Trash move / return / purge
 *   (by document id, with the head the device saw). Triggers fill it, only once the vault is attached to a
 *   remote (a vault that never syncs pays one indexed lookup per version written); attaching fills it with
 *   every version already there. Pushing removes entries; a purge removes the document's unpushed versions.
 * - `sync_origin`: for each local version that came from another device, that device and its version
 *   number there (local version numbers are local: see docs/team.md).
 * - `sync_conflicts`: documents both sides changed from the same base, until a new version settles them.
 * - `sync_rejected`: remote rows that failed their check on pull (Integrity), kept so status can say so.
 */
import type Database from 'better-sqlite3-multiple-ciphers';

const VERSION_SPAN = 2 ** 24;
const ATTACHED = "EXISTS (SELECT 1 FROM sync_meta WHERE key = 'remote_vault')";
/** The global id of the head being removed or moved: its origin, or this device and its own number. */
const HEAD_DEVICE = (rec: string) =>
  `coalesce((SELECT device FROM sync_origin WHERE vid = ${rec}.doc * ${VERSION_SPAN} + ${rec}.version), (SELECT value FROM sync_meta WHERE key = 'device'))`;
const HEAD_VERSION = (rec: string) => `coalesce((SELECT version FROM sync_origin WHERE vid = ${rec}.doc * ${VERSION_SPAN} + ${rec}.version), ${rec}.version)`;

/** Creates the sync-state tables and triggers. */
export function createSyncState(db: Database.Database): void {
  db.exec(`
    CREATE TABLE sync_meta (key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT;
    CREATE TABLE sync_outbox (
      n            INTEGER PRIMARY KEY AUTOINCREMENT,
      kind         TEXT    NOT NULL CHECK (kind IN ('version', 'trash', 'undelete', 'purge')),
      vid          INTEGER,
      id           TEXT,
      head_device  TEXT,
      head_version INTEGER,
      at           INTEGER
    ) STRICT;
    CREATE INDEX sync_outbox_vid ON sync_outbox (vid) WHERE vid IS NOT NULL;
    CREATE TABLE sync_origin (vid INTEGER PRIMARY KEY, device TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL, sum TEXT NOT NULL) STRICT;
    CREATE INDEX sync_origin_device ON sync_origin (device, version);
    CREATE TABLE sync_conflicts (
      id             TEXT    PRIMARY KEY NOT NULL,
      local_version  INTEGER NOT NULL,
      remote_version INTEGER,
      reason         TEXT    NOT NULL,
      at             INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE sync_rejected (seq INTEGER PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL) STRICT;

    CREATE TRIGGER sync_versions_ai AFTER INSERT ON versions WHEN ${ATTACHED} BEGIN
      INSERT INTO sync_outbox (kind, vid) VALUES ('version', new.vid);
    END;
    CREATE TRIGGER sync_versions_ad AFTER DELETE ON versions BEGIN
      DELETE FROM sync_outbox WHERE vid = old.vid;
    END;
    CREATE TRIGGER sync_documents_trash AFTER UPDATE OF trashed_at ON documents
      WHEN (old.trashed_at IS NULL) IS NOT (new.trashed_at IS NULL) AND ${ATTACHED} BEGIN
      INSERT INTO sync_outbox (kind, id, head_device, head_version, at)
        VALUES (CASE WHEN new.trashed_at IS NULL THEN 'undelete' ELSE 'trash' END, new.id, ${HEAD_DEVICE('new')}, ${HEAD_VERSION('new')}, coalesce(new.trashed_at, 0));
    END;
    CREATE TRIGGER sync_documents_ad AFTER DELETE ON documents BEGIN
      INSERT INTO sync_outbox (kind, id, head_device, head_version, at)
        SELECT 'purge', old.id, ${HEAD_DEVICE('old')}, ${HEAD_VERSION('old')}, 0 WHERE ${ATTACHED};
      DELETE FROM sync_origin WHERE vid BETWEEN old.doc * ${VERSION_SPAN} + 1 AND old.doc * ${VERSION_SPAN} + ${VERSION_SPAN - 1};
      DELETE FROM sync_conflicts WHERE id = old.id;
    END;
  `);
}
