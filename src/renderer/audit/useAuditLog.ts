/** Loads the audit log for the Audit log view: the newest entries, the chain's problems, and "show more". */
import { useCallback, useEffect, useState } from 'react';
import type { AuditPage } from '../../shared/audit';
import type { SerializedError } from '../../shared/errors';
import { toSerializedError } from '../errors';
import { useApi } from '../state';

const FIRST = 200;

/** What the view shows. */
export interface AuditLogState {
  readonly page: AuditPage | undefined;
  readonly error: SerializedError | undefined;
  readonly loading: boolean;
  /** Loads every kept entry (the log is capped, so this is bounded). */
  readonly showAll: () => void;
  readonly reload: () => void;
  readonly dismissError: () => void;
}

/** The audit log, loaded when the view opens and on reload. */
export function useAuditLog(): AuditLogState {
  const { call } = useApi();
  const [limit, setLimit] = useState(FIRST);
  const [generation, setGeneration] = useState(0);
  const [page, setPage] = useState<AuditPage | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    call('audit.list', { limit }, 'Reading the audit log')
      .then((p) => {
        if (!live) return;
        setPage(p);
        setError(undefined);
      })
      .catch((err: unknown) => live && setError(toSerializedError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [call, limit, generation]);
  const showAll = useCallback(() => setLimit(10_000), []);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const dismissError = useCallback(() => setError(undefined), []);
  return { page, error, loading, showAll, reload, dismissError };
}
