/** Attach this vault to a team vault: server URL (no password) and, when the server's CA is not a public one, its CA file. */
import { useState } from 'react';

/** Props of {@link AttachForm}. */
export interface AttachFormProps {
  readonly initialUrl: string;
  /** The app can keep the database password in the OS keychain (Electron): the form asks for it. */
  readonly canKeepPassword: boolean;
  readonly passwordKept: boolean;
  readonly onAttach: (url: string, ca: string | undefined, password: string | undefined) => Promise<boolean>;
}

/** The attach form. The CA file is read here and sent as PEM text: the same in Electron and in a browser. */
export function AttachForm({ initialUrl, canKeepPassword, passwordKept, onAttach }: AttachFormProps) {
  const [url, setUrl] = useState(initialUrl);
  const [password, setPassword] = useState('');
  const [ca, setCa] = useState<{ name: string; pem: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const hasPassword = /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(url);
  return (
    <form
      className="attach-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        void onAttach(url.trim(), ca?.pem, password === '' ? undefined : password).finally(() => {
          setBusy(false);
          setPassword('');
        });
      }}
    >
      <label>
        Server
        <input name="remoteUrl" type="text" spellCheck={false} autoComplete="off" placeholder="postgresql://user@db.example.com/team" value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      {hasPassword && (
        <p className="error small" role="alert">
          Leave the password out of the address: set PGPASSWORD or a ~/.pgpass line on this computer.
        </p>
      )}
      <label>
        CA certificate (only when the server&apos;s is not from a public authority)
        <input
          name="remoteCa"
          type="file"
          accept=".pem,.crt,.cer"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f === undefined) return setCa(undefined);
            void f.text().then((pem) => setCa({ name: f.name, pem }));
          }}
        />
      </label>
      {canKeepPassword && (
        <label>
          Database password ({passwordKept ? 'one is kept: leave empty to keep it' : 'kept in the system keychain'})
          <input name="remotePassword" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      <p className="muted small">
        {canKeepPassword ? 'Or leave it empty to use PGPASSWORD or ~/.pgpass. ' : 'The database password comes from PGPASSWORD or ~/.pgpass on this computer. '}
        docvault never stores it in the vault, logs it or shows it. Everything sent is sealed with the vault&apos;s key: the server cannot read it.
      </p>
      <button type="submit" disabled={busy || url.trim() === '' || hasPassword}>
        {busy ? 'Attaching…' : 'Attach'}
      </button>
    </form>
  );
}
