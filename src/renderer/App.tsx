/** The app: transport check, unlock/create, then the vault (list + editor). */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { PushEvents, UiCommand, VaultStatus } from '../shared/contract';
import { assertNever, type SerializedError } from '../shared/errors';
import type { ListQuery, SortKey, VerifyReport } from '../shared/types';
import { connect } from './api';
import { CallError } from './errors';
import { ApiProvider, useApi, usePushEvents } from './state';
import { ConfirmDialog, Dialog } from './components/Dialog';
import { DocumentList } from './components/DocumentList';
import { Editor, type EditorHandle } from './components/Editor';
import { ErrorMessage } from './components/ErrorMessage';
import { UnlockScreen } from './components/UnlockScreen';

/** Root component. */
export function App() {
  const api = useMemo(connect, []);
  if (api === undefined)
    return (
      <main className="unlock">
        <div className="card">
          <h1>docvault</h1>
          <ErrorMessage error={{ kind: 'Unauthorized', message: 'No access token in this page address.' }} />
        </div>
      </main>
    );
  return (
    <ApiProvider api={api}>
      <Shell />
    </ApiProvider>
  );
}

function Shell() {
  const { call, busy } = useApi();
  const [status, setStatus] = useState<VaultStatus | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);

  useEffect(() => {
    call('vault.status', {})
      .then(setStatus)
      .catch((err: unknown) => setError(err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) }));
  }, [call]);

  usePushEvents((e) => {
    if (e.event === 'vault.changed') setStatus(e.data);
  });

  return (
    <>
      {error !== undefined && (
        <main className="unlock">
          <ErrorMessage error={error} />
        </main>
      )}
      {status === undefined && error === undefined && <main className="unlock muted">Connecting…</main>}
      {status !== undefined && status.state !== 'unlocked' && <UnlockScreen key={status.state + status.path} status={status} onStatus={setStatus} />}
      {status?.state === 'unlocked' && <VaultScreen status={status} onStatus={setStatus} />}
      {busy !== undefined && (
        <div className="progress" role="progressbar" aria-label={busy.label} data-testid="progress">
          <span>{busy.label}…</span>
          {busy.progress !== undefined && busy.progress.total > 0 ? (
            <progress value={busy.progress.done} max={busy.progress.total} />
          ) : (
            <progress />
          )}
        </div>
      )}
    </>
  );
}

type Selection = { kind: 'none' } | { kind: 'doc'; id: string } | { kind: 'new'; n: number };

const SORTS: { key: SortKey; label: string }[] = [
  { key: 'updated', label: 'Last updated' },
  { key: 'created', label: 'Created' },
  { key: 'title', label: 'Title' },
];

