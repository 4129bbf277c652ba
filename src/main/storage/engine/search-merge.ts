/**
 * The search index's merges, moved out of callers' commits (schema step "search merges at idle").
 *
 * FTS5 writes each commit's index changes as a new segment and, with its default `automerge` of 4,
 * merges segments inside the commits that follow: measured, a sixth of the time of a group commit of 64
 * saves and a tenth of a bulk save (docs/bench.md, "eighth session"). Since the step, the vault's FTS5
 * setting `automerge` is 0, so commits never merge, and the writer merges at idle instead: once no
 * transaction has run for `idleCheckpointMs`, {@link SearchMerger.step} runs FTS5's `merge` command for
 * {@link MERGE_STEP_PAGES} pages in a transaction of its own, again and again (each a few ms, with the
 * event loop free in between, so a caller's write waits for one step at most) until a step finds nothing
 * to merge; then the WAL is checkpointed (./checkpoint.ts). A positive `merge` merges only levels holding
 * at least `usermerge` (4) segments, so an idle vault's index has the shape `automerge` 4 gave it, and
 * searches cost what they did.
 *
 * A writer that stays busy does not pile segments up for long. If its event loop turns (the service's
 * writer thread, between group commits) while it has been busy for {@link BUSY_MERGE_MS} (10 s) without an
 * idle time, {@link SearchMerger.busy} sets `automerge` back to 4 for the vault, so its commits merge as they
 * did before the step; the next idle time's steps end with it set to 0 again (as does a close, and the
 * first idle time after a crash that left it at 4). Before that, and in a synchronous loop of writes
 * whose event loop never turns (scripts/write-loop.mjs), the bound is FTS5's `crisismerge` (16): a
 * level's 16th segment merges the whole level inside that commit, the longest single commit of such a
 * run (docs/bench.md, ninth session, has the figures).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { WritableDB } from './db';

/** Pages FTS5 writes per idle merge step: measured 6.7 ms median, 57 ms at most, per step (docs/bench.md, ninth session). */
export const MERGE_STEP_PAGES = 32;

/**
 * How long a writer may be busy, without an idle time, before its commits merge again (automerge 4). Long
 * enough that a burst (a bulk import of a few thousand documents, the bench's 2.3 s trials) defers all its
 * merges to the idle time after it; short enough that FTS5's crisis merges stay small (at the service's
 * rates, level 1 at most). Measured (docs/bench.md, ninth session): at 1 s, the switch moved the first
 * second's merges into the rest of a bench trial, and bulk-save-1000 fell 23 % below the build without the
 * step (2.90–3.12k against 3.77–4.08k docs/s); without a switch inside the trial it rose 10 % (4.15–4.44k).
 */
export const BUSY_MERGE_MS = 10_000;

/** FTS5's `automerge` in a commit-merging period (FTS5's default). */
const IN_COMMITS = 4;

interface MergeStatements {
  readonly changes: Database.Statement;
  readonly merge: Database.Statement;
  readonly automerge: Database.Statement;
}

/** Runs bounded FTS5 merges when asked; see the file comment. One per writer connection. */
export class SearchMerger {
  readonly #db: WritableDB;
  readonly #pages: number;
  /** Whether a commit since the last fruitless step may have added a segment (true at open: a last session may have left some). */
  #pending = true;
  /** Prepared at the first use (the connection is migrated by then). */
  #sql: MergeStatements | undefined;
  /** Whether commits merge (automerge 4, set by {@link busy} or left by a crash); undefined until read. */
  #inCommits: boolean | undefined;
  readonly busyAfterMs = BUSY_MERGE_MS;

  constructor(db: WritableDB, pages = MERGE_STEP_PAGES) {
    this.#db = db;
    this.#pages = Math.max(1, Math.floor(pages));
  }

  /** Whether a step may find work (a commit since the last step that found none), or commits merge and must stop. */
  get pending(): boolean {
    return this.#pending || this.#inCommits !== false;
  }

  /** After a commit of this connection: its segment may need merging. O(1). */
  touched(): void {
    this.#pending = true;
  }

  /**
   * One step in an IMMEDIATE transaction of its own (durable like any commit): a merge of at most the
   * step's pages or, once nothing is left to merge, `automerge` set back to 0 if commits were merging.
   * Returns whether more may be left. Throws what SQLite throws (busy, a full disk, a damaged page): the
   * caller retries later, and the work stays pending.
   */
  step(): boolean {
    const { changes, merge } = this.#statements();
    if (this.#pending) {
      const before = changes.get() as number;
      this.#db.transaction(() => merge.run()).immediate();
      // FTS5's own test of "nothing left": a merge that found no work changes fewer than two rows.
      this.#pending = (changes.get() as number) - before >= 2;
      if (this.#pending) return true;
    }
    if (this.#readInCommits()) this.#setAutomerge(0);
    return false;
  }

  /** The writer has been busy for {@link busyAfterMs}: its commits merge (automerge 4) until the next idle step. */
  busy(): void {
    if (!this.#readInCommits()) this.#setAutomerge(IN_COMMITS);
  }

  #statements(): MergeStatements {
    const db = this.#db;
    // FTS5 takes its commands' arguments as literals only.
    return (this.#sql ??= {
      changes: db.prepare('SELECT total_changes()').pluck(),
      merge: db.prepare(`INSERT INTO search_index (search_index, rank) VALUES ('merge', ${this.#pages})`),
      automerge: db.prepare("SELECT v FROM search_index_config WHERE k = 'automerge'").pluck(),
    });
  }

  /** Whether the vault's setting makes commits merge (read once; this connection is the one writer that sets it). */
  #readInCommits(): boolean {
    return (this.#inCommits ??= (this.#statements().automerge.get() ?? IN_COMMITS) !== 0);
  }

  #setAutomerge(value: 0 | typeof IN_COMMITS): void {
    this.#db.transaction(() => this.#db.exec(`INSERT INTO search_index (search_index, rank) VALUES ('automerge', ${value})`)).immediate();
    this.#inCommits = value !== 0;
  }
}
