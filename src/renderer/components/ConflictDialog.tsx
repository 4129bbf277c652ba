/**
 * A save hit a `Conflict`: the saved version compared with yours (the same comparison as the history's),
 * and the three ways out. Nothing is overwritten silently.
 */
import { useMemo } from 'react';
import type { ComparableVersion } from '../../shared/compare';
import type { Document } from '../../shared/types';
import { ComparisonView } from '../compare/ComparisonView';
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
  // The draft has no metadata field: saving it keeps the saved version's metadata, so compare with that.
  const yours = useMemo<ComparableVersion>(
    () => ({ title: mine.title, type: mine.type, tags: parseTags(mine.tags), metadata: theirs.metadata, content: mine.content }),
    [mine.title, mine.type, mine.tags, mine.content, theirs.metadata],
  );
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
      <ComparisonView a={theirs} b={yours} labels={{ a: `Saved (version ${theirs.version})`, b: 'Yours (not saved)' }} testId="conflict-comparison" />
    </Dialog>
  );
}
