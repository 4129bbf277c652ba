/**
 * The bodies of the Vault's document writes: each runs as a timed operation in its own transaction (a
 * savepoint inside the caller's), appends its audit entry in that transaction, then updates the cache.
 * Bulk writes are all or nothing, with a result per item. The row work is in ./writes.ts.
 */

import { isDocvaultError } from '../../../shared/errors';
import type { BulkItemResult, BulkResult, Document, DocumentInput, DocumentPatch, WriteOptions } from '../../../shared/types';
import { validateBulk, validateId, validateVersion } from '../../../shared/validation';
import { counted, type AuditAppend } from './audit';
import { readVersion } from './reads';
import { rebuildSearchIndex as rebuildSearchRows } from './search';
import type { WriteContext } from './statements';
import { createOne, emptyTrash as emptyTrashRows, purgeOne, putOne, restoreComment, trashOne, undeleteOne, updateOne } from './writes';
import type { VaultCore } from './vault-core';

/** Thrown inside a transaction to roll it back on purpose (bulk calls with a failed item). */
const ROLLBACK = Symbol('rollback');

/** The id of a bulk item, for its result line, whatever shape the item has. */
function idOfInput(item: unknown): string {
  return typeof item === 'object' && item !== null && 'id' in item ? String((item as { id: unknown }).id) : '';
}

/** `Vault.create`: a document at version 1, audited. */
export function createDocument(core: VaultCore, input: DocumentInput, opts?: WriteOptions): Document {
  return core.writeDoc('create', (w) => {
    const doc = createOne(w, input, opts);
    core.audit(w, { event: 'document.create', outcome: 'ok', count: 1 });
    return doc;
  });
}

/** `Vault.update`: the next version of `id` with `patch`'s fields changed. */
export function updateDocument(core: VaultCore, id: string, patch: DocumentPatch, opts?: WriteOptions): Document {
  return core.writeDoc('update', (w) => updateOne(w, id, patch, opts));
}

/** `Vault.put`: creates the document (audited) or writes its next version. */
export function putDocument(core: VaultCore, input: DocumentInput, opts?: WriteOptions): Document {
  return core.writeDoc('put', (w) => {
    const doc = putOne(w, input, opts);
    if (doc.version === 1) core.audit(w, { event: 'document.create', outcome: 'ok', count: 1 });
    return doc;
  });
}

/** `Vault.restore`: a new version equal to version `version`, with its attachments, commented where it came from. */
export function restoreVersion(core: VaultCore, id: string, version: number, opts?: WriteOptions): Document {
  const comment = restoreComment(version, opts?.comment);
  return core.writeDoc('restore', (w) => {
    const old = readVersion(w, validateId(id), validateVersion(version));
    // The restored version carries that version's attachments too.
    const attachments = old.attachments === undefined ? null : JSON.stringify(old.attachments);
    return updateOne(w, id, { content: old.content, title: old.title, type: old.type, tags: old.tags, metadata: old.metadata }, { ...opts, comment }, attachments);
  });
}

/** `Vault.delete`: moves a document to the Trash, audited. */
export function trashDocument(core: VaultCore, id: string, opts?: WriteOptions): void {
  core.op('delete', () => {
    core.tx((w) => {
      trashOne(w, id, opts);
      core.audit(w, { event: 'document.delete', outcome: 'ok', count: 1 });
    });
    core.afterWrite(id, null);
  });
}

/** `Vault.undelete`: brings a document back from the Trash, audited. */
export function undeleteDocument(core: VaultCore, id: string): Document {
  return core.writeDoc('undelete', (w) => {
    const doc = undeleteOne(w, id);
    core.audit(w, { event: 'document.undelete', outcome: 'ok', count: 1 });
    return doc;
  });
}

