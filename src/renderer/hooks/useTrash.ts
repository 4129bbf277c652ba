/** The Trash's data and actions: paged `doc.trash`, restore (`doc.undelete`), delete forever (`doc.purge`), empty. */
import { useCallback, useEffect, useState } from 'react';
import type { SerializedError } from '../../shared/errors';
import type { Document, TrashedSummary } from '../../shared/types';
import { toSerializedError } from '../errors';
import { useApi, usePushEvents } from '../state';

const PAGE = 200;

/** State and actions of the Trash view. */
export function useTrash(onRestored: (doc: Document) => void) {
  const { call } = useApi();
  const [items, setItems] = useState<TrashedSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    call('doc.trash', { limit: PAGE })
      .then((page) => {
        if (!live) return;
        setItems([...page.items]);
        setTotal(page.total);
        setCursor(page.nextCursor);
        setError(undefined);
      })
      .catch((err: unknown) => live && setError(toSerializedError(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [call, generation]);

  // Deleted, restored or purged anywhere (another window, the CLI through the app): show the Trash as it is now.
  usePushEvents((e) => {
    if ((e.event === 'doc.changed' && (e.data.change === 'deleted' || e.data.change === 'undeleted' || e.data.change === 'purged')) || e.event === 'docs.changed')
      setGeneration((g) => g + 1);
  });

  const more = useCallback(async () => {
    if (cursor === undefined) return;
    try {
      const page = await call('doc.trash', { limit: PAGE, cursor });
      setItems((old) => [...old, ...page.items]);
      setTotal(page.total);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(toSerializedError(err));
    }
  }, [call, cursor]);

  const run = useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
        setError(undefined);
      } catch (err) {
        setError(toSerializedError(err));
      }
      setGeneration((g) => g + 1);
    },
    [],
  );

  const restore = useCallback((id: string) => run(async () => onRestored(await call('doc.undelete', { id }, 'Restoring'))), [run, call, onRestored]);
  const purge = useCallback((id: string) => run(() => call('doc.purge', { id }, 'Deleting forever')), [run, call]);
  const empty = useCallback(() => run(() => call('doc.emptyTrash', {}, 'Emptying the Trash')), [run, call]);

  return { items, total, hasMore: cursor !== undefined, loading, error, dismissError: () => setError(undefined), more, restore, purge, empty };
}
