/**
 * Schema as numbered migrations, tracked in `PRAGMA user_version`. Each step runs in its own
 * transaction and is tested from the version before it (test/storage/migrations.test.ts).
 * Never edit a shipped step: append one.
 *
 * Room left for what comes next: `meta` holds vault-wide settings (KDF record, vault id, key rotation
 * generation later); an audit log, FTS5 index and import records will be new tables in new steps.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../shared/errors';

/** One migration step: brings the schema from `version - 1` to `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

/** All steps in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, versions, tags, totals',
    up: (db) =>
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value ANY) STRICT;

        -- The head of each document: the newest version's summary, what lists read.
        CREATE TABLE documents (
          doc        INTEGER PRIMARY KEY,
          id         TEXT    NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          version    INTEGER NOT NULL,
          title      TEXT    NOT NULL,
          type       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,
          metadata   TEXT    NOT NULL,
          author     TEXT,
          size       INTEGER NOT NULL,
          checksum   TEXT    NOT NULL,
          head_mac   BLOB    NOT NULL,
          -- rowid of the current version in versions: a get is one id lookup plus one rowid lookup.
          head       INTEGER
        ) STRICT;
        CREATE INDEX documents_updated ON documents (updated_at, doc);
        CREATE INDEX documents_created ON documents (created_at, doc);
        CREATE INDEX documents_title   ON documents (title, doc);
        CREATE INDEX documents_type    ON documents (type, updated_at);
        CREATE INDEX documents_author  ON documents (author) WHERE author IS NOT NULL;

        -- Every version ever written, version 1 included, with its full content.
        CREATE TABLE versions (
          doc        INTEGER NOT NULL REFERENCES documents (doc) ON DELETE CASCADE,
          version    INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          title      TEXT    NOT NULL,
          type       TEXT    NOT NULL,
          tags       TEXT    NOT NULL,
          metadata   TEXT    NOT NULL,
          content    TEXT    NOT NULL,
          size       INTEGER NOT NULL,
          checksum   TEXT    NOT NULL,
          comment    TEXT,
          mac        BLOB    NOT NULL,
          UNIQUE (doc, version)
        ) STRICT;

        -- Current tags, for filtering.
        CREATE TABLE document_tags (
          tag TEXT    NOT NULL,
          doc INTEGER NOT NULL REFERENCES documents (doc) ON DELETE CASCADE,
          PRIMARY KEY (tag, doc)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX document_tags_doc ON document_tags (doc);

        -- Running totals kept by triggers, so stats() never scans.
        CREATE TABLE totals (
          one           INTEGER PRIMARY KEY CHECK (one = 1),
          documents     INTEGER NOT NULL,
          versions      INTEGER NOT NULL,
          content_bytes INTEGER NOT NULL,
          history_bytes INTEGER NOT NULL
        ) STRICT;
        INSERT INTO totals VALUES (1, 0, 0, 0, 0);
        CREATE TABLE type_counts (type TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;

        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
          UPDATE totals SET documents = documents + 1, content_bytes = content_bytes + new.size;
          INSERT INTO type_counts VALUES (new.type, 1) ON CONFLICT (type) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER documents_au AFTER UPDATE OF size, type ON documents BEGIN
          UPDATE totals SET content_bytes = content_bytes - old.size + new.size;
          UPDATE type_counts SET n = n - 1 WHERE type = old.type AND old.type IS NOT new.type;
          INSERT INTO type_counts SELECT new.type, 1 WHERE old.type IS NOT new.type
            ON CONFLICT (type) DO UPDATE SET n = n + 1;
          DELETE FROM type_counts WHERE n = 0;
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
          UPDATE totals SET documents = documents - 1, content_bytes = content_bytes - old.size;
          UPDATE type_counts SET n = n - 1 WHERE type = old.type;
          DELETE FROM type_counts WHERE n = 0;
        END;
        CREATE TRIGGER versions_ai AFTER INSERT ON versions BEGIN
          UPDATE totals SET versions = versions + 1, history_bytes = history_bytes + new.size;
        END;
        CREATE TRIGGER versions_ad AFTER DELETE ON versions BEGIN
          UPDATE totals SET versions = versions - 1, history_bytes = history_bytes - old.size;
        END;
      `),
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `db` to `target` (default: the newest). Refuses a vault from a newer docvault rather than
 * guessing at a schema it does not know.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION)
    throw new DocvaultError('NotAVault', `This vault has schema version ${current}; this docvault knows up to ${SCHEMA_VERSION}. Update docvault.`, {
      reason: 'newerSchema',
      schemaVersion: current,
    });
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
