/** The unlocked window: top bar, sidebar with the list, and the editor (or the Trash). Decisions live in useVaultScreen. */
import { useCallback, useRef, useState } from 'react';
import type { VaultStatus } from '../../shared/contract';
import { useLiveStats } from '../hooks/useLiveStats';
import { useActivityReporter, useSettings } from '../hooks/useSettings';
import { useVaultScreen } from '../hooks/useVaultScreen';
import { useTransfer } from '../hooks/useTransfer';
import { isFiltered } from '../model/vault-screen';
import { TransferDialogs } from '../transfer/TransferDialogs';
import { Editor } from './Editor';
import { ErrorMessage } from './ErrorMessage';
import type { Panel } from './PanelButtons';
import { BenchView } from './bench/BenchView';
import { PerformanceView } from './PerformanceView';
import { SettingsView } from './SettingsView';
import { ShortcutHelp } from './ShortcutHelp';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { TrashView } from './TrashView';
import { UndoNotice } from './UndoNotice';
import { VaultDialogs } from './VaultDialogs';
import { AuditView } from '../audit/AuditView';
import { useTeamSync } from '../team/useTeamSync';

/** Props of {@link VaultScreen}. */
export interface VaultScreenProps {
  readonly status: VaultStatus;
  readonly onStatus: (s: VaultStatus) => void;
}

/** The unlocked vault. */
export function VaultScreen({ status, onStatus }: VaultScreenProps) {
  // The shortcut keys live in useVaultScreen, the import/export flow needs its filters: a ref joins the two.
  const openTransfer = useRef<(kind: 'import' | 'export') => void>(() => undefined);
  const v = useVaultScreen(onStatus, useCallback((kind: 'import' | 'export') => openTransfer.current(kind), []));
  const { state, dispatch } = v;
  const selection = state.selection;
  const transfer = useTransfer(state.filters, selection.kind === 'doc' ? selection.id : undefined);
  openTransfer.current = transfer.open;
  const [panel, setPanel] = useState<Panel>('none');
  const [restoring, setRestoring] = useState(false);
  const { settings, update } = useSettings();
  useActivityReporter();
  // One subscription per window: ticks flow while the top-bar ticker is shown or the Performance view is open.
  const live = useLiveStats(settings.showTicker || panel === 'performance');
  const team = useTeamSync();
  return (
    <div className="app">
      <TopBar
        path={status.path}
        stats={settings.showTicker ? v.stats : undefined}
        encrypted={status.encrypted}
        panel={panel}
        onPanel={setPanel}
        view={state.view}
        onToggleTrash={() => {
          setPanel('none');
          // With a panel over the Trash the button reads "Trash": closing the panel is what shows it.
          if (panel === 'none' || state.view !== 'trash') v.toggleTrash();
        }}
        onVerify={v.verify}
        onLock={v.lock}
        sync={team.status}
      />
      <Sidebar
        filters={state.filters}
        types={v.types}
        knownTags={v.knownTags}
        generation={state.generation}
        selectedId={selection.kind === 'doc' ? selection.id : undefined}
        findRef={v.findRef}
        searchRef={v.searchRef}
        onOpenHit={(id, terms) => {
          setPanel('none');
          v.select({ kind: 'doc', id, terms });
        }}
        onNew={() => {
          setPanel('none');
          v.newDoc();
        }}
        onFind={(id) => void v.find(id)}
        onFilter={(filters) => dispatch({ type: 'filter', filters })}
        onClearFilters={() => dispatch({ type: 'clearFilters' })}
        onSelect={(id) => {
          setPanel('none');
          v.select({ kind: 'doc', id });
        }}
        onItems={v.onItems}
      />
      <div className="main-pane">
        <ErrorMessage error={state.error} onDismiss={() => dispatch({ type: 'error', error: undefined })} />
        {panel === 'performance' ? (
          <PerformanceView history={live.history} latest={live.latest} onClose={() => setPanel('none')} />
        ) : panel === 'benchmark' ? (
          <BenchView onClose={() => setPanel('none')} />
        ) : panel === 'settings' ? (
          <SettingsView
            settings={settings}
            update={update}
            onBackup={v.backup}
            onRestore={() => v.guard(() => setRestoring(true))}
            onImport={() => transfer.open('import')}
            onExport={() => transfer.open('export')}
            onChangePassphrase={() => v.guard(() => dispatch({ type: 'changePassphrase', open: true }))}
            onAuditLog={() => setPanel('audit')}
            team={team}
            onClose={() => setPanel('none')}
          />
        ) : panel === 'audit' ? (
          <AuditView onClose={() => setPanel('settings')} />
        ) : state.view === 'trash' ? (
          <TrashView onRestored={v.onRestored} />
        ) : selection.kind === 'none' ? (
          <ShortcutHelp />
        ) : (
          <Editor
            key={selection.kind === 'doc' ? `doc:${selection.id}` : `new:${selection.n}`}
            ref={v.editor}
            id={selection.kind === 'doc' ? selection.id : null}
            terms={selection.kind === 'doc' ? selection.terms : undefined}
            onSaved={v.onSaved}
            onDeleted={v.onDeleted}
            onDirtyChange={v.onDirtyChange}
          />
        )}
      </div>
      {state.trashed !== undefined && <UndoNotice doc={state.trashed} onUndo={() => void v.undo()} onDismiss={() => dispatch({ type: 'dismissTrashed' })} />}
      <TransferDialogs t={transfer} filtered={isFiltered(state.filters)} />
      <VaultDialogs
        v={v}
        vaultPath={status.path}
        onStatus={onStatus}
        restoring={restoring}
        onRestoreEnd={(s) => {
          setRestoring(false);
          if (s === undefined) return;
          setPanel('none');
          onStatus(s);
        }}
      />
    </div>
  );
}
