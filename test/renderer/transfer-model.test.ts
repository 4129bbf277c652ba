/** Import and export in the window (src/renderer/model/transfer.ts): form, start, progress, Cancel, summary. */
import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, canSubmit, exportRequestOf, initialTransfer, progressLine, summaryTitle, transferReducer, type TransferState } from '../../src/renderer/model/transfer';
import type { TransferProgress, TransferSummary } from '../../src/shared/transfer';

const progress = (jobId: string, done: number, total: number | null = 10): TransferProgress => ({ jobId, kind: 'import', phase: 'writing', done, total, current: `f${done}.md` });
const summary = (jobId: string, outcome: TransferSummary['outcome'] = 'done'): TransferSummary => ({
  jobId, kind: 'import', outcome, documents: 3, versions: 3, files: 0, where: '/in', issues: [], issuesOmitted: 0, seconds: 1,
});

function run(...actions: Parameters<typeof transferReducer>[1][]): TransferState {
  return actions.reduce(transferReducer, initialTransfer);
}

describe('transfer reducer', () => {
  it('form → starting → running with the progress of its own job only → summary', () => {
    let s = run({ type: 'open', kind: 'import' }, { type: 'edit', change: { path: '/in' } }, { type: 'submit' });
    expect(s.step).toBe('starting');
    // An event may come before the answer with the job id: kept.
    s = transferReducer(s, { type: 'progress', progress: progress('j1', 2) });
    s = transferReducer(s, { type: 'started', jobId: 'j1' });
    expect(s).toMatchObject({ step: 'running', jobId: 'j1', progress: { done: 2 } });
    s = transferReducer(s, { type: 'progress', progress: progress('other', 9) });
    expect(s).toMatchObject({ progress: { done: 2 } });
    s = transferReducer(s, { type: 'close' });
    expect(s.step).toBe('running');
    s = transferReducer(s, { type: 'cancelling' });
    expect(s).toMatchObject({ cancelling: true });
    s = transferReducer(s, { type: 'done', summary: summary('other') });
    expect(s.step).toBe('running');
    s = transferReducer(s, { type: 'done', summary: summary('j1', 'cancelled') });
    expect(s).toMatchObject({ step: 'summary', summary: { outcome: 'cancelled' } });
    expect(transferReducer(s, { type: 'close' })).toEqual(initialTransfer);
  });

  it('a refused start goes back to the form with the error, and the used grant is dropped', () => {
    let s = run({ type: 'open', kind: 'export' }, { type: 'edit', change: { grant: { grant: 'g', label: '/out' } } }, { type: 'submit' });
    s = transferReducer(s, { type: 'failed', error: { kind: 'Conflict', message: 'busy' } });
    expect(s).toMatchObject({ step: 'form', kind: 'export', error: { kind: 'Conflict' }, form: { grant: undefined } });
    expect(s.step === 'form' && canSubmit(s.form)).toBe(false);
  });

  it('switching between folder and file forgets the path; typing keeps the rest', () => {
    let s = run({ type: 'open', kind: 'import' }, { type: 'edit', change: { path: '/a', versions: true } });
    s = transferReducer(s, { type: 'edit', change: { source: 'file' } });
    expect(s).toMatchObject({ form: { source: 'file', path: '', versions: true } });
    expect(transferReducer(s, { type: 'submit' }).step).toBe('starting');
  });

  it('export requests: everything, the filters, or the open document', () => {
    const form = { ...EMPTY_FORM, path: ' /out ', format: 'json' as const, versions: true };
    expect(exportRequestOf(form, { type: 'tax', tag: '#money' }, 'd1')).toEqual({ target: { path: '/out' }, format: 'json', versions: true });
    expect(exportRequestOf({ ...form, scope: 'filtered' }, { type: 'tax', tag: '#money' }, 'd1').selection).toEqual({ type: 'tax', tag: 'money' });
    expect(exportRequestOf({ ...form, scope: 'current' }, { type: '', tag: '' }, 'd1').selection).toEqual({ ids: ['d1'] });
  });

  it('words for progress and outcomes', () => {
    expect(progressLine(progress('j', 250, 1000))).toBe('Imported 250 of 1,000 documents');
    expect(progressLine({ ...progress('j', 7, null), phase: 'scanning' })).toBe('Reading files: 7 read');
    expect(summaryTitle(summary('j', 'cancelled'))).toBe('Import cancelled');
    expect(summaryTitle({ ...summary('j'), issues: [{ source: 'a.md', kind: 'Invalid', message: 'not UTF-8 text' }] })).toBe('Import finished with problems');
  });
});
