/**
 * "Clone from a team vault" on the first-run and unlock screen: the server, its CA file, the database
 * password (where the OS keychain can keep it), the team vault's passphrase or key, and the new vault's file
 * name in the app's vault folder. Progress and Cancel while it pulls; on success the window opens the new vault.
 */
import { useState } from 'react';
import type { VaultStatus } from '../../shared/contract';
import { ErrorMessage } from '../components/ErrorMessage';
import { cloneProgressText, defaultCloneName, folderOf } from './team-model';
import { useClone } from './useClone';

/** Props of {@link CloneScreen}. */
export interface CloneScreenProps {
  readonly status: VaultStatus;
  readonly onStatus: (s: VaultStatus) => void;
  readonly onBack: () => void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,94}\.dvault$/;

/** The clone form (a card like the unlock form). */
export function CloneScreen({ status, onStatus, onBack }: CloneScreenProps) {
  const clone = useClone();
  const [url, setUrl] = useState('');
  const [ca, setCa] = useState<string | undefined>(undefined);
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [name, setName] = useState(() => defaultCloneName(status.path, status.state));
  const [remoteVault, setRemoteVault] = useState('');
  const hasPassword = /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url);
  const nameOk = NAME.test(name);
  const vaultIdOk = remoteVault === '' || /^[0-9a-f]{32}$/.test(remoteVault);
  const canSubmit = !clone.busy && /^postgres(ql)?:\/\/./.test(url.trim()) && !hasPassword && key.length > 0 && nameOk && vaultIdOk;
  const progress = cloneProgressText(clone.progress);
  return (
    <main className="unlock">
      <form
        className="card"
        aria-label="Clone from a team vault"
        onSubmit={(e) => {
          e.preventDefault();
          if (!canSubmit) return;
          const fields = { url: url.trim(), name, key, ...(ca === undefined ? {} : { ca }), ...(password === '' ? {} : { password }), ...(remoteVault === '' ? {} : { remoteVault }) };
          void clone.start(fields).then((done) => {
            if (done === undefined) return;
            setKey('');
            setPassword('');
            onStatus(done.status);
          });
        }}
      >
        <fieldset className="plain" disabled={clone.busy}>
          <h1>Clone from a team vault</h1>
          <p className="muted">A copy of a team vault for this computer: everything on the server is pulled and decrypted here with the vault&apos;s key.</p>
          <label>
            Server
            <input name="cloneUrl" type="text" spellCheck={false} autoComplete="off" autoFocus placeholder="postgresql://user@db.example.com/team" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          {hasPassword && (
            <p className="warn small" role="alert">
              Leave the password out of the address{status.canRemember ? ': type it below.' : ': set PGPASSWORD or a ~/.pgpass line on this computer.'}
            </p>
          )}
          <label>
            CA certificate (only when the server&apos;s is not from a public authority)
            <input name="cloneCa" type="file" accept=".pem,.crt,.cer" onChange={(e) => void (e.target.files?.[0]?.text() ?? Promise.resolve(undefined)).then(setCa)} />
          </label>
          {status.canRemember && (
            <label>
              Database password (kept in the system keychain)
              <input name="clonePassword" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
          )}
          <p className="muted small">
            {status.canRemember ? 'Or leave the password empty to use PGPASSWORD or ~/.pgpass. ' : 'The database password comes from PGPASSWORD or ~/.pgpass on this computer. '}
            docvault never stores it in the vault, logs it or shows it.
          </p>
          <label>
            Team vault passphrase or key
            <input name="cloneKey" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
          <label>
            New vault file
            <input name="cloneName" type="text" spellCheck={false} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} aria-describedby="clone-folder" />
          </label>
          <p id="clone-folder" className={nameOk ? 'muted small path' : 'warn small'} title={folderOf(status.path)}>
            {nameOk ? `In ${folderOf(status.path)}` : 'A file name ending in .dvault (letters, digits, space, . _ -), no folder.'}
          </p>
          <details>
            <summary className="small">Several team vaults on this server?</summary>
            <label>
              Team vault id (32 hex characters; the error lists the ones this login may read)
              <input name="cloneRemoteVault" type="text" spellCheck={false} autoComplete="off" value={remoteVault} onChange={(e) => setRemoteVault(e.target.value.trim().toLowerCase())} />
            </label>
          </details>
        </fieldset>
        <ErrorMessage error={clone.error} onDismiss={clone.dismissError} where="sync" />
        {clone.busy && (
          <div className="clone-progress" role="status" data-testid="clone-progress">
            <progress value={clone.progress?.done ?? 0} max={Math.max(1, clone.progress?.total ?? 0)} />
            <span className="small">{progress ?? 'Starting…'}</span>
          </div>
        )}
        <div className="row-end">
          {clone.busy ? (
            <button type="button" onClick={clone.cancel}>
              Cancel clone
            </button>
          ) : (
            <button type="button" onClick={onBack}>
              Back
            </button>
          )}
          <button type="submit" className="primary" disabled={!canSubmit}>
            {clone.busy ? 'Cloning…' : 'Clone'}
          </button>
        </div>
      </form>
    </main>
  );
}
