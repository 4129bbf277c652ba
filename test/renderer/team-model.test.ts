/** The team-vault badge and progress text, from the status alone. */
import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../src/shared/team';
import { ago, cloneProgressText, defaultCloneName, folderOf, progressText, syncBadge } from '../../src/renderer/team/team-model';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const base: SyncStatus = { remote: 'postgresql://alice@db/team', lastSync: NOW - 120_000, pending: 0, conflicts: 0, rejected: 0, held: 0, syncing: false, error: null, nextSync: null, canKeepPassword: false, passwordKept: false };

describe('syncBadge', () => {
  it('is absent while the vault is not attached or the status is unknown', () => {
    expect(syncBadge(undefined, NOW)).toBeUndefined();
    expect(syncBadge({ ...base, remote: null }, NOW)).toBeUndefined();
  });

  it('ranks syncing, then a failure, then conflicts, then pending work, then up to date', () => {
    const error = { kind: 'Offline' as const, message: 'no route to host' };
    const all = { ...base, syncing: true, error, conflicts: 2, pending: 5 };
    expect(syncBadge(all, NOW)).toMatchObject({ tone: 'busy', label: 'Syncing…' });
    expect(syncBadge({ ...all, syncing: false }, NOW)).toMatchObject({ tone: 'error', label: 'Sync failed' });
    expect(syncBadge({ ...all, syncing: false }, NOW)?.title).toContain('The sync server cannot be reached: no route to host (last sync 2 min ago; retrying)');
    expect(syncBadge({ ...all, syncing: false, error: null }, NOW)).toMatchObject({ tone: 'conflict', label: '2 conflicts' });
    expect(syncBadge({ ...base, conflicts: 1 }, NOW)?.label).toBe('1 conflict');
    expect(syncBadge({ ...base, pending: 5 }, NOW)).toMatchObject({ tone: 'pending', label: '5 to sync' });
    expect(syncBadge(base, NOW)).toMatchObject({ tone: 'ok', label: 'Synced', title: 'Up to date with postgresql://alice@db/team (last sync 2 min ago)' });
    expect(syncBadge({ ...base, lastSync: null, pending: 1 }, NOW)?.title).toContain('never synced');
  });
});

describe('ago and progressText', () => {
  it('says how long ago in words', () => {
    expect(ago(NOW - 10_000, NOW)).toBe('just now');
    expect(ago(NOW + 10_000, NOW)).toBe('just now'); // a clock a little ahead is not "in the future"
    expect(ago(NOW - 5 * 60_000, NOW)).toBe('5 min ago');
    expect(ago(NOW - 3 * 3_600_000, NOW)).toBe('3 h ago');
  });

  it('names the phase and the counts', () => {
    expect(progressText(undefined)).toBeUndefined();
    expect(progressText({ done: 300, total: 1204, phase: 'push' })).toBe('Sending 300 of 1,204');
    expect(progressText({ done: 80, total: 95, phase: 'pull' })).toBe('Receiving 80 of 95');
    expect(progressText({ done: 1536 * 1024, total: 4 * 1024 * 1024, phase: 'pull-files' })).toBe('Receiving files: 1.5 MB of 4.0 MB');
    expect(progressText({ done: 512, total: 2048, phase: 'push-files' })).toBe('Sending files: 512 B of 2.0 KB');
  });
});

describe('the clone form', () => {
  it('says what the clone is doing: connecting, then rows received of the total', () => {
    expect(cloneProgressText(undefined)).toBeUndefined();
    expect(cloneProgressText({ done: 0, total: 0, phase: 'connect' })).toBe('Connecting and checking the key…');
    expect(cloneProgressText({ done: 1500, total: 6000, phase: 'pull' })).toBe(`Received ${(1500).toLocaleString()} of ${(6000).toLocaleString()} rows`);
  });

  it('proposes the name of the vault the app would create on first run, else team.dvault; the folder is the vault folder', () => {
    expect(defaultCloneName('/home/ada/.local/share/docvault/vault.dvault', 'missing')).toBe('vault.dvault');
    expect(defaultCloneName('/home/ada/.local/share/docvault/vault.dvault', 'locked')).toBe('team.dvault');
    // A first-run name the channel would refuse (hidden, no .dvault) is not proposed.
    expect(defaultCloneName('/tmp/.hidden.dvault', 'missing')).toBe('team.dvault');
    expect(defaultCloneName('C:\\Users\\ada\\notes.dvault', 'missing')).toBe('notes.dvault');
    expect(folderOf('/home/ada/vault.dvault')).toBe('/home/ada');
    expect(folderOf('C:\\Users\\ada\\notes.dvault')).toBe('C:\\Users\\ada');
  });
});
