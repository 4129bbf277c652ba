/**
 * Restoring a version: a preview (the current version compared with the chosen one), a comment and
 * a confirmation. Restoring writes a new version; nothing is removed from the history.
 */
import { useState } from 'react';
import type { SerializedError } from '../../shared/errors';
import { LIMITS, type Document } from '../../shared/types';
import { ComparisonView } from '../compare/ComparisonView';
import { Dialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { CallError } from '../errors';
import { useApi } from '../state';

/** Props of {@link RestoreDialog}. */
export interface RestoreDialogProps {
  readonly current: Document;
  readonly chosen: Document;
  /** The editor holds unsaved changes, which the restored version replaces. */
  readonly dirty: boolean;
  readonly onRestored: (doc: Document, from: number) => void;
  readonly onBack: () => void;
}

/** The restore preview and confirmation. */
export function RestoreDialog({ current, chosen, dirty, onRestored, onBack }: RestoreDialogProps) {
  const { call } = useApi();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const restore = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = comment.trim();
      const doc = await call('doc.restore', { id: current.id, version: chosen.version, expectedVersion: current.version, ...(trimmed !== '' ? { comment: trimmed } : {}) }, 'Restoring');
      onRestored(doc, chosen.version);
    } catch (err) {
      setError(err instanceof CallError ? err.error : { kind: 'Internal', message: String(err) });
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Restore version ${chosen.version}?`}
      wide
      testId="restore-dialog"
      onCancel={onBack}
      actions={
        <>
          <button type="button" onClick={onBack} data-autofocus>
            Back
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void restore()}>
            {busy ? 'Restoring…' : `Restore as version ${current.version + 1}`}
          </button>
        </>
      }
    >
      <p>
        Version {current.version + 1} will be a copy of version {chosen.version}: content, title, type, tags and metadata. Every version stays in the history. The changes it makes to the current version:
      </p>
      {dirty && <div className="warn">Your unsaved changes in the editor will be replaced by the restored version.</div>}
      <ComparisonView a={current} b={chosen} labels={{ a: `Current (version ${current.version})`, b: `Version ${chosen.version}` }} testId="restore-preview" compact />
      <label className="restore-comment">
        Comment (optional)
        <input
          value={comment}
          maxLength={LIMITS.commentMaxChars - 40}
          placeholder="Why you are restoring it"
          onChange={(e) => setComment(e.target.value)}
          data-testid="restore-comment"
        />
      </label>
      <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
    </Dialog>
  );
}
