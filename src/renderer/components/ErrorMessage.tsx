/** An error shown by kind: a title, a hint for what to do, the detail from the server. */
import type { SerializedError } from '../../shared/errors';
import { describeError } from '../errors';

/** Shows one error; renders nothing for undefined. `where: 'sync'`: the team-vault forms' hints. */
export function ErrorMessage({ error, onDismiss, where }: { error: SerializedError | undefined; onDismiss?: () => void; where?: 'vault' | 'sync' }) {
  if (error === undefined) return null;
  const d = describeError(error, where);
  return (
    <div className="error" role="alert" data-kind={error.kind}>
      <strong>{d.title}</strong>
      {d.hint !== undefined && <span> — {d.hint}</span>}
      {d.detail !== undefined && <div className="detail">{d.detail}</div>}
      {onDismiss !== undefined && (
        <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
