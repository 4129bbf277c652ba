import { describe, expect, it } from 'vitest';
import { historyReducer, INITIAL_HISTORY, integrityProblem, versionsToRead, type HistoryState } from '../../src/renderer/history/history-state';
import type { Document, VersionInfo } from '../../src/shared/types';

const info = (version: number, extra: Partial<VersionInfo> = {}): VersionInfo => ({
  id: 'd',
  version,
  title: `v${version}`,
  type: '',
  tags: [],
  size: 1,
  checksum: 'x',
  createdAt: version,
  comment: null,
  ...extra,
});
const doc = (version: number): Document => ({ id: 'd', version, title: '', content: `c${version}`, type: '', tags: [], metadata: {}, createdAt: 0, updatedAt: 0, size: 2, checksum: 'x' });
const listed = (n: number, s: HistoryState = INITIAL_HISTORY): HistoryState => historyReducer(s, { type: 'listed', versions: Array.from({ length: n }, (_, i) => info(i + 1)) });

describe('historyReducer', () => {
  it('selects the newest version at first and compares it with the one before', () => {
    const s = listed(3);
    expect(s).toMatchObject({ selected: 3, left: 2, right: 3, tab: 'view' });
    expect(versionsToRead(s)).toEqual([3]);
  });

  it('compares a selected older version with the current one by default', () => {
    const s = historyReducer(listed(3), { type: 'select', version: 1 });
    expect(s).toMatchObject({ selected: 1, left: 1, right: 3 });
    expect(versionsToRead(historyReducer(s, { type: 'tab', tab: 'compare' }))).toEqual([1, 3]);
  });

  it('compares any two versions chosen, and reads each only once', () => {
    let s = historyReducer(listed(4), { type: 'compare', left: 2, right: 1 });
    expect(s).toMatchObject({ left: 2, right: 1, tab: 'compare' });
    s = historyReducer(s, { type: 'read', doc: doc(2) });
    expect(versionsToRead(s)).toEqual([1]);
    s = historyReducer(s, { type: 'readFailed', version: 1, error: { kind: 'NotFound', message: 'gone' } });
    expect(versionsToRead(s)).toEqual([]);
  });

  it('keeps the selection when the list reloads, and moves to a new version after a restore', () => {
    let s = historyReducer(listed(3), { type: 'select', version: 1 });
    s = historyReducer(s, { type: 'restore', version: 1 });
    expect(s.restoring).toBe(1);
    s = listed(3, s);
    expect(s).toMatchObject({ selected: 1, left: 1, right: 3 });
    // A version the list no longer has (another document) falls back to the newest.
    expect(listed(2, historyReducer(listed(5), { type: 'select', version: 5 }))).toMatchObject({ selected: 2 });
  });

  it('records a failed list', () => {
    expect(historyReducer(INITIAL_HISTORY, { type: 'listFailed', error: { kind: 'Closed', message: 'locked' } }).listError).toEqual({ kind: 'Closed', message: 'locked' });
  });
});

describe('integrityProblem', () => {
  it('comes from the timeline record or from reading the version, and only for Integrity errors', () => {
    let s = historyReducer(INITIAL_HISTORY, { type: 'listed', versions: [info(1, { integrityProblem: 'version tag mismatch' }), info(2), info(3)] });
    expect(integrityProblem(s, 1)).toBe('version tag mismatch');
    expect(integrityProblem(s, 2)).toBeUndefined();
    s = historyReducer(s, { type: 'readFailed', version: 2, error: { kind: 'Integrity', message: 'content checksum mismatch' } });
    s = historyReducer(s, { type: 'readFailed', version: 3, error: { kind: 'Closed', message: 'locked' } });
    expect(integrityProblem(s, 2)).toBe('content checksum mismatch');
    expect(integrityProblem(s, 3)).toBeUndefined();
  });
});
