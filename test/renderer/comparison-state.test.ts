import { describe, expect, it } from 'vitest';
import { comparisonReducer, IDLE, progressFraction, type ComparisonState } from '../../src/renderer/compare/comparison-state';
import { changeKeyLabels, changeStepForKey, diffViewReducer, initialDiffView } from '../../src/renderer/compare/diff-view-state';
import { runCompareRequest, type CompareReply } from '../../src/renderer/compare/protocol';

const v = (content: string) => ({ title: 't', type: '', tags: [], metadata: {}, content });

describe('runCompareRequest (the worker body)', () => {
  it('posts progress, then one result with the duration, all under the request number', () => {
    const replies: CompareReply[] = [];
    let clock = 100;
    runCompareRequest({ seq: 7, a: v('a\nb\n'), b: v('a\nB\n') }, (r) => replies.push(r), () => (clock += 5));
    expect(replies.every((r) => r.seq === 7)).toBe(true);
    expect(replies.slice(0, -1).every((r) => r.type === 'progress')).toBe(true);
    const last = replies[replies.length - 1];
    expect(last).toMatchObject({ type: 'done', durationMs: 5, comparison: { stats: { added: 1, removed: 1, unchanged: 1, changes: 1 } } });
  });

  it('posts a typed error instead of throwing', () => {
    const replies: CompareReply[] = [];
    runCompareRequest({ seq: 1, a: v('x'), b: null as unknown as ReturnType<typeof v> }, (r) => replies.push(r));
    expect(replies[replies.length - 1]).toMatchObject({ seq: 1, type: 'error', error: { kind: 'Internal' } });
  });
});

describe('comparisonReducer', () => {
  const done: CompareReply = { seq: 2, type: 'done', durationMs: 3, comparison: { lines: [], fields: [], stats: { added: 0, removed: 0, unchanged: 0, changes: 0 }, identical: true, approximate: false } };

  it('runs, shows progress and finishes', () => {
    let s: ComparisonState = comparisonReducer(IDLE, { type: 'start', seq: 2 });
    s = comparisonReducer(s, { type: 'reply', reply: { seq: 2, type: 'progress', progress: { phase: 'words', done: 5, total: 10 } } });
    expect(s).toEqual({ status: 'running', seq: 2, progress: { phase: 'words', done: 5, total: 10 } });
    s = comparisonReducer(s, { type: 'reply', reply: done });
    expect(s).toMatchObject({ status: 'done', durationMs: 3 });
  });

  it('ignores replies to an older request and anything after a cancel', () => {
    const running = comparisonReducer(IDLE, { type: 'start', seq: 3 });
    expect(comparisonReducer(running, { type: 'reply', reply: done })).toBe(running);
    const cancelled = comparisonReducer(running, { type: 'cancel', seq: 3 });
    expect(cancelled).toEqual({ status: 'cancelled', seq: 3 });
    expect(comparisonReducer(cancelled, { type: 'reply', reply: { ...done, seq: 3 } })).toBe(cancelled);
    expect(comparisonReducer(cancelled, { type: 'cancel', seq: 3 })).toBe(cancelled);
  });

  it('turns a worker crash into an Internal error of that request only', () => {
    const running = comparisonReducer(IDLE, { type: 'start', seq: 4 });
    expect(comparisonReducer(running, { type: 'crash', seq: 1, message: 'x' })).toBe(running);
    expect(comparisonReducer(running, { type: 'crash', seq: 4, message: 'blocked' })).toMatchObject({ status: 'error', error: { kind: 'Internal', message: expect.stringContaining('blocked') } });
    expect(comparisonReducer(running, { type: 'reset' })).toBe(IDLE);
  });

  it('maps progress to a bar: lines are the first half, words the second', () => {
    expect(progressFraction(null)).toBe(0);
    expect(progressFraction({ phase: 'lines', done: 1, total: 1 })).toBe(0.5);
    expect(progressFraction({ phase: 'words', done: 1, total: 4 })).toBe(0.625);
    expect(progressFraction({ phase: 'words', done: 0, total: 0 })).toBe(1);
  });
});

describe('diffViewReducer', () => {
  it('switches mode, expands regions once, remembers the current change and resets keeping the mode', () => {
    let s = initialDiffView();
    expect(s.mode).toBe('split');
    s = diffViewReducer(s, { type: 'mode', mode: 'inline' });
    expect(diffViewReducer(s, { type: 'mode', mode: 'inline' })).toBe(s);
    s = diffViewReducer(s, { type: 'expand', start: 10 });
    expect(diffViewReducer(s, { type: 'expand', start: 10 })).toBe(s);
    s = diffViewReducer(s, { type: 'goto', change: 2 });
    expect([...s.expanded]).toEqual([10]);
    expect(s.current).toBe(2);
    expect(diffViewReducer(s, { type: 'reset' })).toEqual({ mode: 'inline', expanded: new Set(), current: null });
  });
});

describe('change keys', () => {
  const press = (key: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({ key, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods });
  it('steps with N / F7 and P / Shift+F7, and ignores the same keys with other modifiers', () => {
    expect(changeStepForKey(press('n'))).toBe(1);
    expect(changeStepForKey(press('F7'))).toBe(1);
    expect(changeStepForKey(press('p'))).toBe(-1);
    expect(changeStepForKey(press('F7', { shiftKey: true }))).toBe(-1);
    expect(changeStepForKey(press('n', { ctrlKey: true }))).toBe(0);
    expect(changeStepForKey(press('x'))).toBe(0);
  });
  it('labels the buttons from the same table', () => {
    expect(changeKeyLabels('next')).toEqual({ title: 'N or F7', aria: 'N F7' });
    expect(changeKeyLabels('previous')).toEqual({ title: 'P or Shift+F7', aria: 'P Shift+F7' });
  });
});
