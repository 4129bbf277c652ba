/**
 * The unlocked window's behaviour: the reducer of ../model/vault-screen.ts plus the calls and events around
 * it (stats, lock, verify, find, menu commands, shortcut keys, the unsaved-change guard).
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { UiCommand, VaultStatus } from '../../shared/contract';
import type { LiveSample } from '../../shared/live';
import { assertNever } from '../../shared/errors';
import type { Document, DocumentSummary } from '../../shared/types';
import { toSerializedError } from '../errors';
import { initialVaultScreen, vaultScreenReducer, type Selection } from '../model/vault-screen';
import { useShortcutKeys } from '../shortcut-keys';
import { useApi, usePushEvents } from '../state';
import type { EditorHandle } from '../components/Editor';

/** The counts the top bar shows. */
export type VaultCounts = Pick<LiveSample['vault'], 'documents' | 'versions' | 'fileBytes'>;

/** State and actions of the unlocked window. */
export function useVaultScreen(onStatus: (s: VaultStatus) => void, onTransfer: (kind: 'import' | 'export') => void) {
  const { call } = useApi();
  const [state, dispatch] = useReducer(vaultScreenReducer, initialVaultScreen);
  const [stats, setStats] = useState<VaultCounts | undefined>(undefined);
  const [types, setTypes] = useState<string[]>([]);
  const [knownTags, setKnownTags] = useState<ReadonlySet<string>>(new Set());
  const dirty = useRef(false);
  const editor = useRef<EditorHandle>(null);
  const findRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    call('vault.stats', {})
      .then((s) => {
        setStats(s);
        setTypes(Object.keys(s.byType).filter((t) => t !== '').sort());
      })
      .catch(() => undefined);
  }, [call, state.generation]);

  /** Many events can arrive at once (a bulk import, rapid saves): one reload for all of them. */
  const reloadSoon = useCallback(() => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => dispatch({ type: 'reload' }), 150);
  }, []);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);

  /** Runs `action` now, or after the user agrees to drop unsaved changes. */
  const guard = useCallback((action: () => void) => {
    if (dirty.current) dispatch({ type: 'ask', action });
    else action();
  }, []);

  const select = useCallback((selection: Selection) => guard(() => dispatch({ type: 'select', selection })), [guard]);
  const newDoc = useCallback(() => select({ kind: 'new', n: Date.now() }), [select]);

  const lock = useCallback(() => {
    guard(() => {
      dirty.current = false;
      call('vault.lock', {})
        .then(onStatus)
        .catch((err: unknown) => dispatch({ type: 'error', error: toSerializedError(err) }));
    });
  }, [guard, call, onStatus]);

  const verify = useCallback(() => {
    call('vault.verify', {}, 'Verifying every version')
      .then((report) => dispatch({ type: 'report', report }))
      .catch((err: unknown) => dispatch({ type: 'error', error: toSerializedError(err) }));
  }, [call]);

  const backup = useCallback(() => {
    call('backup.create', {}, 'Backing up the vault')
      .then((made) => dispatch({ type: 'backup', backup: made }))
      .catch((err: unknown) => dispatch({ type: 'error', error: toSerializedError(err) }));
  }, [call]);

  const find = useCallback(
    async (text: string) => {
      const id = text.trim();
      if (id === '') return;
      try {
        await call('doc.get', { id });
        dispatch({ type: 'error', error: undefined });
        select({ kind: 'doc', id });
      } catch (err) {
        dispatch({ type: 'error', error: toSerializedError(err) });
      }
    },
    [call, select],
  );

  const runCommand = useCallback(
    (c: UiCommand) => {
      if (c === 'lock') lock();
      else if (c === 'new') newDoc();
      else if (c === 'save') editor.current?.save();
      else if (c === 'find') findRef.current?.focus();
      else if (c === 'search') searchRef.current?.focus();
      else if (c === 'import' || c === 'export') onTransfer(c);
      else assertNever(c, 'command');
    },
    [lock, newDoc, onTransfer],
  );
  useShortcutKeys(runCommand);

  usePushEvents((e) => {
    if (e.event === 'stats.tick') setStats(e.data.vault);
    else if (e.event === 'doc.changed' || e.event === 'docs.changed') reloadSoon();
    else if (e.event === 'ui.command') runCommand(e.data.command);
  });

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      if (dirty.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const onDirtyChange = useCallback((d: boolean) => {
    dirty.current = d;
  }, []);
  const onSaved = useCallback(
    (doc: Document) => {
      dirty.current = false;
      if (state.selection.kind !== 'doc' || state.selection.id !== doc.id) dispatch({ type: 'select', selection: { kind: 'doc', id: doc.id } });
      reloadSoon();
    },
    [reloadSoon, state.selection],
  );
  const onDeleted = useCallback((doc: Document) => {
    dirty.current = false;
    dispatch({ type: 'trashed', doc: { id: doc.id, title: doc.title } });
  }, []);
  const onItems = useCallback((items: readonly DocumentSummary[]) => {
    setKnownTags((known) => {
      const fresh = items.flatMap((d) => d.tags).filter((t) => !known.has(t));
      return fresh.length === 0 ? known : new Set([...known, ...fresh]);
    });
  }, []);
  const undo = useCallback(async () => {
    const t = state.trashed;
    if (t === undefined) return;
    try {
      await call('doc.undelete', { id: t.id }, 'Restoring');
      dispatch({ type: 'undone' });
    } catch (err) {
      dispatch({ type: 'error', error: toSerializedError(err) });
      dispatch({ type: 'dismissTrashed' });
    }
  }, [call, state.trashed]);
  const onRestored = useCallback(
    (doc: Document) => {
      // Restored from the Trash view: an Undo still offered for it would now fail.
      if (state.trashed?.id === doc.id) dispatch({ type: 'dismissTrashed' });
      select({ kind: 'doc', id: doc.id });
    },
    [select, state.trashed],
  );
  const toggleTrash = useCallback(() => {
    if (state.view === 'trash') dispatch({ type: 'view', view: 'documents' });
    else guard(() => dispatch({ type: 'view', view: 'trash' }));
  }, [state.view, guard]);
  const discard = useCallback(() => {
    const action = state.pending;
    dirty.current = false;
    dispatch({ type: 'answered' });
    action?.();
  }, [state.pending]);

  return { state, dispatch, stats, types, knownTags, editor, findRef, searchRef, guard, select, newDoc, lock, verify, backup, find, onDirtyChange, onSaved, onDeleted, onItems, discard, undo, onRestored, toggleTrash };
}
