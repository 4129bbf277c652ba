/**
 * A team vault's server address: parsed, checked and normalised. Only `postgres://` / `postgresql://` URLs,
 * only TLS with full verification (`sslmode` absent or `verify-full`): `disable`, `allow`, `prefer`,
 * `require` and `verify-ca` are refused as `Insecure` rather than weakened in silence. The password, if the
 * user typed one into the URL, is kept for this connection only: {@link RemoteUrl.display} — what is stored
 * and printed — never holds it. Otherwise the password comes from `PGPASSWORD` or `~/.pgpass` (node-postgres
 * reads both), or from the app's key store.
 */
import { DocvaultError } from '../../shared/errors';

/** A parsed remote URL. */
export interface RemoteUrl {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly database: string | undefined;
  /** From the URL itself, for this connection only. Never stored, never printed. */
  readonly password: string | undefined;
  /** A CA file named in the URL (`sslrootcert=`), if any. */
  readonly caFile: string | undefined;
  /** The URL without password or TLS parameters: what is stored in the vault and shown. */
  readonly display: string;
}

const REFUSED_SSLMODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca']);
const KNOWN_PARAMS = new Set(['sslmode', 'sslrootcert', 'application_name', 'connect_timeout']);

/** Parses `url`: `Invalid` when it is not a PostgreSQL URL, `Insecure` when it asks for less than verify-full. */
export function parseRemoteUrl(url: string): RemoteUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DocvaultError('Invalid', 'remote: not a URL (expected postgresql://user@host:port/database)', { field: 'url' });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new DocvaultError('Invalid', `remote: ${u.protocol} is not a PostgreSQL URL (expected postgresql://user@host:port/database)`, { field: 'url' });
  if (u.hostname === '') throw new DocvaultError('Invalid', 'remote: the URL names no host (a Unix socket cannot carry TLS)', { field: 'url' });
  for (const key of u.searchParams.keys())
    if (!KNOWN_PARAMS.has(key)) throw new DocvaultError('Invalid', `remote: unknown URL parameter "${key}"`, { field: 'url' });
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode !== null && sslmode !== 'verify-full') {
    if (REFUSED_SSLMODES.has(sslmode))
      throw new DocvaultError('Insecure', `remote: sslmode=${sslmode} is refused; docvault connects only with sslmode=verify-full (TLS, certificate and host checked)`, { sslmode });
    throw new DocvaultError('Invalid', `remote: unknown sslmode "${sslmode}"`, { field: 'url' });
  }
  const port = u.port === '' ? 5432 : Number(u.port);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const user = u.username === '' ? undefined : decodeURIComponent(u.username);
  const database = u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined;
  const display = `postgresql://${user === undefined ? '' : `${encodeURIComponent(user)}@`}${u.host}${database === undefined ? '' : `/${encodeURIComponent(database)}`}`;
  return {
    host,
    port,
    user,
    database,
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    caFile: u.searchParams.get('sslrootcert') ?? undefined,
    display,
  };
}
