/** The versions of one document, newest first, each restorable. */
import type { VersionInfo } from '../../shared/types';
import { Dialog } from './Dialog';

/** Props of {@link HistoryDialog}. */
export interface HistoryDialogProps {
  readonly versions: readonly VersionInfo[];
  readonly currentVersion: number | undefined;
  readonly onRestore: (version: number) => void;
  readonly onClose: () => void;
}

/** The history dialog. */
export function HistoryDialog({ versions, currentVersion, onRestore, onClose }: HistoryDialogProps) {
  return (
    <Dialog title="History" onCancel={onClose} actions={<button onClick={onClose}>Close</button>} testId="history-dialog">
      <ol className="history">
        {[...versions].reverse().map((v) => (
          <li key={v.version}>
            <span>
              v{v.version} · {new Date(v.createdAt).toLocaleString()} · {v.title || '(untitled)'} · {v.size.toLocaleString()} bytes
              {v.comment !== null && <em> — {v.comment}</em>}
            </span>
            {v.version !== currentVersion && (
              <button type="button" onClick={() => onRestore(v.version)}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
