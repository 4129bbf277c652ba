/** The editor's state machine (src/renderer/model/editor.ts): transitions, dirty tracking, own writes vs outside ones. */
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/shared/types';
import { validateId } from '../../src/shared/validation';
import { decidePush, defaultDocumentId, draftOf, editorReducer, initialEditorState, isDirty, parseTags, slugOf, type EditorState } from '../../src/renderer/model/editor';

function doc(version: number, over: Partial<Document> = {}): Document {
  return {
    id: 'lease',
    title: 'Flat lease',
    type: 'contract',
    tags: ['home'],
    content: `v${version}`,
    metadata: {},
    version,
    size: 2,
    createdAt: 1,
    updatedAt: version,
    ...over,
  } as Document;
}

const loaded = (v = 1): EditorState => editorReducer(initialEditorState, { type: 'loaded', doc: doc(v) });

describe('editor reducer', () => {
  it('is clean after loading and dirty after an edit, clean again when the edit is undone', () => {
    let s = loaded();
    expect(isDirty(s, false)).toBe(false);
    s = editorReducer(s, { type: 'edit', field: 'content', value: 'changed' });
    expect(isDirty(s, false)).toBe(true);
    s = editorReducer(s, { type: 'edit', field: 'content', value: 'v1' });
    expect(isDirty(s, false)).toBe(false);
  });

  it('treats tag order-preserving rewrites ("#home, home") as no change', () => {
    const s = editorReducer(loaded(), { type: 'edit', field: 'tags', value: '#home, home ' });
    expect(isDirty(s, false)).toBe(false);
  });

  it('a new document is dirty as soon as any field has text, the id included', () => {
    expect(isDirty(initialEditorState, true)).toBe(false);
    expect(isDirty(editorReducer(initialEditorState, { type: 'edit', field: 'id', value: 'x' }), true)).toBe(true);
  });

  it('after a save the draft is the saved document, unless the user typed during the save', () => {
    let s = editorReducer(loaded(), { type: 'edit', field: 'content', value: 'A' });
    const sent = s.draft;
    s = editorReducer(s, { type: 'saveStarted' });
    expect(s.saving).toBe(true);
    const clean = editorReducer(s, { type: 'saved', doc: doc(2, { content: 'A' }), sent, notice: 'Saved version 2' });
    expect(clean.saving).toBe(false);
    expect(clean.base?.version).toBe(2);
    expect(isDirty(clean, false)).toBe(false);
    expect(clean.notice).toBe('Saved version 2');
    // Typing "B" while version 2 was being written: the B stays, and the draft stays unsaved.
    const typed = editorReducer(s, { type: 'edit', field: 'content', value: 'AB' });
    const after = editorReducer(typed, { type: 'saved', doc: doc(2, { content: 'A' }), sent, notice: 'Saved version 2' });
    expect(after.draft.content).toBe('AB');
    expect(isDirty(after, false)).toBe(true);
  });

  it('a conflict keeps the draft; "use saved version" takes theirs; "keep editing" closes the dialog', () => {
    const edited = editorReducer(loaded(), { type: 'edit', field: 'content', value: 'mine' });
    const c = editorReducer(editorReducer(edited, { type: 'saveStarted' }), { type: 'conflict', theirs: doc(2, { content: 'theirs' }) });
    expect(c.saving).toBe(false);
    expect(c.conflict?.version).toBe(2);
    expect(c.draft.content).toBe('mine');
    const keep = editorReducer(c, { type: 'keepEditing' });
    expect(keep.conflict).toBeUndefined();
    expect(keep.draft.content).toBe('mine');
    const take = editorReducer(c, { type: 'takeTheirs' });
    expect(take.draft.content).toBe('theirs');
    expect(take.base?.version).toBe(2);
    expect(isDirty(take, false)).toBe(false);
  });

  it('a failed save shows its error and can be dismissed', () => {
    const f = editorReducer(editorReducer(loaded(), { type: 'saveStarted' }), { type: 'failed', error: { kind: 'TooLarge', message: 'too big' } });
    expect(f.saving).toBe(false);
    expect(f.error?.kind).toBe('TooLarge');
    expect(editorReducer(f, { type: 'dismissError' }).error).toBeUndefined();
  });
});

