/**
 * Unlock with a key file: the file is read here in the window (it never leaves the machine but for the
 * request to the app) and sent as the raw key. Also the "Open" button of a plain vault, which needs no key.
 */
import { useState } from 'react';
import type { UnlockInput, VaultStatus } from '../../shared/contract';
import type { SerializedError } from '../../shared/errors';
import { toSerializedError } from '../errors';
import { NOT_A_KEY_FILE, parseRawKeyText } from '../model/raw-key';
import { useApi } from '../state';
import { ErrorMessage } from './ErrorMessage';

/** A key-file picker that unlocks as soon as a file is chosen. */
export function KeyFileUnlock({ onStatus }: { onStatus: (s: VaultStatus) => void }) {
  const { call } = useApi();
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  const onFile = async (file: File | undefined): Promise<void> => {
    if (file === undefined) return;
    setError(undefined);
    // A key file is 64 characters and a newline; anything much larger is not one (and is not read whole).
    const raw = parseRawKeyText(file.size > 1024 ? '' : await file.text());
    if (raw === undefined) {
      setError({ kind: 'Invalid', message: NOT_A_KEY_FILE });
      return;
    }
    try {
      onStatus(await call('vault.unlock', { rawKey: raw } satisfies UnlockInput, 'Unlocking'));
    } catch (err) {
      setError(toSerializedError(err));
    }
  };
  return (
    <div className="keyfile">
      <label>
        Or choose a key file (made by docvault init --key-file)
        <input type="file" name="keyfile" onChange={(e) => void onFile(e.target.files?.[0])} />
      </label>
      <ErrorMessage error={error} />
    </div>
  );
}

/** A locked plain vault: no key to ask for, only a warning and a button. */
export function PlainVaultOpen({ status, onStatus }: { status: VaultStatus; onStatus: (s: VaultStatus) => void }) {
  const { call } = useApi();
  const [error, setError] = useState<SerializedError | undefined>(undefined);
  return (
    <main className="unlock">
      <div className="card" aria-label="Open vault">
        <h1>Open your vault</h1>
        <p className="muted path" title={status.path}>
          {status.path}
        </p>
        <p className="warn">This vault is not encrypted: anyone who can read the file can read every document.</p>
        <ErrorMessage error={error} />
        <button
          type="button"
          className="primary"
          onClick={() => {
            call('vault.unlock', { encryption: false }, 'Opening')
              .then(onStatus)
              .catch((err: unknown) => setError(toSerializedError(err)));
          }}
        >
          Open
        </button>
      </div>
    </main>
  );
}