/** `Vault.purge`: erases a document and every version of it, audited; the WAL is scrubbed after. */
export function purgeDocument(core: VaultCore, id: string): void {
  core.op('purge', () => {
    core.tx((w) => {
      purgeOne(w, id);
      core.audit(w, { event: 'document.purge', outcome: 'ok', count: 1 });
    });
    core.afterWrite(id, null);
    core.scrub?.request();
  });
}

/** `Vault.emptyTrash`: purges every document in the Trash in one transaction; returns how many. */
export function emptyTrash(core: VaultCore): number {
  return core.op('emptyTrash', () => {
    const ids = core.tx((w) => {
      const purged = emptyTrashRows(w);
      if (purged.length > 0) core.audit(w, { event: 'document.purge', outcome: 'ok', count: purged.length });
      return purged;
    });
    for (const id of ids) core.afterWrite(id, null);
    if (ids.length > 0) core.scrub?.request();
    return ids.length;
  });
}

/**
 * Runs `one` for every item in one transaction: all or nothing. A failed item rolls the whole back and
 * the others are reported `rolledBack`; `audit` names the entry to append when all succeed.
 */
function bulk<I, T extends Document | null>(
  core: VaultCore,
  op: string,
  items: readonly I[],
  idOf: (item: I) => string,
  one: (w: WriteContext, item: I) => T,
  audit: (results: readonly BulkItemResult<T>[]) => AuditAppend | undefined,
): BulkResult<T> {
  return core.op(op, () => {
    validateBulk(items);
    const results: BulkItemResult<T>[] = [];
    let failed = false;
    try {
      core.tx((w) => {
        for (const item of items) {
          const id = idOf(item);
          try {
            results.push({ id, status: 'ok', value: one(w, item) });
          } catch (err) {
            if (!isDocvaultError(err)) throw err;
            failed = true;
            results.push({ id, status: 'error', error: { kind: err.kind, message: err.message } });
          }
        }
        if (failed) throw ROLLBACK;
        const entry = audit(results);
        if (entry !== undefined) core.audit(w, entry);
        // A savepoint even in a group commit (VaultCore.group): a failed item rolls back this call alone.
      }, true);
    } catch (err) {
      if (err !== ROLLBACK) throw err;
      // Nothing was committed; the items that did not fail are reported as rolled back.
      const rolled = results.map((r): BulkItemResult<T> => (r.status === 'ok' ? { id: r.id, status: 'rolledBack' } : r));
      for (const r of rolled) core.cache.invalidate(r.id);
      return { committed: false, items: rolled };
    }
    for (const r of results) if (r.status === 'ok') core.afterWrite(r.id, r.value);
    return { committed: true, items: results };
  });
}

/** `Vault.bulkCreate`: creates every document in one transaction. */
export function bulkCreate(core: VaultCore, inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
  return bulk(core, 'bulkCreate', inputs, idOfInput, (w, i) => createOne(w, i, opts), (r) => counted('document.create', r.length));
}

/** `Vault.bulkPut`: puts every document in one transaction. */
export function bulkPut(core: VaultCore, inputs: readonly DocumentInput[], opts?: Pick<WriteOptions, 'comment'>): BulkResult<Document> {
  return bulk(core, 'bulkPut', inputs, idOfInput, (w, i) => putOne(w, i, opts), (r) =>
    counted('document.create', r.filter((x) => x.status === 'ok' && x.value.version === 1).length),
  );
}

/** `Vault.bulkDelete`: moves every listed document to the Trash in one transaction. */
export function bulkDelete(core: VaultCore, ids: readonly string[]): BulkResult<null> {
  return bulk(core, 'bulkDelete', ids, (id) => String(id), (w, id) => {
    trashOne(w, id, undefined);
    return null;
  }, (r) => counted('document.delete', r.length));
}

/** `Vault.rebuildSearchIndex`: FTS5's `rebuild` from the documents, in one write transaction. */
export function rebuildSearchIndex(core: VaultCore): void {
  core.op('rebuildSearchIndex', () => core.tx((w) => rebuildSearchRows(w.db)));
}
