/**
 * The editor as a state machine: what it holds (the saved version, the draft, dialogs, messages) and how
 * each event changes it. Pure: no React, no calls, so every transition is unit-tested (test/renderer).
 */
import type { PushEvents } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import type { Document } from '../../shared/types';

/** The editable fields, as the form shows them (tags as one comma-separated string). */
export interface Draft {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly tags: string;
  readonly content: string;
}

/** An empty draft; `id` stays empty until the user types one (a default is made at save time). */
export const BLANK_DRAFT: Draft = { id: '', title: '', type: '', tags: '', content: '' };

/** The draft of a saved document. */
export function draftOf(d: Document): Draft {
  return { id: d.id, title: d.title, type: d.type, tags: d.tags.join(', '), content: d.content };
}

/** "a, b ,, a, #c" → ["a", "b", "c"]: the list shows tags as #tag, so a pasted # is dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim().replace(/^#+/, '').trim()).filter((t) => t !== ''))];
}

/** True when two drafts would save the same document. */
export function sameDraft(a: Draft, b: Draft): boolean {
  return a.id === b.id && a.title === b.title && a.type === b.type && parseTags(a.tags).join('\n') === parseTags(b.tags).join('\n') && a.content === b.content;
}

/** Lower-case ASCII words of `title` joined by dashes, at most 40 characters: "Flat lease (2025)" → "flat-lease-2025". */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 40).replace(/-+$/, '');
}

/**
 * A default id for a new document: the title's slug and 8 random base-36 characters ("flat-lease-k3v9x0qa"),
 * or "doc-…" without a title. 36^8 ≈ 2.8·10^12 suffixes, so two "New" + save in the same second never collide.
 */
export function defaultDocumentId(title: string, random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  // 252 = 7 × 36: bytes at or above it are skipped so every character is equally likely.
  let suffix = '';
  while (suffix.length < 8) for (const b of random(16)) if (b < 252 && suffix.length < 8) suffix += alphabet[b % 36];
  return `${slugOf(title) || 'doc'}-${suffix}`;
}

/** Everything the editor shows. */
export interface EditorState {
  /** The saved version the draft is based on; undefined for a new document or while loading. */
  readonly base: Document | undefined;
  readonly draft: Draft;
  readonly loadError: SerializedError | undefined;
  readonly error: SerializedError | undefined;
  readonly saving: boolean;
  /** The version saved by someone else, when a save hit a `Conflict`. */
  readonly conflict: Document | undefined;
  /** Someone else changed (or deleted) this document while the draft had unsaved changes. */
  readonly changedElsewhere: 'updated' | 'deleted' | undefined;
  /** The history dialog is open (it loads the versions itself: ../history). */
  readonly history: boolean;
  readonly notice: string | undefined;
}

/** The state of a new, empty editor. */
export const initialEditorState: EditorState = {
  base: undefined,
  draft: BLANK_DRAFT,
  loadError: undefined,
  error: undefined,
  saving: false,
  conflict: undefined,
  changedElsewhere: undefined,
  history: false,
  notice: undefined,
};

/** What can happen to the editor. */
export type EditorAction =
  | { readonly type: 'loaded'; readonly doc: Document }
  | { readonly type: 'loadFailed'; readonly error: SerializedError }
  | { readonly type: 'edit'; readonly field: keyof Draft; readonly value: string }
  | { readonly type: 'saveStarted' }
  /** `sent` is the draft that was saved: typing that happened during the save is kept. */
  | { readonly type: 'saved'; readonly doc: Document; readonly sent: Draft; readonly notice: string }
  /**
   * This window wrote `doc` besides the editor's own save (an attachment committed or removed): it becomes
   * the base; a clean draft follows it, unsaved edits stay (and save on top of it, without a conflict).
   */
  | { readonly type: 'adopted'; readonly doc: Document }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | { readonly type: 'conflict'; readonly theirs: Document }
  | { readonly type: 'takeTheirs' }
  | { readonly type: 'keepEditing' }
  | { readonly type: 'changedElsewhere'; readonly change: 'updated' | 'deleted' }
  | { readonly type: 'history'; readonly open: boolean }
  | { readonly type: 'dismissError' };

/** The editor's transitions. */
export function editorReducer(s: EditorState, a: EditorAction): EditorState {
  switch (a.type) {
    case 'loaded':
      return { ...s, base: a.doc, draft: draftOf(a.doc), loadError: undefined, changedElsewhere: undefined, history: false };
    case 'loadFailed':
      return { ...s, loadError: a.error };
    case 'edit':
      return { ...s, draft: { ...s.draft, [a.field]: a.value } };
    case 'saveStarted':
      return { ...s, saving: true, error: undefined };
    case 'saved':
      return {
        ...s,
        base: a.doc,
        // Keys typed while the save was on its way stay in the draft (and keep it unsaved).
        draft: sameDraft(s.draft, a.sent) ? draftOf(a.doc) : { ...s.draft, id: a.doc.id },
        saving: false,
        conflict: undefined,
        changedElsewhere: undefined,
        history: false,
        notice: a.notice,
      };
    case 'adopted': {
      if (s.base !== undefined && a.doc.version <= s.base.version) return s;
      const clean = s.base === undefined || sameDraft(s.draft, draftOf(s.base));
      return { ...s, base: a.doc, draft: clean ? draftOf(a.doc) : s.draft };
    }
    case 'failed':
      return { ...s, saving: false, error: a.error };
    case 'conflict':
      return { ...s, saving: false, conflict: a.theirs };
    case 'takeTheirs':
      return s.conflict === undefined ? s : { ...s, base: s.conflict, draft: draftOf(s.conflict), conflict: undefined, changedElsewhere: undefined };
    case 'keepEditing':
      return { ...s, conflict: undefined };
    case 'changedElsewhere':
      return { ...s, changedElsewhere: a.change };
    case 'history':
      return { ...s, history: a.open };
    case 'dismissError':
      return { ...s, error: undefined };
  }
}

/** True when the draft has something to save. */
export function isDirty(s: EditorState, isNew: boolean): boolean {
  if (isNew) return s.draft.title !== '' || s.draft.content !== '' || s.draft.type !== '' || s.draft.tags !== '' || s.draft.id !== '';
  return s.base !== undefined && !sameDraft(s.draft, draftOf(s.base));
}

/** What the editor does about a `doc.changed` event for its document. */
export type PushDecision = 'ignore' | 'reload' | 'flag' | 'defer';

/** What the editor knows when an event arrives (read from refs, never from a render that may be stale). */
export interface PushContext {
  /** The newest version this editor has loaded or written itself. */
  readonly knownVersion: number;
  /** A save of this document is on its way: its own event may arrive before its answer. */
  readonly saving: boolean;
  readonly dirty: boolean;
}

/**
 * Tells the editor's own writes from outside ones. A version the editor wrote (or loaded) is never news;
 * while a save is on its way nobody can tell yet, so the event waits for the answer ('defer').
 */
export function decidePush(e: PushEvents['doc.changed'], ctx: PushContext): PushDecision {
  if (e.change === 'deleted' || e.change === 'purged') return ctx.saving ? 'defer' : 'flag';
  if (e.version !== null && e.version <= ctx.knownVersion) return 'ignore';
  if (ctx.saving) return 'defer';
  return ctx.dirty ? 'flag' : 'reload';
}