describe('a version this window wrote besides a save (an attachment): adopted', () => {
  it('a clean draft follows it', () => {
    const s = editorReducer(loaded(2), { type: 'adopted', doc: doc(3, { content: 'v2' }) });
    expect(s.base?.version).toBe(3);
    expect(isDirty(s, false)).toBe(false);
  });

  it('unsaved edits stay, now on top of the new version (a save then expects version 3: no conflict)', () => {
    const typed = editorReducer(loaded(2), { type: 'edit', field: 'content', value: 'typed during the upload' });
    const s = editorReducer(typed, { type: 'adopted', doc: doc(3, { content: 'v2' }) });
    expect(s.base?.version).toBe(3);
    expect(s.draft.content).toBe('typed during the upload');
    expect(isDirty(s, false)).toBe(true);
  });

  it('an older version than the base (answers out of order) changes nothing', () => {
    const s = loaded(5);
    expect(editorReducer(s, { type: 'adopted', doc: doc(4) })).toBe(s);
  });
});

describe('own writes are not outside changes (defect 1)', () => {
  it('ignores the event of a version the editor wrote or loaded itself', () => {
    expect(decidePush({ id: 'lease', change: 'updated', version: 3 }, { knownVersion: 3, saving: false, dirty: true })).toBe('ignore');
    expect(decidePush({ id: 'lease', change: 'updated', version: 2 }, { knownVersion: 3, saving: false, dirty: true })).toBe('ignore');
  });
  it('waits for the answer when the event arrives while a save is on its way', () => {
    expect(decidePush({ id: 'lease', change: 'updated', version: 4 }, { knownVersion: 3, saving: true, dirty: true })).toBe('defer');
  });
  it('reloads a clean draft and flags a dirty one for a newer version', () => {
    expect(decidePush({ id: 'lease', change: 'updated', version: 4 }, { knownVersion: 3, saving: false, dirty: false })).toBe('reload');
    expect(decidePush({ id: 'lease', change: 'updated', version: 4 }, { knownVersion: 3, saving: false, dirty: true })).toBe('flag');
    expect(decidePush({ id: 'lease', change: 'deleted', version: null }, { knownVersion: 3, saving: false, dirty: false })).toBe('flag');
  });
});

describe('default ids (defect 2)', () => {
  it('are the title slug plus 8 random characters, valid ids, and differ between two calls', () => {
    const a = defaultDocumentId('Flat lease (2025)');
    const b = defaultDocumentId('Flat lease (2025)');
    expect(a).toMatch(/^flat-lease-2025-[0-9a-z]{8}$/);
    expect(a).not.toBe(b);
    expect(validateId(a)).toBe(a);
  });
  it('fall back to "doc-" without a usable title, and drop accents', () => {
    expect(defaultDocumentId('')).toMatch(/^doc-[0-9a-z]{8}$/);
    expect(defaultDocumentId('日本')).toMatch(/^doc-[0-9a-z]{8}$/);
    expect(slugOf('Café Crème — Menu')).toBe('cafe-creme-menu');
    expect(slugOf('x'.repeat(100))).toHaveLength(40);
  });
  it('skip biased bytes so every suffix character is equally likely', () => {
    // 252..255 would favour the first four characters; a source of only those bytes then zeros gives "0…".
    let calls = 0;
    const id = defaultDocumentId('t', (n) => new Uint8Array(n).fill(calls++ === 0 ? 255 : 0));
    expect(id).toBe('t-00000000');
    expect(calls).toBe(2);
  });
});

describe('drafts', () => {
  it('parseTags trims, drops empties, duplicates and a leading #', () => {
    expect(parseTags(' a, b ,, a, #c, ##d')).toEqual(['a', 'b', 'c', 'd']);
  });
  it('draftOf joins tags for the form', () => {
    expect(draftOf(doc(1, { tags: ['a', 'b'] })).tags).toBe('a, b');
  });
});
