/**
 * The attachments step, from a vault of the step before it: the schema-1 fixture opened (every step
 * runs), then this step and those after it taken out (test/helpers/later-steps.ts). Opening it with
 * today's code adds the tables and the attachment key and changes no existing row; every tag written before
 * still verifies; files can then be attached, and a crash image of the step's transaction is all or nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3-multiple-ciphers';
import { ATTACHMENTS_STEP, MIGRATIONS, SCHEMA_VERSION, Vault, attachStream, migrate } from '../../src/main/storage';
import { withRawConnection } from '../helpers/tamper';
import { SCHEMA1_IDS } from '../helpers/fixture';
import { vaultBeforeStep } from '../helpers/before-step';
import { VERSION_ROW_COLUMNS } from '../../src/main/storage/versions-order-schema';
import { documentRows } from '../helpers/document-rows';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function beforeStep(): { path: string; key: string } {
  return vaultBeforeStep(ATTACHMENTS_STEP, cleanups, (v) => v.update('alpha', { content: 'alpha, edited before attachments existed' }));
}

const objects = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE '%attachment%' ORDER BY name").pluck().all() as string[]);

describe('migration: attachments', () => {
  it('is a numbered step after the ones before it', () => {
    expect(ATTACHMENTS_STEP).toBeGreaterThan(5);
    expect(MIGRATIONS[ATTACHMENTS_STEP - 1]?.version).toBe(ATTACHMENTS_STEP);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(ATTACHMENTS_STEP);
  });

  it('upgrades a vault of the step before: tables and key added, no row changed, old tags verify, files attach', async () => {
    const { path, key } = beforeStep();
    const rows = (db: Database.Database) => ({
      docs: documentRows(db),
      versions: db.prepare(`SELECT ${VERSION_ROW_COLUMNS} FROM versions ORDER BY vid`).all(),
    });
    const before = withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(ATTACHMENTS_STEP - 1);
      expect(objects(db)).toEqual([]);
      return rows(db);
    });
    const v = Vault.openSync(path, { key: { rawKey: key } });
    cleanups.push(() => v.close());
    withRawConnection(path, key, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(rows(db)).toEqual(before);
      expect(objects(db)).toEqual(expect.arrayContaining(['attachment_blobs', 'attachment_chunks', 'attachment_uploads', 'version_attachments']));
      expect((db.prepare("SELECT value FROM meta WHERE key = 'attachment_key'").pluck().get() as Buffer).length).toBe(32);
    });
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
    for (const id of SCHEMA1_IDS.filter((i) => v.exists(i))) expect(v.attachments(id)).toEqual([]);
    const doc = await attachStream(v, 'alpha', { name: 'scan.pdf', mediaType: 'application/pdf' }, [Buffer.from('%PDF-1.7 fake')]);
    expect(doc.attachments?.[0]?.size).toBe(13);
    expect(v.versions('alpha').every((x) => x.integrityProblem === undefined)).toBe(true);
    expect(v.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('runs in one transaction: a failure inside leaves the step before, whole', () => {
    const { path, key } = beforeStep();
    withRawConnection(path, key, (db) => {
      // A table of the step's name already there makes the step fail part way.
      db.exec('CREATE TABLE attachment_uploads (x)');
      expect(() => migrate(db, ATTACHMENTS_STEP)).toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(ATTACHMENTS_STEP - 1);
      expect(objects(db)).toEqual(['attachment_uploads']);
      expect(db.prepare("SELECT count(*) FROM meta WHERE key = 'attachment_key'").pluck().get()).toBe(0);
    });
  });
});
