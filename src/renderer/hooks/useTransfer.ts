/**
 * Import and export in the window: the reducer of ../model/transfer.ts plus its calls (`transfer.*`) and
 * events (`transfer.progress`, `transfer.done`).
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import type { TransferInfo, TransferKind } from '../../shared/transfer';
import { toSerializedError } from '../errors';
import { exportRequestOf, initialTransfer, pathRefOf, transferReducer, type TransferForm } from '../model/transfer';
import type { Filters } from '../model/vault-screen';
import { useApi, usePushEvents } from '../state';

/** How this window names paths: the system dialog (Electron) or a typed path (web twin). */
export type PathMode = Pick<TransferInfo, 'picker' | 'typedPaths'>;

/** State and actions of the import/export dialogs. */
export function useTransfer(filters: Filters, currentId: string | undefined) {
  const { call } = useApi();
  const [state, dispatch] = useReducer(transferReducer, initialTransfer);
  const [paths, setPaths] = useState<PathMode>({ picker: false, typedPaths: false });

  useEffect(() => {
    call('transfer.info', {})
      .then((i) => setPaths({ picker: i.picker, typedPaths: i.typedPaths }))
      .catch(() => undefined);
  }, [call]);

  usePushEvents((e) => {
    if (e.event === 'transfer.progress') dispatch({ type: 'progress', progress: e.data });
    else if (e.event === 'transfer.done') dispatch({ type: 'done', summary: e.data });
  });

  const open = useCallback((kind: TransferKind) => dispatch({ type: 'open', kind }), []);
  const edit = useCallback((change: Partial<TransferForm>) => dispatch({ type: 'edit', change }), []);
  const close = useCallback(() => dispatch({ type: 'close' }), []);

  const pick = useCallback(
    (kind: TransferKind, form: TransferForm) => {
      const purpose = kind === 'export' ? 'exportFolder' : form.source === 'file' ? 'importFile' : 'importFolder';
      call('transfer.pick', { purpose })
        .then((g) => {
          if (g !== null) dispatch({ type: 'edit', change: { grant: g, path: '' } });
        })
        .catch((err: unknown) => dispatch({ type: 'failed', error: toSerializedError(err) }));
    },
    [call],
  );

  const submit = useCallback(
    (kind: TransferKind, form: TransferForm) => {
      dispatch({ type: 'submit' });
      const started = kind === 'import' ? call('transfer.import', { source: pathRefOf(form) }) : call('transfer.export', exportRequestOf(form, filters, currentId));
      started.then((r) => dispatch({ type: 'started', jobId: r.jobId })).catch((err: unknown) => dispatch({ type: 'failed', error: toSerializedError(err) }));
    },
    [call, filters, currentId],
  );

  const cancel = useCallback(
    (jobId: string) => {
      dispatch({ type: 'cancelling' });
      call('transfer.cancel', { jobId }).catch(() => undefined);
    },
    [call],
  );

  return { state, paths, open, edit, close, pick, submit, cancel, hasCurrent: currentId !== undefined };
}

/** What {@link useTransfer} returns. */
export type TransferController = ReturnType<typeof useTransfer>;
