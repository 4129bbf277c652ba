/** Where an import reads or an export writes: "Choose…" (system dialog, Electron) or a typed full path (web twin). */
import type { PathMode } from '../hooks/useTransfer';
import type { TransferForm } from '../model/transfer';

/** Props of {@link PathField}. */
export interface PathFieldProps {
  readonly label: string;
  readonly form: TransferForm;
  readonly paths: PathMode;
  readonly placeholder: string;
  readonly onPick: () => void;
  readonly onType: (path: string) => void;
}

/** The path row of the import and export forms. */
export function PathField({ label, form, paths, placeholder, onPick, onType }: PathFieldProps) {
  if (paths.picker)
    return (
      <div className="path-field">
        <span className="path-label">{label}</span>
        <div className="path-choice">
          <button type="button" onClick={onPick} data-autofocus>
            Choose…
          </button>
          <bdi className="path-value small" data-testid="transfer-chosen">
            {form.grant?.label ?? <span className="muted">nothing chosen yet</span>}
          </bdi>
        </div>
      </div>
    );
  return (
    <label className="path-field">
      <span className="path-label">{label}</span>
      <input
        name="transfer-path"
        value={form.path}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onType(e.target.value)}
        data-autofocus
      />
      <span className="muted small">A full path on this computer (the browser has no folder picker for the app to use).</span>
    </label>
  );
}
