/**
 * The team-vault state of this window: the sync status (read once, then kept current by `sync.changed`
 * pushes), the progress of a sync under way, the conflicts to settle, and the actions. Sync now and Attach
 * go straight to the API, not through the busy overlay: nothing in the window waits on the network.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Channel, ChannelInputs, ChannelOutputs } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import type { SyncConflict, SyncStatus } from '../../shared/team';
import type { Progress } from '../../shared/types';
import { CallError, toSerializedError } from '../errors';
import { useApi, usePushEvents } from '../state';

/** What {@link useTeamSync} gives the window. */
export interface TeamSyncState {
  readonly status: SyncStatus | undefined;
  readonly progress: Progress | undefined;
  readonly conflicts: readonly SyncConflict[];
  /** The last action's error (Attach, Sync now), shown beside the buttons. */
  readonly error: SerializedError | undefined;
  readonly syncNow: () => void;
  readonly attach: (url: string, ca: string | undefined, password: string | undefined) => Promise<boolean>;
  readonly dismissError: () => void;
  /** Settles a conflict by keeping the current version (written again as a new version), then syncs. */
  readonly keepCurrent: (id: string) => void;
  /** Detaches the vault from its team vault (every document stays); true when it did. */
  readonly detach: () => Promise<boolean>;
}

/** The team-vault state and actions; one per window (the top bar and Settings share it). */
export function useTeamSync(): TeamSyncState {
  const { api } = useApi();
  const [status, setStatus] = useState<SyncStatus | undefined>(undefined);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [conflicts, setConflicts] = useState<readonly SyncConflict[]>([]);
  const [error, setError] = useState<SerializedError | undefined>(undefined);

  const invoke = useCallback(
    async <C extends Channel>(channel: C, input: ChannelInputs[C]): Promise<ChannelOutputs[C]> => {
      const r = await api.invoke(channel, input);
      if (!r.ok) throw new CallError(r.error);
      return r.value;
    },
    [api],
  );

  const conflictCount = status?.conflicts ?? 0;
  useEffect(() => {
    invoke('sync.status', {})
      .then(setStatus)
      .catch(() => undefined);
  }, [invoke]);
  useEffect(() => {
    if (conflictCount === 0) {
      setConflicts([]);
      return;
    }
    invoke('sync.conflicts', {})
      .then(setConflicts)
      .catch(() => undefined);
  }, [invoke, conflictCount, status?.lastSync]);

  usePushEvents((e) => {
    if (e.event === 'sync.changed') {
      setStatus(e.data);
      if (!e.data.syncing) setProgress(undefined);
    } else if (e.event === 'progress' && e.data.op === 'sync.now') setProgress(e.data);
    // A local write adds to what waits to be sent: the count is local, so reading it costs no network. A new
    // passphrase detaches the vault (its keys change), and another vault has another remote: read it again.
    else if (e.event === 'doc.changed' || e.event === 'docs.changed' || e.event === 'vault.changed')
      invoke('sync.status', {})
        .then(setStatus)
        .catch(() => undefined);
  });

  const syncNow = useCallback(() => {
    setError(undefined);
    invoke('sync.now', {})
      .catch((err: unknown) => {
        // A failed sync lands in the status ("Last error", the badge); only refusals before it ran show here.
        const e = toSerializedError(err);
        if (e.kind === 'RateLimited' || e.kind === 'Closed') setError(e);
      })
      .finally(() => setProgress(undefined));
  }, [invoke]);

  const attach = useCallback(
    async (url: string, ca: string | undefined, password: string | undefined) => {
      setError(undefined);
      try {
        setStatus(await invoke('remote.set', { url, ...(ca === undefined ? {} : { ca }), ...(password === undefined ? {} : { password }) }));
        return true;
      } catch (err) {
        setError(toSerializedError(err));
        return false;
      }
    },
    [invoke],
  );

  const keepCurrent = useCallback(
    (id: string) => {
      setError(undefined);
      // The head again, as a new version: it settles the conflict on every device once pushed.
      invoke('doc.get', { id })
        .then((head) => invoke('doc.restore', { id, version: head.version, expectedVersion: head.version, comment: 'kept this version: settles the sync conflict' }))
        .then(syncNow)
        .catch((err: unknown) => setError(toSerializedError(err)));
    },
    [invoke, syncNow],
  );

  const detach = useCallback(async () => {
    setError(undefined);
    try {
      setStatus(await invoke('remote.clear', {}));
      return true;
    } catch (err) {
      setError(toSerializedError(err));
      return false;
    }
  }, [invoke]);

  return { status, progress, conflicts, error, syncNow, attach, keepCurrent, detach, dismissError: () => setError(undefined) };
}
