/** The editable fields of a document: id (new documents only), type, tags. */
import type { Draft } from '../model/editor';

/** Props of {@link DocumentFields}. */
export interface DocumentFieldsProps {
  readonly draft: Draft;
  readonly isNew: boolean;
  readonly onEdit: (field: keyof Draft, value: string) => void;
}

/** Id, type and tags. */
export function DocumentFields({ draft, isNew, onEdit }: DocumentFieldsProps) {
  return (
    <div className="fields">
      <label>
        Id
        <input
          name="id"
          value={draft.id}
          readOnly={!isNew}
          placeholder={isNew ? 'automatic (from the title)' : undefined}
          title={isNew ? 'Leave empty for an id made from the title and a random suffix' : 'The id of a saved document cannot change'}
          onChange={(e) => onEdit('id', e.target.value)}
        />
      </label>
      <label>
        Type
        <input name="type" value={draft.type} placeholder="note, invoice, contract…" onChange={(e) => onEdit('type', e.target.value)} />
      </label>
      <label className="grow">
        Tags
        <input name="tags" value={draft.tags} placeholder="comma, separated" onChange={(e) => onEdit('tags', e.target.value)} />
      </label>
    </div>
  );
}
