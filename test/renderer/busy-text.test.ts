import { describe, expect, it } from 'vitest';
import { busyText } from '../../src/renderer/model/busy';
import { MIGRATION_PHASE } from '../../src/shared/types';

describe('busyText', () => {
  it("shows the call's label, whatever other progress says", () => {
    expect(busyText({ label: 'Unlocking', progress: undefined })).toBe('Unlocking…');
    expect(busyText({ label: 'Verifying', progress: { done: 3, total: 10, phase: 'documents' } })).toBe('Verifying…');
  });

  it("shows an older vault's upgrade as a whole percentage of its steps", () => {
    expect(busyText({ label: 'Unlocking', progress: { done: 0, total: 2, phase: MIGRATION_PHASE } })).toBe('Upgrading the vault for this version of docvault (once): 0%');
    expect(busyText({ label: 'Unlocking', progress: { done: 1.337, total: 2, phase: MIGRATION_PHASE } })).toBe('Upgrading the vault for this version of docvault (once): 66%');
    expect(busyText({ label: 'Unlocking', progress: { done: 2, total: 2, phase: MIGRATION_PHASE } })).toMatch(/: 100%$/);
    expect(busyText({ label: 'Unlocking', progress: { done: 0, total: 0, phase: MIGRATION_PHASE } })).toBe('Unlocking…');
  });
});
