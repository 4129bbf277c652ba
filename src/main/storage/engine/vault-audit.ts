/**
 * The bodies of the Vault's verify and audit-log methods: verify adds the audit chain's check to the
 * engine's (./verify.ts) with its last chunk; the log is read in one read transaction and appended to in
 * a write transaction of its own.
 */

import { DocvaultError } from '../../../shared/errors';
import type { AuditPage, AuditQuery, AuditRecord } from '../../../shared/audit';
import type { Progress, VerifyOptions, VerifyReport } from '../../../shared/types';
import { checkSearchIndex } from '../search-index';
import { auditVerifyProblems, readAudit, validateAuditRecord } from './audit';
import { readTransaction, type WritableDB } from './db';
import { verifyVault } from './verify';
import { now, type VaultCore } from './vault-core';

/**
 * FTS5's check of the index against its text, without waiting for the write lock its command takes: if
 * another connection is writing, SQLITE_BUSY at once (verify then says the check was skipped), not a
 * 5 s wait.
 */
function checkIndexNow(db: WritableDB): void {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    checkSearchIndex(db);
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}

/** `Vault.verify`: the engine's checks, then (with the last chunk) the audit chain's. */
export function verify(core: VaultCore, onProgress?: (p: Progress) => void, options?: VerifyOptions): VerifyReport {
  return core.op('verify', () => {
    // A whole verify compares the search index with every committed write: the queue is flushed first.
    if (options?.from === undefined) core.flushSearch();
    const db = core.conn();
    const t0 = now();
    const w = core.write;
    const report = verifyVault(core.settled(), readTransaction(db), onProgress, options, {
      attachments: core.attachments,
      ...(w === undefined ? {} : { checkSearchIndex: () => checkIndexNow(w.db) }),
    });
    // The audit chain is checked with the last chunk (it is small: at most auditMaxEntries rows).
    const audit = report.next === undefined ? auditVerifyProblems(db, core.auditKey) : [];
    const problems = audit.length === 0 ? report.problems : [...report.problems, ...audit];
    return { ...report, ok: problems.length === 0, problems, durationMs: now() - t0 };
  });
}

/** `Vault.auditLog`: a page of the audit log and every break in its chain, from one read transaction. */
export function auditLog(core: VaultCore, query: AuditQuery = {}): AuditPage {
  return core.op('auditLog', () => {
    if (typeof query !== 'object' || query === null) throw new DocvaultError('Invalid', 'query: an object is expected');
    const db = core.conn();
    // Inside a write transaction, its own entries are appended first (they wait for its end otherwise).
    core.settled();
    const tx = readTransaction(db);
    tx.begin();
    try {
      return readAudit(db, core.auditKey, query);
    } finally {
      tx.end();
    }
  });
}

/** `Vault.recordAudit`: appends an event the app layer observes, validated, in its own transaction. */
export function recordAudit(core: VaultCore, record: AuditRecord): void {
  core.op('recordAudit', () => {
    const e = validateAuditRecord(record);
    core.tx((w) => core.audit(w, e));
  });
}
