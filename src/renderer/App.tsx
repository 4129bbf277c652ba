/** The app: transport check, unlock/create, then the vault (list + editor). */
import { useEffect, useMemo, useState } from 'react';
import type { VaultStatus } from '../shared/contract';
import type { SerializedError } from '../shared/errors';
import { connect } from './api';
import { toSerializedError } from './errors';
import { ApiProvider, useApi, usePushEvents } from './state';
import { busyText } from './model/busy';
import { ErrorMessage } from './components/ErrorMessage';
import { UnlockScreen } from './components/UnlockScreen';
import { VaultScreen } from './components/VaultScreen';

/** Root component. */
export function App() {
  const api = useMemo(connect, []);
  if (api === undefined)
    return (
      <main className="unlock">
        <div className="card">
          <h1>docvault</h1>
          <ErrorMessage error={{ kind: 'Unauthorized', message: 'No access token in this page address.' }} />
        </div>
      </main>
    );
  return (
    <ApiProvider api={api}>
      <Shell />
    </ApiProvider>
  );
}

function Shell() {
  const { call, busy } = useApi();
  const [status, setStatus] = useState<VaultStatus | undefined>(undefined);
  const [error, setError] = useState<SerializedError | undefined>(undefined);

  useEffect(() => {
    call('vault.status', {})
      .then(setStatus)
      .catch((err: unknown) => setError(toSerializedError(err)));
  }, [call]);

  usePushEvents((e) => {
    if (e.event === 'vault.changed') setStatus(e.data);
  });

  return (
    <>
      {error !== undefined && (
        <main className="unlock">
          <ErrorMessage error={error} />
        </main>
      )}
      {status === undefined && error === undefined && <main className="unlock muted">Connecting…</main>}
      {status !== undefined && status.state !== 'unlocked' && <UnlockScreen key={status.state + status.path} status={status} onStatus={setStatus} />}
      {status?.state === 'unlocked' && <VaultScreen status={status} onStatus={setStatus} />}
      {busy !== undefined && (
        <div className="progress" role="progressbar" aria-label={busy.label} data-testid="progress">
          <span>{busyText(busy)}</span>
          {busy.progress !== undefined && busy.progress.total > 0 ? (
            <progress value={busy.progress.done} max={busy.progress.total} />
          ) : (
            <progress />
          )}
        </div>
      )}
    </>
  );
}
