/** "Moved to the Trash · Undo": shown after Delete, so one click never loses a document. */
import { SafeText } from './SafeText';
import type { Trashed } from '../model/vault-screen';

/** Props of {@link UndoNotice}. */
export interface UndoNoticeProps {
  readonly doc: Trashed;
  readonly onUndo: () => void;
  readonly onDismiss: () => void;
}

/** The notice with Undo, at the bottom of the window until dismissed or replaced. */
export function UndoNotice({ doc, onUndo, onDismiss }: UndoNoticeProps) {
  return (
    <div className="toast" role="status" data-testid="undo-notice">
      <span>
        “<SafeText text={doc.title || doc.id} />” moved to the Trash.
      </span>
      <button type="button" className="primary" onClick={onUndo}>
        Undo
      </button>
      <button type="button" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
