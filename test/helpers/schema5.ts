/**
 * Undoes the step that keys tag rows by (tag, updated_at, doc) on a raw connection: the step-5 shape
 * again — rows keyed (tag, doc), updated_at a column, the (tag, updated_at, doc) index, the counter
 * triggers — and `user_version` one below that step. Tests of earlier steps undo it first.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { TAG_ROWS_KEYED_STEP } from '../../src/main/storage';

/** Brings a vault at TAG_ROWS_KEYED_STEP (or later, by these objects) back to the step before it. */
export function undoTagRowsKeyed(db: Database.Database): void {
  db.exec(`
    CREATE TABLE document_tags_step5 (tag TEXT NOT NULL, doc INTEGER NOT NULL, updated_at INTEGER, PRIMARY KEY (tag, doc)) STRICT, WITHOUT ROWID;
    INSERT INTO document_tags_step5 (tag, doc, updated_at) SELECT tag, doc, updated_at FROM document_tags;
    DROP TABLE document_tags;
    ALTER TABLE document_tags_step5 RENAME TO document_tags;
    CREATE INDEX document_tags_updated ON document_tags (tag, updated_at, doc);
    CREATE TRIGGER document_tags_ai AFTER INSERT ON document_tags BEGIN
      INSERT INTO counters (key, n) VALUES ('tag:' || new.tag, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER document_tags_ad AFTER DELETE ON document_tags BEGIN
      UPDATE counters SET n = n - 1 WHERE key = 'tag:' || old.tag;
      DELETE FROM counters WHERE key = 'tag:' || old.tag AND n = 0;
    END;
  `);
  db.pragma(`user_version = ${TAG_ROWS_KEYED_STEP - 1}`);
}
