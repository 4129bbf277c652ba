/**
 * verify()'s part for attachments: every stored file a version lists is read end to end and checked
 * (its address against its size and chunk list, each chunk's address against its bytes), once per verify
 * however many versions list it; then the reference counts are recounted from the lists and compared, and
 * rows no list names are reported (what a purge should have removed).
 */
import type { VerifyProblem } from '../../../shared/types';
import type { AttachmentInfo } from '../../../shared/attachments';
import { ATTACHMENT_COUNTERS } from '../attachments-schema';
import type { AttachmentStore } from './attachments';
import { KEY_BYTES, splitKeys } from './blob-store';
import { attachmentsOf, type VersionRow } from './rows';
import type { ReadContext } from './statements';

/** Checks the files of each version as verify walks them, then the counts. */
export class AttachmentVerifier {
  readonly #ctx: ReadContext;
  readonly #store: AttachmentStore;
  /** Files already checked in this verify: their problem, or undefined when sound. */
  readonly #checked = new Map<string, string | undefined>();

  constructor(ctx: ReadContext, store: AttachmentStore) {
    this.#ctx = ctx;
    this.#store = store;
  }

  /** The files of one version whose tag verified (its list is then as written). */
  checkVersion(row: VersionRow, problems: VerifyProblem[]): void {
    if (row.attachments === null) return;
    let list: AttachmentInfo[];
    try {
      list = attachmentsOf(row.attachments, row.id, row.version);
    } catch (err) {
      problems.push({ kind: 'Integrity', id: row.id, version: row.version, message: (err as Error).message });
      return;
    }
    for (const entry of list) {
      const known = this.#checked.has(entry.ref + entry.size);
      const problem = known ? this.#checked.get(entry.ref + entry.size) : this.#store.check(this.#ctx, row.id, row.version, entry);
      if (!known) this.#checked.set(entry.ref + entry.size, problem);
      if (problem !== undefined)
        problems.push({ kind: 'Checksum', id: row.id, version: row.version, message: known ? `attachment "${entry.name}": the same stored file failed above` : problem });
    }
  }

  /** Recounts every reference and reports counts that differ and rows nothing names. */
  finish(problems: VerifyProblem[]): void {
    const db = this.#ctx.db;
    const blobRefs = new Map<string, number>();
    const orphanLists = db.prepare('SELECT count(*) FROM version_attachments a WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.vid = a.vid)').pluck().get() as number;
    if (orphanLists > 0) problems.push({ kind: 'Sqlite', message: `${orphanLists} attachment list(s) belong to no version` });
    for (const list of db.prepare('SELECT list FROM version_attachments').pluck().iterate() as IterableIterator<string>) {
      let entries: AttachmentInfo[];
      try {
        entries = JSON.parse(list) as AttachmentInfo[];
        if (!Array.isArray(entries)) continue;
      } catch {
        continue; // reported with its version (the tag covers the list)
      }
      for (const e of entries) if (typeof e?.ref === 'string') blobRefs.set(e.ref, (blobRefs.get(e.ref) ?? 0) + 1);
    }
    const chunkRefs = new Map<string, number>();
    const countChunks = (list: Buffer): void => {
      for (const k of splitKeys(list)) chunkRefs.set(k.toString('hex'), (chunkRefs.get(k.toString('hex')) ?? 0) + 1);
    };
    let files = 0;
    let referencedBytes = 0;
    for (const b of db.prepare('SELECT bkey, size, refs, chunks FROM attachment_blobs').iterate() as IterableIterator<{ bkey: Buffer; size: number; refs: number; chunks: Buffer }>) {
      const ref = b.bkey.toString('hex');
      const want = blobRefs.get(ref) ?? 0;
      files++;
      referencedBytes += b.size * want;
      if (want === 0) problems.push({ kind: 'Vault', message: `stored file ${ref.slice(0, 12)}… is named by no version (it should have been removed)` });
      else if (b.refs !== want) problems.push({ kind: 'Vault', message: `stored file ${ref.slice(0, 12)}… counts ${b.refs} references, but ${want} versions name it` });
      if (b.chunks.length % KEY_BYTES === 0) countChunks(b.chunks);
      blobRefs.delete(ref);
    }
    for (const u of db.prepare('SELECT chunks FROM attachment_uploads').pluck().iterate() as IterableIterator<Buffer>) countChunks(u);
    for (const c of db.prepare('SELECT ckey, refs FROM attachment_chunks').iterate() as IterableIterator<{ ckey: Buffer; refs: number }>) {
      const ref = c.ckey.toString('hex');
      const want = chunkRefs.get(ref) ?? 0;
      if (want === 0) problems.push({ kind: 'Vault', message: `attachment chunk ${ref.slice(0, 12)}… is part of no stored file or upload (it should have been removed)` });
      else if (c.refs !== want) problems.push({ kind: 'Vault', message: `attachment chunk ${ref.slice(0, 12)}… counts ${c.refs} references, but ${want} lists name it` });
    }
    const strays = db.prepare('SELECT count(*) FROM attachment_chunk_data d WHERE NOT EXISTS (SELECT 1 FROM attachment_chunks c WHERE c.ckey = d.ckey)').pluck().get() as number;
    if (strays > 0) problems.push({ kind: 'Vault', message: `${strays} attachment chunk(s) of bytes have no reference count (they should have been removed)` });
    // length() reads a BLOB's size from its record header: no chunk is read for this sum.
    const storedBytes = db.prepare('SELECT coalesce(sum(length(data)), 0) FROM attachment_chunk_data').pluck().get() as number;
    this.#checkTotals({ attachment_files: files, attachment_stored_bytes: storedBytes, attachment_referenced_bytes: referencedBytes }, problems);
  }

  /** The running totals stats() shows (schema step "attachment totals") against the recount; absent before that step. */
  #checkTotals(want: Readonly<Record<(typeof ATTACHMENT_COUNTERS)[number], number>>, problems: VerifyProblem[]): void {
    const rows = this.#ctx.db.prepare(`SELECT key, n FROM counters WHERE key IN (${ATTACHMENT_COUNTERS.map(() => '?').join(', ')})`).all(...ATTACHMENT_COUNTERS) as { key: string; n: number }[];
    if (rows.length === 0) return;
    const have = new Map(rows.map((r) => [r.key, r.n]));
    for (const key of ATTACHMENT_COUNTERS)
      if (have.get(key) !== want[key]) problems.push({ kind: 'Vault', message: `counter "${key}" is ${have.get(key) ?? 'missing'}, but the stored files say ${want[key]}` });
  }
}
