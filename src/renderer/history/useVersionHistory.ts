/**
 * Loads a document's history for the history view: the timeline on open and whenever the document
 * gets a new version, and each version's content when the view needs it.
 */
import { useEffect, useReducer, useRef } from 'react';
import type { Document } from '../../shared/types';
import { CallError } from '../errors';
import { useApi } from '../state';
import { historyReducer, INITIAL_HISTORY, versionsToRead, type HistoryAction, type HistoryState } from './history-state';

const asError = (err: unknown) => (err instanceof CallError ? err.error : { kind: 'Internal' as const, message: String(err) });

/** The history of `current.id`, kept in step with `current.version`. */
export function useVersionHistory(current: Document): [HistoryState, (a: HistoryAction) => void] {
  const { call } = useApi();
  const [state, dispatch] = useReducer(historyReducer, INITIAL_HISTORY);

  useEffect(() => {
    let live = true;
    call('doc.versions', { id: current.id })
      .then((versions) => live && dispatch({ type: 'listed', versions }))
      .catch((err: unknown) => live && dispatch({ type: 'listFailed', error: asError(err) }));
    return () => {
      live = false;
    };
  }, [call, current.id, current.version]);

  // Reads in flight survive re-renders (each result is kept); only unmounting drops their results.
  const inflight = useRef(new Set<number>());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const wanted = versionsToRead(state).join(',');
  useEffect(() => {
    if (wanted === '') return;
    for (const version of wanted.split(',').map(Number)) {
      // The current version is already in hand; reading it again would only cost a round trip.
      if (version === current.version) {
        dispatch({ type: 'read', doc: current });
        continue;
      }
      if (inflight.current.has(version)) continue;
      inflight.current.add(version);
      call('doc.getVersion', { id: current.id, version }, `Reading version ${version}`)
        .then((doc) => mounted.current && dispatch({ type: 'read', doc }))
        .catch((err: unknown) => mounted.current && dispatch({ type: 'readFailed', version, error: asError(err) }))
        .finally(() => inflight.current.delete(version));
    }
  }, [call, current, wanted]);

  return [state, dispatch];
}
