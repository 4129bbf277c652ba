/** The Import… and Export… forms: what to take, where from or to, and the options. */
import type { SerializedError } from '../../shared/errors';
import type { TransferKind } from '../../shared/transfer';
import type { PathMode } from '../hooks/useTransfer';
import { canSubmit, type ExportScope, type TransferForm } from '../model/transfer';
import { Dialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { PathField } from './PathField';

/** Props of {@link TransferFormDialog}. */
export interface TransferFormDialogProps {
  readonly kind: TransferKind;
  readonly form: TransferForm;
  readonly error: SerializedError | undefined;
  readonly paths: PathMode;
  /** A document is open (the export may take just it). */
  readonly hasCurrent: boolean;
  /** The list is filtered (the export may take what it shows). */
  readonly filtered: boolean;
  /** True while the request is on its way. */
  readonly busy: boolean;
  readonly onEdit: (change: Partial<TransferForm>) => void;
  readonly onPick: () => void;
  readonly onSubmit: () => void;
  readonly onCancel: () => void;
}

const SCOPES: readonly { readonly value: ExportScope; readonly label: string }[] = [
  { value: 'all', label: 'Every document' },
  { value: 'filtered', label: 'The documents the list shows (its type and tag filters)' },
  { value: 'current', label: 'The open document' },
];

/** The form dialog of an import or an export. */
export function TransferFormDialog(p: TransferFormDialogProps) {
  const { kind, form, onEdit } = p;
  const isImport = kind === 'import';
  const go = isImport ? 'Import' : 'Export';
  return (
    <Dialog
      title={isImport ? 'Import into this vault' : 'Export from this vault'}
      onCancel={p.onCancel}
      testId="transfer-form"
      actions={
        <>
          <button type="button" onClick={p.onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={p.busy || !canSubmit(form)} onClick={p.onSubmit}>
            {p.busy ? `${go}ing…` : go}
          </button>
        </>
      }
    >
      <form
        className="transfer-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (canSubmit(form) && !p.busy) p.onSubmit();
        }}
      >
        <ErrorMessage error={p.error} />
        {isImport ? (
          <fieldset>
            <legend>What to import</legend>
            <label className="check">
              <input type="radio" name="source" checked={form.source === 'folder'} onChange={() => onEdit({ source: 'folder' })} />A folder of Markdown or text files (.md, .txt; front matter sets title, type, tags)
            </label>
            <label className="check">
              <input type="radio" name="source" checked={form.source === 'file'} onChange={() => onEdit({ source: 'file' })} />A docvault export (docvault-export.jsonl, with its versions)
            </label>
          </fieldset>
        ) : (
          <>
            <fieldset>
              <legend>What to export</legend>
              {SCOPES.map((s) => (
                <label key={s.value} className="check">
                  <input type="radio" name="scope" checked={form.scope === s.value} disabled={(s.value === 'current' && !p.hasCurrent) || (s.value === 'filtered' && !p.filtered)} onChange={() => onEdit({ scope: s.value })} />
                  {s.label}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>As</legend>
              <label className="check">
                <input type="radio" name="format" checked={form.format === 'md'} onChange={() => onEdit({ format: 'md' })} />
                Markdown files with front matter, one per document
              </label>
              <label className="check">
                <input type="radio" name="format" checked={form.format === 'json'} onChange={() => onEdit({ format: 'json' })} />
                One docvault export file (JSON lines), to import elsewhere
              </label>
              <label className="check">
                <input type="checkbox" name="versions" checked={form.versions} onChange={(e) => onEdit({ versions: e.target.checked })} />
                Every version, not only the current one
              </label>
            </fieldset>
          </>
        )}
        <PathField
          label={isImport ? (form.source === 'folder' ? 'Folder' : 'Export file') : 'Into a new folder inside'}
          form={form}
          paths={p.paths}
          placeholder={isImport ? (form.source === 'folder' ? '/home/me/notes' : '/home/me/export/docvault-export.jsonl') : '/home/me/exports'}
          onPick={p.onPick}
          onType={(path) => onEdit({ path, grant: undefined })}
        />
      </form>
    </Dialog>
  );
}
