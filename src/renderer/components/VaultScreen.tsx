/** The unlocked window: top bar, sidebar with the list, and the editor (or the Trash). Decisions live in useVaultScreen. */
import type { VaultStatus } from '../../shared/contract';
import { useVaultScreen } from '../hooks/useVaultScreen';
import { ConfirmDialog } from './Dialog';
import { Editor } from './Editor';
import { ErrorMessage } from './ErrorMessage';
import { ShortcutHelp } from './ShortcutHelp';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { TrashView } from './TrashView';
import { UndoNotice } from './UndoNotice';
import { BackupDialog } from './BackupDialog';
import { ChangePassphraseDialog } from './ChangePassphraseDialog';
import { VerifyDialog } from './VerifyDialog';

/** Props of {@link VaultScreen}. */
export interface VaultScreenProps {
  readonly status: VaultStatus;
  readonly onStatus: (s: VaultStatus) => void;
}

/** The unlocked vault. */
export function VaultScreen({ status, onStatus }: VaultScreenProps) {
  const v = useVaultScreen(onStatus);
  const { state, dispatch } = v;
  const selection = state.selection;
  return (
    <div className="app">
      <TopBar path={status.path} stats={v.stats} view={state.view} onToggleTrash={v.toggleTrash} onVerify={v.verify} onBackup={v.backup} onChangePassphrase={() => v.guard(() => dispatch({ type: 'changePassphrase', open: true }))} onLock={v.lock} />
      <Sidebar
        filters={state.filters}
        types={v.types}
        knownTags={v.knownTags}
        generation={state.generation}
        selectedId={selection.kind === 'doc' ? selection.id : undefined}
        findRef={v.findRef}
        onNew={v.newDoc}
        onFind={(id) => void v.find(id)}
        onFilter={(filters) => dispatch({ type: 'filter', filters })}
        onClearFilters={() => dispatch({ type: 'clearFilters' })}
        onSelect={(id) => v.select({ kind: 'doc', id })}
        onItems={v.onItems}
      />
      <div className="main-pane">
        <ErrorMessage error={state.error} onDismiss={() => dispatch({ type: 'error', error: undefined })} />
        {state.view === 'trash' ? (
          <TrashView onRestored={v.onRestored} />
        ) : selection.kind === 'none' ? (
          <ShortcutHelp />
        ) : (
          <Editor
            key={selection.kind === 'doc' ? `doc:${selection.id}` : `new:${selection.n}`}
            ref={v.editor}
            id={selection.kind === 'doc' ? selection.id : null}
            onSaved={v.onSaved}
            onDeleted={v.onDeleted}
            onDirtyChange={v.onDirtyChange}
          />
        )}
      </div>
      {state.trashed !== undefined && <UndoNotice doc={state.trashed} onUndo={() => void v.undo()} onDismiss={() => dispatch({ type: 'dismissTrashed' })} />}
      {state.changingPassphrase && (
        <ChangePassphraseDialog
          onDone={(s) => {
            dispatch({ type: 'changePassphrase', open: false });
            onStatus(s);
          }}
          onCancel={() => dispatch({ type: 'changePassphrase', open: false })}
        />
      )}
      {state.backup !== undefined && <BackupDialog backup={state.backup} onClose={() => dispatch({ type: 'backup', backup: undefined })} />}
      {state.report !== undefined && <VerifyDialog report={state.report} onClose={() => dispatch({ type: 'report', report: undefined })} />}
      {state.pending !== undefined && (
        <ConfirmDialog
          title="Discard unsaved changes?"
          message="The document you are editing has changes that are not saved."
          confirmLabel="Discard changes"
          danger
          onConfirm={v.discard}
          onCancel={() => dispatch({ type: 'answered' })}
        />
      )}
    </div>
  );
}
