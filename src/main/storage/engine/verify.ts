/** verify(): every version, every head, SQLite's own structure, and rows that belong to no document. */
import type { Progress, VerifyProblem, VerifyReport } from '../../../shared/types';
import { sha256Hex } from '../integrity';
import { MAX_VERSION, VERSION_BITS } from '../migrations';
import { VID, VID_RANGE } from './db';
import { HEAD_COLUMNS, checkHead, checkVersion, readCounters, type HeadRow, type VersionRowWithContent } from './rows';
import type { ReadContext } from './statements';

/**
 * Checks the whole vault in one read transaction (the caller opens it) and SQLite's integrity_check.
 * `onProgress` is called every 1,000 rows and at the end.
 */
export function verifyVault(ctx: ReadContext, inTransaction: <T>(fn: () => T) => T, onProgress?: (p: Progress) => void): Omit<VerifyReport, 'durationMs'> {
  const { db, macKey } = ctx;
  const problems: VerifyProblem[] = [];
  const totals = readCounters(ctx.r.counters);
  // The totals count live documents only; the Trash's are checked too.
  const total = totals.versions + totals.documents;
  let done = 0;
  let versions = 0;
  let documents = 0;
  const tick = (phase: string): void => {
    done++;
    if (onProgress !== undefined && (done % 1000 === 0 || done === total)) onProgress({ done, total: Math.max(total, done), phase });
  };
  inTransaction(() => {
    const rows = db
      .prepare(
        `SELECT d.id, d.trashed_at, d.created_at AS doc_created_at, v.version, v.created_at, v.mac, v.size, v.checksum, v.comment, v.title, v.type, v.tags, v.metadata, v.content
         FROM versions v LEFT JOIN documents d ON d.doc = v.vid >> ${VERSION_BITS} ORDER BY v.vid`,
      )
      .iterate() as IterableIterator<VersionRowWithContent & { id: string | null }>;
    for (const row of rows) {
      versions++;
      if (row.id === null) {
        problems.push({ kind: 'Head', version: row.version, message: `version ${row.version} belongs to no document` });
        tick('versions');
        continue;
      }
      try {
        checkVersion(macKey, row as VersionRowWithContent);
        if (sha256Hex(row.content) !== row.checksum) problems.push({ kind: 'Checksum', id: row.id, version: row.version, message: 'content checksum mismatch' });
        else if (Buffer.byteLength(row.content, 'utf8') !== row.size) problems.push({ kind: 'Checksum', id: row.id, version: row.version, message: 'size mismatch' });
      } catch (err) {
        problems.push({ kind: 'Integrity', id: row.id, version: row.version, message: (err as Error).message });
      }
      tick('versions');
    }
    const heads = db
      .prepare(
        `SELECT ${HEAD_COLUMNS},
                (SELECT max(vid) & ${MAX_VERSION} FROM versions WHERE vid BETWEEN ${VID_RANGE('d.doc')}) AS newest,
                v.checksum AS v_checksum
         FROM documents d LEFT JOIN versions v ON v.vid = ${VID('d.doc', 'd.version')}`,
      )
      .iterate() as IterableIterator<HeadRow & { newest: number | null; v_checksum: string | null }>;
    for (const row of heads) {
      documents++;
      try {
        checkHead(macKey, row);
        if (row.newest !== row.version) problems.push({ kind: 'Head', id: row.id, version: row.version, message: `head is at version ${row.version} but version ${row.newest ?? 'none'} exists` });
        else if (row.v_checksum !== row.checksum) problems.push({ kind: 'Head', id: row.id, version: row.version, message: 'head does not match its version' });
      } catch (err) {
        problems.push({ kind: 'Head', id: row.id, version: row.version, message: (err as Error).message });
      }
      tick('documents');
    }
  });
  for (const line of db.pragma('integrity_check') as { integrity_check: string }[])
    if (line.integrity_check !== 'ok') problems.push({ kind: 'Sqlite', message: line.integrity_check });
  for (const t of db.prepare('SELECT t.tag, t.doc FROM document_tags t LEFT JOIN documents d ON d.doc = t.doc WHERE d.doc IS NULL OR d.trashed_at IS NOT NULL').all() as {
    tag: string;
    doc: number;
  }[])
    problems.push({ kind: 'Sqlite', message: `tag "${t.tag}" belongs to no live document (row ${t.doc})` });
  onProgress?.({ done: Math.max(total, done), total: Math.max(total, done), phase: 'done' });
  return { ok: problems.length === 0, documents, versions, problems };
}
