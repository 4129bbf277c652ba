/**
 * A sync conflict opened in the history's comparison view on its two versions: the user restores the one
 * to keep (a new version that settles the conflict on every device), or closes and leaves both.
 */
import { useEffect, useState } from 'react';
import type { SerializedError } from '../../shared/errors';
import type { SyncConflict } from '../../shared/team';
import type { Document } from '../../shared/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { toSerializedError } from '../errors';
import { HistoryDialog } from '../history/HistoryDialog';
import { useApi } from '../state';

/** Props of {@link ConflictCompare}. */
export interface ConflictCompareProps {
  readonly conflict: SyncConflict & { readonly remoteVersion: number };
  readonly onClose: () => void;
  /** A version was restored: the conflict is settled here (and everywhere once pushed). */
  readonly onSettled: () => void;
}

/** Loads the document, then shows its history on the conflict's pair. */
export function ConflictCompare({ conflict, onClose, onSettled }: ConflictCompareProps) {
  const { call } = useApi();
  const [doc, setDoc] = useState<Document | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  useEffect(() => {
    call('doc.get', { id: conflict.id })
      .then(setDoc)
      .catch((err: unknown) => setError(toSerializedError(err)));
  }, [call, conflict.id]);
  if (error !== undefined) return <ErrorMessage error={error} onDismiss={onClose} />;
  if (doc === undefined) return null;
  return <HistoryDialog current={doc} dirty={false} initialCompare={{ left: conflict.localVersion, right: conflict.remoteVersion }} onRestored={onSettled} onClose={onClose} />;
}
