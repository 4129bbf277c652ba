/**
 * The clone form's state: the request under way, its progress (`progress` events with `op: 'clone.start'`),
 * cancel, and the error. The call goes straight to the API, not through the busy overlay, so Cancel stays
 * usable. A typed passphrase that is 64 hex characters is tried as a key-file vault's raw key when the
 * passphrase is refused, as the unlock screen does.
 */
import { useCallback, useState } from 'react';
import type { CloneDone, CloneRequest } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import type { Progress } from '../../shared/types';
import { CallError, toSerializedError } from '../errors';
import { parseRawKeyText } from '../model/raw-key';
import { useApi, usePushEvents } from '../state';

/** What the form sends, before the key is chosen as passphrase or raw key. */
export type CloneFields = Omit<CloneRequest, 'passphrase' | 'rawKey'> & { readonly key: string };

/** What {@link useClone} gives the form. */
export interface CloneState {
  readonly busy: boolean;
  readonly progress: Progress | undefined;
  readonly error: SerializedError | undefined;
  readonly start: (fields: CloneFields) => Promise<CloneDone | undefined>;
  readonly cancel: () => void;
  readonly dismissError: () => void;
}

/** The clone's state and actions. */
export function useClone(): CloneState {
  const { api } = useApi();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);

  usePushEvents((e) => {
    if (e.event === 'progress' && e.data.op === 'clone.start') setProgress(e.data);
  });

  const invoke = useCallback(
    async (req: CloneRequest): Promise<CloneDone> => {
      const r = await api.invoke('clone.start', req);
      if (!r.ok) throw new CallError(r.error);
      return r.value;
    },
    [api],
  );

  const start = useCallback(
    async ({ key, ...rest }: CloneFields): Promise<CloneDone | undefined> => {
      setBusy(true);
      setError(undefined);
      setProgress(undefined);
      try {
        try {
          return await invoke({ ...rest, passphrase: key });
        } catch (err) {
          const raw = parseRawKeyText(key);
          if (raw === undefined || !(err instanceof CallError) || err.error.kind !== 'WrongKey') throw err;
          return await invoke({ ...rest, rawKey: raw });
        }
      } catch (err) {
        setError(toSerializedError(err));
        return undefined;
      } finally {
        setBusy(false);
        setProgress(undefined);
      }
    },
    [invoke],
  );

  const cancel = useCallback(() => {
    void api.invoke('clone.cancel', {});
  }, [api]);

  return { busy, progress, error, start, cancel, dismissError: () => setError(undefined) };
}