function VaultScreen({ status, onStatus }: { status: VaultStatus; onStatus: (s: VaultStatus) => void }) {
  const { call } = useApi();
  const [selection, setSelection] = useState<Selection>({ kind: 'none' });
  const [type, setType] = useState('');
  const [tag, setTag] = useState('');
  const [sort, setSort] = useState<SortKey>('updated');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [generation, setGeneration] = useState(0);
  const [matching, setMatching] = useState(0);
  const [stats, setStats] = useState<PushEvents['stats.tick'] | undefined>(undefined);
  const [types, setTypes] = useState<string[]>([]);
  const [pending, setPending] = useState<(() => void) | undefined>(undefined);
  const [findText, setFindText] = useState('');
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [report, setReport] = useState<VerifyReport | undefined>(undefined);
  const dirty = useRef(false);
  const editor = useRef<EditorHandle>(null);
  const findRef = useRef<HTMLInputElement>(null);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const query = useMemo<ListQuery>(() => ({ ...(type !== '' ? { type } : {}), ...(tag.trim() !== '' ? { tag: tag.trim() } : {}), sort, order }), [type, tag, sort, order]);

  const refreshStats = useCallback(() => {
    call('vault.stats', {})
      .then((s) => {
        setStats(s);
        setTypes(Object.keys(s.byType).filter((t) => t !== '').sort());
      })
      .catch(() => undefined);
  }, [call]);
  useEffect(refreshStats, [refreshStats, generation]);

  const reloadSoon = useCallback(() => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => setGeneration((g) => g + 1), 150);
  }, []);

  usePushEvents((e) => {
    if (e.event === 'stats.tick') setStats(e.data);
    else if (e.event === 'doc.changed' || e.event === 'docs.changed') reloadSoon();
    else if (e.event === 'ui.command') runCommand(e.data.command);
  });

  /** Runs `action` now, or after the user agrees to drop unsaved changes. */
  const guard = useCallback((action: () => void) => {
    if (dirty.current) setPending(() => action);
    else action();
  }, []);

  const lock = useCallback(() => {
    guard(() => {
      dirty.current = false;
      call('vault.lock', {}).then(onStatus).catch((err: unknown) => setError(err instanceof CallError ? err.error : undefined));
    });
  }, [guard, call, onStatus]);

  const verify = useCallback(() => {
    call('vault.verify', {}, 'Verifying every version')
      .then(setReport)
      .catch((err: unknown) => setError(err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) }));
  }, [call]);

  const newDoc = useCallback(() => guard(() => setSelection({ kind: 'new', n: Date.now() })), [guard]);

  const runCommand = useCallback(
    (c: UiCommand) => {
      if (c === 'lock') lock();
      else if (c === 'new') newDoc();
      else if (c === 'save') editor.current?.save();
      else if (c === 'find') findRef.current?.focus();
      else assertNever(c, 'command');
    },
    [lock, newDoc],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      // In Electron the app menu owns these accelerators and sends them back as `ui.command`.
      if (window.docvault !== undefined && mod && !e.shiftKey && ['s', 'f', 'n', 'l'].includes(k)) return;
      if (mod && !e.shiftKey && k === 's') {
        e.preventDefault();
        editor.current?.save();
      } else if (mod && !e.shiftKey && k === 'f') {
        e.preventDefault();
        findRef.current?.focus();
      } else if ((mod && !e.shiftKey && k === 'n') || (e.altKey && k === 'n')) {
        e.preventDefault();
        newDoc();
      } else if (mod && e.shiftKey && k === 'l') {
        e.preventDefault();
        lock();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [newDoc, lock]);

  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      if (dirty.current) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const find = async (): Promise<void> => {
    const id = findText.trim();
    if (id === '') return;
    try {
      await call('doc.get', { id });
      guard(() => setSelection({ kind: 'doc', id }));
      setError(undefined);
    } catch (err) {
      setError(err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) });
    }
  };

  const onDirtyChange = useCallback((d: boolean) => {
    dirty.current = d;
  }, []);
  const onSaved = useCallback(
    (doc: { id: string }) => {
      dirty.current = false;
      setSelection((s) => (s.kind === 'doc' && s.id === doc.id ? s : { kind: 'doc', id: doc.id }));
      reloadSoon();
    },
    [reloadSoon],
  );
  const onDeleted = useCallback(() => {
    dirty.current = false;
    setSelection({ kind: 'none' });
    reloadSoon();
  }, [reloadSoon]);
  const onSelect = useCallback((id: string) => guard(() => setSelection({ kind: 'doc', id })), [guard]);

  const filtered = type !== '' || tag.trim() !== '';
  return (
    <div className="app">
      <header className="topbar">
        <strong className="brand">docvault</strong>
        <span className="muted path" title={status.path}>
          {status.path}
        </span>
        <span className="spacer" />
        {stats !== undefined && (
          <span className="muted small" data-testid="stats">
            {stats.documents.toLocaleString()} documents · {stats.versions.toLocaleString()} versions · {(stats.fileBytes / 1024 / 1024).toFixed(1)} MB
          </span>
        )}
        <button type="button" onClick={verify} title="Check every stored version against its signature">
          Verify
        </button>
        <button type="button" onClick={lock} title="Lock (Ctrl+Shift+L)">
          Lock
        </button>
      </header>
      <aside className="sidebar">
        <div className="toolbar">
          <button type="button" className="primary" onClick={newDoc} title="New document (Ctrl+N in the app, Alt+N in a browser)">
            New
          </button>
          <form
            className="find"
            onSubmit={(e) => {
              e.preventDefault();
              void find();
            }}
          >
            <input ref={findRef} type="search" placeholder="Open by id (Ctrl+F)" aria-label="Find by id" value={findText} onChange={(e) => setFindText(e.target.value)} />
          </form>
        </div>
        <div className="filters">
          <select aria-label="Filter by type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <input aria-label="Filter by tag" placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
          <select aria-label="Sort by" value={sort} onChange={(e) => { const s = e.target.value as SortKey; setSort(s); setOrder(s === 'title' ? 'asc' : 'desc'); }}>
            {SORTS.map((s) => (
              <option key={s.key} value={s.key}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="button" aria-label="Sort order" title="Reverse order" onClick={() => setOrder(order === 'asc' ? 'desc' : 'asc')}>
            {order === 'asc' ? '↑' : '↓'}
          </button>
        </div>
        <div className="muted small count" data-testid="count">
          {matching.toLocaleString()} {filtered ? 'matching' : ''} document{matching === 1 ? '' : 's'}
        </div>
        <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
        <DocumentList query={query} generation={generation} selectedId={selection.kind === 'doc' ? selection.id : undefined} onSelect={onSelect} onTotal={setMatching} />
      </aside>
      {selection.kind === 'none' ? (
        <section className="editor empty muted">
          <p>Select a document, or create one with New.</p>
          <p className="small">Shortcuts: Ctrl+S save · Ctrl+F find · Ctrl+N / Alt+N new · Ctrl+Shift+L lock</p>
        </section>
      ) : (
        <Editor
          key={selection.kind === 'doc' ? `doc:${selection.id}` : `new:${selection.n}`}
          ref={editor}
          id={selection.kind === 'doc' ? selection.id : null}
          onSaved={onSaved}
          onDeleted={onDeleted}
          onDirtyChange={onDirtyChange}
        />
      )}
      {report !== undefined && (
        <Dialog title="Integrity check" onCancel={() => setReport(undefined)} actions={<button onClick={() => setReport(undefined)} data-autofocus>Close</button>} testId="verify-dialog">
          <p className={report.ok ? 'notice' : 'error'}>
            {report.ok
              ? `All ${report.versions.toLocaleString()} versions of ${report.documents.toLocaleString()} documents match their signatures.`
              : `${report.problems.length} problem(s) found in ${report.versions.toLocaleString()} versions.`}
          </p>
          {report.problems.length > 0 && (
            <ul className="problems">
              {report.problems.slice(0, 100).map((p, i) => (
                <li key={i}>
                  {p.kind}
                  {p.id !== undefined && ` · ${p.id}`}
                  {p.version !== undefined && ` v${p.version}`}: {p.message}
                </li>
              ))}
            </ul>
          )}
          <p className="muted small">Took {Math.round(report.durationMs)} ms.</p>
        </Dialog>
      )}
      {pending !== undefined && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message="The document you are editing has changes that are not saved."
          confirmLabel="Discard changes"
          danger
          onConfirm={() => {
            const action = pending;
            dirty.current = false;
            setPending(undefined);
            action();
          }}
          onCancel={() => setPending(undefined)}
        />
      )}
    </div>
  );
}
