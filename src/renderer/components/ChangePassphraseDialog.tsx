/**
 * Change passphrase: the current one, the new one twice (strength hint). The vault is re-encrypted by copy
 * and swap, so a crash leaves it openable with the old passphrase or the new one; a remembered key follows.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import { toSerializedError } from '../errors';
import { useApi } from '../state';
import { strengthOf } from '../strength';
import { Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';
import { MIN_PASSPHRASE } from './UnlockScreen';

/** Props of {@link ChangePassphraseDialog}. */
export interface ChangePassphraseProps {
  readonly onDone: (s: VaultStatus) => void;
  readonly onCancel: () => void;
}

/** The dialog. On success the vault is open again with the new passphrase. */
export function ChangePassphraseDialog({ onDone, onCancel }: ChangePassphraseProps) {
  const { api, call } = useApi();
  // The team vault this vault syncs with, if any: a new passphrase detaches it (the sync keys derive from the key).
  const [remote, setRemote] = useState<string | null>(null);
  useEffect(() => {
    void api.invoke('sync.status', {}).then((r) => setRemote(r.ok ? r.value.remote : null));
  }, [api]);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [working, setWorking] = useState(false);
  const strength = strengthOf(next);
  const mismatch = again.length > 0 && again !== next;
  const canSubmit = !working && current.length > 0 && next.length >= MIN_PASSPHRASE && again === next;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!canSubmit) return;
    setWorking(true);
    setError(undefined);
    try {
      const s = await call('vault.changePassphrase', { passphrase: current, newPassphrase: next }, 'Re-encrypting the vault');
      onDone(s);
    } catch (err) {
      setError(toSerializedError(err));
      setWorking(false);
    }
  };

  return (
    <Dialog
      title="Change passphrase"
      onCancel={onCancel}
      testId="change-passphrase"
      actions={
        <>
          <button type="button" onClick={onCancel} disabled={working}>
            Cancel
          </button>
          <button type="submit" form="change-passphrase-form" className="primary" disabled={!canSubmit}>
            Change passphrase
          </button>
        </>
      }
    >
      <form id="change-passphrase-form" className="stack" onSubmit={(e) => void submit(e)}>
        <p className="muted small">The vault is re-encrypted and every signature renewed. There is no way to recover a lost passphrase.</p>
        {remote !== null && (
          <p className="warn small" data-testid="rekey-detach-warning">
            This vault syncs with the team vault on {remote}. The new passphrase cannot open it, so this vault will be detached from it. Attach it again in
            Settings → Team vault to start a new team vault with everything in this one; other devices then clone the new one.
          </p>
        )}
        <label>
          Current passphrase
          <input type="password" name="current" autoComplete="current-password" data-autofocus value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          New passphrase
          <input type="password" name="new" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="new-strength" />
        </label>
        <div id="new-strength" className={`strength ${strength.level}`}>
          <span className="bar" />
          {strength.text}
        </div>
        <label>
          New passphrase again
          <input type="password" name="again" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
        </label>
        {mismatch && <div className="warn">The two passphrases differ.</div>}
        <ErrorMessage error={error} onDismiss={() => setError(undefined)} />
      </form>
    </Dialog>
  );
}
