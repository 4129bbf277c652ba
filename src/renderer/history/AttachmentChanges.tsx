/** How the attachments differ between two versions: added, removed, changed (same name, other bytes or type). */
import { SafeText } from '../components/SafeText';
import { attachmentChanges, type AttachmentInfo } from '../../shared/attachments';
import { formatBytes } from '../model/attachments';

const MARK = { added: '+', removed: '−', changed: '~' } as const;

/** The list of changes from `before` to `after`; nothing when the attachments are the same. */
export function AttachmentChanges({ before, after, testId }: { before: readonly AttachmentInfo[] | undefined; after: readonly AttachmentInfo[] | undefined; testId?: string }) {
  const changes = attachmentChanges(before, after);
  if (changes.length === 0) return null;
  return (
    // Spans, not a list: the timeline puts this inside a button, which takes phrasing content only.
    <span className="history-attachments" data-testid={testId}>
      {changes.map((c) => (
        <span key={c.name} className={c.change}>
          <span aria-hidden="true">{MARK[c.change]} </span>
          <SafeText text={c.name} /> <span className="muted">{c.change === 'removed' ? 'removed' : `${c.change} (${formatBytes(c.after.size)})`}</span>
        </span>
      ))}
    </span>
  );
}
