/** The changes to title, type, tags and metadata between two versions, as a list. */
import type { FieldChange } from '../../shared/compare';

const NAMES = { title: 'Title', type: 'Type', tags: 'Tag', metadata: 'Metadata' } as const;

function Value({ text, kind }: { text: string | null; kind: 'before' | 'after' }) {
  if (text === null) return null;
  const shown = text === '' ? '(empty)' : text;
  return kind === 'before' ? (
    <del>
      <span className="sr-only">removed: </span>
      {shown}
    </del>
  ) : (
    <ins>
      <span className="sr-only">added: </span>
      {shown}
    </ins>
  );
}

/** Lists field changes; nothing when there are none. */
export function FieldChanges({ changes }: { changes: readonly FieldChange[] }) {
  if (changes.length === 0) return null;
  return (
    <ul className="field-changes" aria-label="Changes to title, type, tags and metadata" data-testid="field-changes">
      {changes.map((c, i) => (
        <li key={i}>
          <span className="field-name">
            {NAMES[c.field]}
            {c.key !== undefined && <code> {c.key}</code>}
            {c.field !== 'title' && c.field !== 'type' && <span className="muted"> {c.kind}</span>}
          </span>
          <Value text={c.before} kind="before" />
          {c.before !== null && c.after !== null && <span aria-hidden="true"> → </span>}
          <Value text={c.after} kind="after" />
        </li>
      ))}
    </ul>
  );
}
