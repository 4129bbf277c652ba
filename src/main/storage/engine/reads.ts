/** Reading one document: its current version, one version, its history. Every row read from disk is verified. */
import { DocvaultError, isDocvaultError } from '../../../shared/errors';
import type { Document, VersionInfo } from '../../../shared/types';
import { macEqual, sha256Hex } from '../integrity';
import {
  checkHead,
  checkVersion,
  documentOf,
  headWithContentOf,
  integrityError,
  notFound,
  versionDocumentOf,
  versionInfoOf,
  type HeadWithContent,
  type VersionRow,
  type VersionRowWithContent,
} from './rows';
import { CURRENT_BY_KEY_SQL, type ReadContext } from './statements';

/** The head of `id` with its current content, unverified; undefined when there is no such id. */
export function readCurrentRow(ctx: ReadContext, id: string): HeadWithContent | undefined {
  const r = ctx.r.getCurrent.get(id) as unknown[] | undefined;
  if (r === undefined) return undefined;
  // No version row by the head's pointer (a hint, ../versions-order-schema.ts): by its key. Column 15 is the content.
  const row = r[15] === null ? (ctx.sql.get(CURRENT_BY_KEY_SQL).raw().get(id) as unknown[] | undefined) : r;
  return row === undefined ? undefined : headWithContentOf(row);
}

/** Verifies a head and its current content (tag, presence, checksum) and returns the document. */
export function verifyCurrent(ctx: ReadContext, row: HeadWithContent): Document {
  checkHead(ctx.macKey, row);
  if (row.content === null || row.cur_mac === null) throw integrityError(row.id, row.version, 'the current version is missing');
  // The head's tag covers its copy of the current version's tag: the row read must be that version.
  if (row.version_mac === null || !macEqual(row.version_mac, row.cur_mac)) throw integrityError(row.id, row.version, 'the current version was replaced');
  if (sha256Hex(row.content) !== row.checksum) throw integrityError(row.id, row.version, 'content checksum mismatch');
  if (row.cur_attachments === null) return documentOf(row, row.content);
  // The head covers the version's tag, not its fields: an attachment list is read only once the version
  // row's own tag (which covers the list) verifies.
  return documentOf(row, row.content, verifiedVersionRow(ctx, row.id, row.version).attachments);
}

/** Version `version` of `id` with its tag checked against the chain (content not checked). */
export function verifiedVersionRow(ctx: ReadContext, id: string, version: number): VersionRowWithContent {
  const v = ctx.r.getVersion.get({ id, version }) as VersionRowWithContent | undefined;
  if (v === undefined) {
    // Its head was read by an earlier statement: a purge may have committed since (each statement reads its
    // own snapshot). Gone with its head is NotFound; a head without its version was altered outside docvault.
    if (ctx.r.state.get(id) === undefined) throw notFound(id, false);
    throw integrityError(id, version, 'the version is missing');
  }
  checkVersion(ctx.macKey, v, v.prev_mac);
  return v;
}

/** The verified current version of a live `id`; `NotFound` when absent or in the Trash. */
export function readCurrent(ctx: ReadContext, id: string): Document {
  const row = readCurrentRow(ctx, id);
  if (row === undefined || row.trashed_at !== null) throw notFound(id, row !== undefined);
  return verifyCurrent(ctx, row);
}

/** Whether `id` is a live document (a trashed one does not exist for readers). */
export function isLive(ctx: ReadContext, id: string): boolean {
  return ctx.r.state.get(id) === null;
}

/** Version `version` of a live `id`, verified. */
export function readVersion(ctx: ReadContext, id: string, version: number): Document {
  const row = ctx.r.getVersion.get({ id, version }) as VersionRowWithContent | undefined;
  if (row === undefined) {
    const state = ctx.r.state.get(id) as number | null | undefined;
    if (state !== null) throw notFound(id, state !== undefined);
    throw new DocvaultError('NotFound', `Document "${id}" has no version ${version}`, { id, version });
  }
  if (row.trashed_at !== null) throw notFound(id, true);
  checkVersion(ctx.macKey, row, row.prev_mac);
  if (sha256Hex(row.content) !== row.checksum) throw integrityError(id, version, 'content checksum mismatch');
  return versionDocumentOf(row);
}

/** Every version of a live `id`, oldest first, each verified (content excluded). */
export function readHistory(ctx: ReadContext, id: string): VersionInfo[] {
  const rows = ctx.r.listVersions.all(id) as (VersionRow & { head_version: number })[];
  if (rows.length === 0 || rows[0]?.trashed_at !== null) throw notFound(id, rows.length > 0);
  // The newest version is the head's (a middle one missing shows in the chain below; the newest, only here).
  const newest = rows[rows.length - 1] as VersionRow & { head_version: number };
  if (newest.version !== newest.head_version) throw integrityError(id, newest.head_version, `the history ends at version ${newest.version}`);
  // A version whose record fails its tag is still listed, with its fields as stored (untrusted) and
  // `integrityProblem` saying why, so one altered version does not hide the rest of the history.
  let prev: Buffer | null = null;
  return rows.map((row) => {
    let problem: string | undefined;
    try {
      // The chain: each version's tag covers the one before, so a version removed from the middle shows.
      checkVersion(ctx.macKey, row, prev);
    } catch (err) {
      if (!isDocvaultError(err, 'Integrity')) throw err;
      problem = err.message;
    }
    prev = row.mac;
    let info: VersionInfo;
    try {
      info = versionInfoOf(row);
    } catch {
      info = versionInfoOf({ ...row, tags: '[]' });
      problem ??= integrityError(id, row.version, 'unreadable tags').message;
    }
    return problem === undefined ? info : { ...info, integrityProblem: problem };
  });
}
