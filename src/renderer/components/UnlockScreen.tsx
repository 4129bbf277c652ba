/** Unlock an existing vault, or create one (passphrase twice, strength hint). */
import { useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import { CallError, toSerializedError } from '../errors';
import { parseRawKeyText } from '../model/raw-key';
import { useApi } from '../state';
import { strengthOf } from '../strength';
import { CloneScreen } from '../team/CloneScreen';
import { ErrorMessage } from './ErrorMessage';
import { KeyFileUnlock, PlainVaultOpen } from './KeyFileUnlock';

/** Minimum passphrase length the UI accepts for a new vault. */
export const MIN_PASSPHRASE = 8;

/** Shown while the vault is missing or locked. */
export function UnlockScreen({ status, onStatus }: { status: VaultStatus; onStatus: (s: VaultStatus) => void }) {
  const { call } = useApi();
  const creating = status.state === 'missing';
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const [working, setWorking] = useState(false);
  const [cloning, setCloning] = useState(false);
  const strength = strengthOf(pass);
  const mismatch = creating && again.length > 0 && again !== pass;
  const canSubmit = !working && pass.length > 0 && (!creating || (pass.length >= MIN_PASSPHRASE && again === pass));

  /** A pasted key (64 hex characters) that is not the passphrase is tried as the raw key of a key-file vault. */
  const unlock = async (input: { passphrase: string; remember?: boolean }): Promise<VaultStatus> => {
    try {
      return await call('vault.unlock', input, 'Unlocking');
    } catch (err) {
      const raw = parseRawKeyText(input.passphrase);
      if (raw === undefined || !(err instanceof CallError) || err.error.kind !== 'WrongKey') throw err;
      return call('vault.unlock', { rawKey: raw, ...(input.remember === undefined ? {} : { remember: input.remember }) }, 'Unlocking');
    }
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!canSubmit) return;
    setWorking(true);
    setError(undefined);
    try {
      const input = status.canRemember ? { passphrase: pass, remember } : { passphrase: pass };
      const s = creating ? await call('vault.create', input, 'Creating the vault') : await unlock(input);
      setPass('');
      setAgain('');
      onStatus(s);
    } catch (err) {
      setError(toSerializedError(err));
    } finally {
      setWorking(false);
    }
  };

  if (cloning) return <CloneScreen status={status} onStatus={onStatus} onBack={() => setCloning(false)} />;
  if (status.state === 'locked' && status.encrypted === false) return <PlainVaultOpen status={status} onStatus={onStatus} />;
  return (
    <main className="unlock">
      <form className="card" onSubmit={(e) => void submit(e)} aria-label={creating ? 'Create vault' : 'Unlock vault'}>
        <h1>{creating ? 'Create your vault' : 'Unlock your vault'}</h1>
        <p className="muted path" title={status.path}>
          {status.path}
        </p>
        {creating && (
          <p className="muted">
            Everything is encrypted with this passphrase. There is no way to recover it: write it down somewhere safe.
          </p>
        )}
        <label>
          Passphrase
          <input
            type="password"
            name="passphrase"
            autoComplete={creating ? 'new-password' : 'current-password'}
            autoFocus
            value={pass}
            onChange={(e) => setPass(e.target.value)}
            aria-describedby="strength"
          />
        </label>
        {creating && (
          <>
            <div id="strength" className={`strength ${strength.level}`} data-testid="strength">
              <span className="bar" />
              {strength.text}
            </div>
            <label>
              Passphrase again
              <input type="password" name="passphrase-again" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
            </label>
            {mismatch && <div className="warn">The two passphrases differ.</div>}
          </>
        )}
        {status.canRemember && (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            Remember on this device (the key is kept in the system keychain)
          </label>
        )}
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={!canSubmit}>
          {working ? (creating ? 'Creating…' : 'Unlocking…') : creating ? 'Create vault' : 'Unlock'}
        </button>
        {!creating && <KeyFileUnlock onStatus={onStatus} />}
        <button type="button" className="or-clone" onClick={() => setCloning(true)}>
          Clone from a team vault…
        </button>
      </form>
    </main>
  );
}
