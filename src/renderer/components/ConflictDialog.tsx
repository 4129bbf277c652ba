/** A save hit a `Conflict`: both versions side by side, and the three ways out. Nothing is overwritten silently. */
import type { Document } from '../../shared/types';
import { parseTags, type Draft } from '../model/editor';
import { Dialog } from './Dialog';

/** Props of {@link ConflictDialog}. */
export interface ConflictDialogProps {
  /** The version the draft was based on. */
  readonly baseVersion: number | undefined;
  readonly mine: Draft;
  readonly theirs: Document;
  readonly onKeepEditing: () => void;
  readonly onTakeTheirs: () => void;
  readonly onSaveMine: (expectedVersion: number) => void;
}

/** The edit-conflict dialog. */
export function ConflictDialog({ baseVersion, mine, theirs, onKeepEditing, onTakeTheirs, onSaveMine }: ConflictDialogProps) {
  return (
    <Dialog
      title="This document was changed elsewhere"
      wide
      testId="conflict-dialog"
      onCancel={onKeepEditing}
      actions={
        <>
          <button type="button" onClick={onKeepEditing} data-autofocus>
            Keep editing
          </button>
          <button type="button" onClick={onTakeTheirs}>
            Use saved version (discard mine)
          </button>
          <button type="button" className="primary" onClick={() => onSaveMine(theirs.version)}>
            Save mine as version {theirs.version + 1}
          </button>
        </>
      }
    >
      <p>
        You edited version {baseVersion}; version {theirs.version} was saved since. Compare and choose. Every version stays in the history either way.
      </p>
      <div className="compare">
        <div>
          <h3>Yours (not saved)</h3>
          <div className="small muted">
            {mine.title} · {mine.type} · {parseTags(mine.tags).join(', ')}
          </div>
          <pre data-testid="conflict-mine">{mine.content}</pre>
        </div>
        <div>
          <h3>Saved (version {theirs.version})</h3>
          <div className="small muted">
            {theirs.title} · {theirs.type} · {theirs.tags.join(', ')}
          </div>
          <pre data-testid="conflict-theirs">{theirs.content}</pre>
        </div>
      </div>
    </Dialog>
  );
}
