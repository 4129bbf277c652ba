/** Settings → Team vault: attach to a server, the sync status, Sync now with progress, the period, and the conflicts (each opens in the comparison view). */
import { useState } from 'react';
import { SETTING_LIMITS } from '../../shared/live';
import type { SyncConflict } from '../../shared/team';
import { ConfirmDialog } from '../components/Dialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { SafeText } from '../components/SafeText';
import { errorTitle } from '../errors';
import { AttachForm } from './AttachForm';
import { ConflictCompare } from './ConflictCompare';
import { ago, progressText } from './team-model';
import type { TeamSyncState } from './useTeamSync';

/** Props of {@link TeamVaultSection}. */
export interface TeamVaultSectionProps {
  readonly team: TeamSyncState;
  readonly syncSeconds: number;
  readonly onSyncSeconds: (seconds: number) => void;
}

/** The Team vault fieldset. */
export function TeamVaultSection({ team, syncSeconds, onSyncSeconds }: TeamVaultSectionProps) {
  const s = team.status;
  // The conflict open in the comparison view (only one with two versions to compare).
  const [comparing, setComparing] = useState<(SyncConflict & { remoteVersion: number }) | undefined>(undefined);
  const [detaching, setDetaching] = useState(false);
  const now = Date.now();
  return (
    <fieldset className="team-vault" data-testid="team-vault">
      <legend>Team vault</legend>
      <ErrorMessage error={team.error} onDismiss={team.dismissError} where="sync" />
      {s === undefined ? null : s.remote === null ? (
        <>
          <p className="muted small">Not attached. A team vault syncs this vault through a PostgreSQL database, end-to-end encrypted, with your other computers or a team holding the key.</p>
          <AttachForm initialUrl="" canKeepPassword={s.canKeepPassword} passwordKept={s.passwordKept} onAttach={team.attach} />
        </>
      ) : (
        <>
          <dl className="facts team-facts" data-testid="sync-status">
            <dt>Server</dt>
            <dd className="path">{s.remote}</dd>
            <dt>Last sync</dt>
            <dd>{s.lastSync === null ? 'never' : ago(s.lastSync, now)}</dd>
            <dt>Waiting to send</dt>
            <dd data-testid="sync-pending">{s.pending.toLocaleString()}</dd>
            <dt>Conflicts</dt>
            <dd data-testid="sync-conflicts">{s.conflicts.toLocaleString()}</dd>
            {s.rejected > 0 && (
              <>
                <dt>Refused rows</dt>
                <dd title="Rows from the server that failed their seal: altered there, or sealed with another key">{s.rejected.toLocaleString()}</dd>
              </>
            )}
            {s.held > 0 && (
              <>
                <dt>Held back</dt>
                <dd data-testid="sync-held" title="Versions whose attachment files are missing or altered on the server: nothing of them is written; they are fetched again at every sync">
                  {s.held.toLocaleString()}
                </dd>
              </>
            )}
            {s.error !== null && (
              <>
                <dt>Last error</dt>
                <dd className="error" data-testid="sync-error">
                  {errorTitle(s.error.kind)}: {s.error.message}
                </dd>
              </>
            )}
          </dl>
          <div className="bench-row">
            <button type="button" onClick={team.syncNow} disabled={s.syncing}>
              {s.syncing ? 'Syncing…' : 'Sync now'}
            </button>
            <span className="muted small" role="status" data-testid="sync-progress">
              {progressText(team.progress) ?? (s.nextSync === null ? 'Background sync is off' : `Next sync ${new Date(s.nextSync).toLocaleTimeString()}`)}
            </span>
          </div>
          {team.conflicts.length > 0 && (
            <ul className="conflicts" aria-label="Conflicts">
              {team.conflicts.map((c) => (
                <li key={c.id}>
                  <SafeText className="conflict-id" text={c.id} />
                  <span className="muted small">
                    {c.remoteVersion === null ? c.reason : `version ${c.localVersion} (here) and ${c.remoteVersion} (other device)`}
                  </span>
                  {c.remoteVersion !== null && (
                    <button type="button" onClick={() => c.remoteVersion !== null && setComparing({ ...c, remoteVersion: c.remoteVersion })} title="See both versions side by side, and restore the one to keep">
                      Compare…
                    </button>
                  )}
                  <button type="button" onClick={() => team.keepCurrent(c.id)} title="Keep the document as it is now: both versions stay in its history">
                    Keep current
                  </button>
                </li>
              ))}
            </ul>
          )}
          <details>
            <summary>Change the server or its CA</summary>
            <AttachForm initialUrl={s.remote} canKeepPassword={s.canKeepPassword} passwordKept={s.passwordKept} onAttach={team.attach} />
          </details>
          <div>
            <button type="button" className="danger" onClick={() => setDetaching(true)} disabled={s.syncing}>
              Detach from team vault…
            </button>
          </div>
        </>
      )}
      <label>
        Sync in the background every this many seconds while unlocked (0: never)
        <input
          name="syncSeconds"
          type="number"
          min={SETTING_LIMITS.syncSeconds.min}
          max={SETTING_LIMITS.syncSeconds.max}
          defaultValue={syncSeconds}
          onBlur={(e) => onSyncSeconds(Number(e.target.value))}
        />
      </label>
      {detaching && s !== undefined && s.remote !== null && (
        <ConfirmDialog
          title="Detach from the team vault?"
          message={`This vault stops syncing with ${s.remote}${s.pending > 0 ? `; ${s.pending.toLocaleString()} change${s.pending === 1 ? '' : 's'} not yet sent stay${s.pending === 1 ? 's' : ''} only here` : ''}${s.conflicts > 0 ? '; conflict flags are cleared (both versions stay in each history)' : ''}. Every document and version stays in this vault. The server keeps what it has${s.passwordKept ? '; the password kept for it is forgotten' : ''}.`}
          confirmLabel="Detach"
          danger
          onCancel={() => setDetaching(false)}
          onConfirm={() => {
            setDetaching(false);
            void team.detach();
          }}
        />
      )}
      {comparing !== undefined && (
        <ConflictCompare
          conflict={comparing}
          onClose={() => setComparing(undefined)}
          onSettled={() => {
            setComparing(undefined);
            team.syncNow();
          }}
        />
      )}
    </fieldset>
  );
}
