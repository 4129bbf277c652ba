/**
 * Schema as numbered migrations (./migration-steps.ts), tracked in `PRAGMA user_version`. Each step runs in its own
 * transaction and is tested from the version before it (test/storage/migrations.test.ts).
 * Never edit a shipped step: append one.
 *
 * Room left for what comes next: `meta` holds vault-wide settings (KDF record, vault id, key rotation
 * generation later); import records will be new tables in new steps.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../shared/errors';
import { MIGRATION_PHASE, type Progress } from '../../shared/types';
import { createSyncState } from './sync/schema';
import { createAttachmentTables, createAttachmentTotals } from './attachments-schema';
import { createSyncFiles } from './sync/files-schema';
import { addSearchFacets } from './search-facets';
import { MIGRATIONS, createAuditLog, dropTotalsTriggers } from './migration-steps';

export { MIGRATIONS };

/** What a step may need besides the connection: the tag key, for steps that rewrite tags; where to report progress. */
export interface MigrationContext {
  /** The vault's HMAC key. A step that rewrites tags refuses to run on rows without it. */
  readonly macKey?: Uint8Array;
  /**
   * How the upgrade stands, for a caller that shows it: `total` is the number of steps to run, `done` the
   * steps finished plus the running step's fraction (a step that reports its own progress moves it between
   * whole numbers), `phase` is always {@link MIGRATION_PHASE}. Called before each step, within the steps
   * that report, and once with `done === total` at the end; never when no step runs. A throw from it
   * fails the step (its transaction rolls back).
   */
  readonly onProgress?: (p: Progress) => void;
  /** Set by {@link migrate} for the running step: a long step reports `done` of `total` of its own units here. */
  readonly stepProgress?: (done: number, total: number) => void;
}

/** One migration step: brings the schema from `version - 1` to `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database, ctx: MigrationContext) => void;
}


/** The schema step that adds the team-vault sync state (its number lives only in the step above). */
export const SYNC_STATE_STEP = (MIGRATIONS.find((m) => m.up === createSyncState) as Migration).version;
/** The schema step that adds the audit log (tests migrate to the step before it). Its number lives in MIGRATIONS only. */
export const AUDIT_STEP = (MIGRATIONS.find((m) => m.up === createAuditLog) as Migration).version;
/** The step that adds attachments (tests migrate to the step before it through this, never a literal). */
export const ATTACHMENTS_STEP = (MIGRATIONS.find((m) => m.up === createAttachmentTables) as Migration).version;
/** The step that drops the counter triggers (engine/totals.ts keeps the totals); code and tests name it through this. */
export const TOTALS_STEP = (MIGRATIONS.find((m) => m.up === dropTotalsTriggers) as Migration).version;
/** The step that adds attachment sync's tables (tests migrate to the step before it through this). */
export const SYNC_FILES_STEP = (MIGRATIONS.find((m) => m.up === createSyncFiles) as Migration).version;
/** The step that adds the attachment totals to `counters` (tests migrate to the step before it through this). */
export const ATTACHMENT_TOTALS_STEP = (MIGRATIONS.find((m) => m.up === createAttachmentTotals) as Migration).version;
/** The step that gives the search index its facet column (tests migrate to the step before it through this). */
export const SEARCH_FACETS_STEP = (MIGRATIONS.find((m) => m.up === addSearchFacets) as Migration).version;
/** The step that keys tag rows by (tag, updated_at, doc); code and tests name it through this, never by number. */
export const TAG_ROWS_KEYED_STEP = stepNamed('tag rows keyed');
/** The step that merges the search index into one segment; code and tests name it through this. */
export const SEARCH_MERGED_STEP = stepNamed('search index merged');
/** The step that turns FTS5's automerge off (the writer merges at idle); code and tests name it through this. */
export const SEARCH_IDLE_MERGE_STEP = stepNamed('search merges at idle');
/** The step that queues the search index's work outside the commits; code and tests name it through this. */
export const SEARCH_QUEUE_STEP = stepNamed('search queue');
/** The step from which tag rows move with the search queue's flush. */
export const TAG_QUEUE_STEP = stepNamed('tag rows queued');
/** The step from which the audit log's head is a row of `counters`. */
export const AUDIT_HEAD_STEP = stepNamed('audit head in counters');
/** The step from which new documents wait for the index after a mark instead of in the queue. */
export const SEARCH_MARK_STEP = stepNamed('search mark');
/** The step from which lists by update time walk held rows in `document_tags` (the two time indexes dropped). */
export const TIME_ROWS_STEP = stepNamed('time rows held');
/** The step from which the audit log's newest entry may be kept in its head (engine/audit.ts). */
export const AUDIT_TAIL_STEP = stepNamed('audit tail in the head');
/** The step from which version rows are in append order (`seq`), found by `vid` through `versions_vid`. */
export const VERSIONS_ORDER_STEP = stepNamed('versions in append order');
/** The step from which an update waits for the index past the sequence mark, not in a queue row (search-seq-schema.ts). */
export const SEARCH_SEQ_STEP = stepNamed('updates wait past a sequence mark');
/** The step from which lists by title walk held rows in `document_tags` (`documents_title` dropped: title-rows-schema.ts). */
export const TITLE_ROWS_STEP = stepNamed('title rows held');
/** The step from which the search index is keyed by document, not by version (search-doc-keys-schema.ts). */
export const SEARCH_DOC_KEYS_STEP = stepNamed('search entries keyed by document');

/** The number of the step whose name starts with `prefix` (each step's number lives in MIGRATIONS only). */
function stepNamed(prefix: string): number {
  const step = MIGRATIONS.find((m) => m.name.startsWith(prefix));
  if (step === undefined) throw new Error(`no schema step named ${prefix}`);
  return step.version;
}

/** Bits of a version key (`versions.vid`) that hold the version number: doc * 2^24 + version. */
export const VERSION_BITS = 24;
/** Highest version number a document can reach (2^24 - 1). */
export const MAX_VERSION = 2 ** VERSION_BITS - 1;
/** Highest document rowid whose version keys stay below 2^53 (exact in JavaScript numbers). */
export const MAX_DOC = 2 ** (53 - VERSION_BITS) - 1;

/** The key of version `version` of document `doc`. */
export function versionKey(doc: number, version: number): number {
  return doc * 2 ** VERSION_BITS + version;
}

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `db` to `target` (default: the newest), each step in its own IMMEDIATE transaction: a crash
 * (even SIGKILL) mid-step leaves the vault at the step before, never between. Refuses a vault from a newer docvault rather than
 * guessing at a schema it does not know.
 */
export function migrate(db: Database.Database, target = SCHEMA_VERSION, ctx: MigrationContext = {}): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION)
    throw new DocvaultError('NotAVault', `This vault has schema version ${current}; this docvault knows up to ${SCHEMA_VERSION}. Update docvault.`, {
      reason: 'newerSchema',
      schemaVersion: current,
    });
  const steps = MIGRATIONS.filter((m) => m.version > current && m.version <= target);
  const report = ctx.onProgress;
  const phase = MIGRATION_PHASE;
  steps.forEach((m, i) => {
    const stepCtx: MigrationContext =
      report === undefined ? ctx : { ...ctx, stepProgress: (done, total) => report({ done: i + (total > 0 ? Math.min(1, done / total) : 0), total: steps.length, phase }) };
    db.transaction(() => {
      report?.({ done: i, total: steps.length, phase });
      m.up(db, stepCtx);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  });
  if (steps.length > 0) report?.({ done: steps.length, total: steps.length, phase });
  return db.pragma('user_version', { simple: true }) as number;
}
