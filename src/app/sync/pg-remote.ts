/**
 * The server side of a team vault, over node-postgres: the schema `remote init` creates, and the few
 * statements a device runs (create or find a vault, push sealed rows, pull rows after a sequence number).
 *
 * Why node-postgres (`pg`): TLS is Node's own `tls` options (a CA, `rejectUnauthorized`, host checking), so
 * verify-full is the default of the platform and cannot silently degrade; it reads `PGPASSWORD` and
 * `~/.pgpass` itself; named prepared statements; `bytea` as Buffer; a multi-row insert through `unnest` of
 * arrays is one round trip per batch; and it is the most used and longest maintained PostgreSQL client for
 * Node (pure JavaScript: nothing native to rebuild for Electron).
 *
 * Sequence numbers (see docs/team.md): a BEFORE INSERT trigger, SECURITY DEFINER, takes the vault's counter
 * row (`UPDATE ... RETURNING`, a row lock held to commit) and numbers the row. Pushes to one vault are so
 * serialised: a row with a lower number always commits before a higher one is visible, so a device that
 * pulls `seq > last seen` never skips a row committed later. A retried push (same push id) is dropped by
 * the unique constraint, which may leave a gap: harmless, as pulls only ask for "after".
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DocvaultError, isDocvaultError } from '../../shared/errors';
import type { SealedRow } from '../../main/storage';
import { parseRemoteUrl, type RemoteUrl } from './remote-url';

/** The role team members are granted: SELECT and INSERT on the sync tables, nothing else. */
export const SYNC_ROLE = 'docvault_sync';

/** The schema, idempotent: every statement can run again on a database that has it. */
const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS docvault;
CREATE TABLE IF NOT EXISTS docvault.vaults (
  vault_id   uuid        PRIMARY KEY,
  kdf_salt   bytea,
  check_blob bytea       NOT NULL,
  next_seq   bigint      NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS docvault.members (
  vault_id uuid NOT NULL REFERENCES docvault.vaults,
  member   name NOT NULL,
  PRIMARY KEY (vault_id, member)
);
CREATE TABLE IF NOT EXISTS docvault.rows (
  vault_id  uuid        NOT NULL REFERENCES docvault.vaults,
  seq       bigint      NOT NULL,
  doc_hash  bytea       NOT NULL,
  push_id   bytea       NOT NULL,
  sealed    bytea       NOT NULL,
  pushed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vault_id, seq),
  UNIQUE (vault_id, push_id)
);

CREATE OR REPLACE FUNCTION docvault.assign_seq() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = docvault, pg_temp AS $f$
BEGIN
  UPDATE docvault.vaults SET next_seq = next_seq + 1 WHERE vault_id = NEW.vault_id RETURNING next_seq - 1 INTO NEW.seq;
  IF NEW.seq IS NULL THEN RAISE EXCEPTION 'no such vault' USING ERRCODE = '23503'; END IF;
  NEW.pushed_at := now();
  RETURN NEW;
END $f$;
DROP TRIGGER IF EXISTS rows_assign_seq ON docvault.rows;
CREATE TRIGGER rows_assign_seq BEFORE INSERT ON docvault.rows FOR EACH ROW EXECUTE FUNCTION docvault.assign_seq();

CREATE OR REPLACE FUNCTION docvault.create_vault(p_vault uuid, p_salt bytea, p_check bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = docvault, pg_temp AS $f$
BEGIN
  INSERT INTO docvault.vaults (vault_id, kdf_salt, check_blob) VALUES (p_vault, p_salt, p_check);
  INSERT INTO docvault.members (vault_id, member) VALUES (p_vault, session_user);
END $f$;
CREATE OR REPLACE FUNCTION docvault.add_member(p_vault uuid, p_member name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = docvault, pg_temp AS $f$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM docvault.members WHERE vault_id = p_vault AND member = session_user) THEN
    RAISE EXCEPTION 'only a member of a vault can add one' USING ERRCODE = '42501';
  END IF;
  INSERT INTO docvault.members (vault_id, member) VALUES (p_vault, p_member) ON CONFLICT DO NOTHING;
END $f$;

DO $r$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${SYNC_ROLE}') THEN CREATE ROLE ${SYNC_ROLE} NOLOGIN; END IF;
END $r$;
REVOKE ALL ON SCHEMA docvault FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA docvault FROM PUBLIC, ${SYNC_ROLE};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA docvault FROM PUBLIC;
GRANT USAGE ON SCHEMA docvault TO ${SYNC_ROLE};
GRANT SELECT ON docvault.vaults, docvault.members TO ${SYNC_ROLE};
GRANT SELECT, INSERT ON docvault.rows TO ${SYNC_ROLE};
GRANT EXECUTE ON FUNCTION docvault.create_vault(uuid, bytea, bytea), docvault.add_member(uuid, name) TO ${SYNC_ROLE};

ALTER TABLE docvault.vaults ENABLE ROW LEVEL SECURITY;
ALTER TABLE docvault.members ENABLE ROW LEVEL SECURITY;
ALTER TABLE docvault.rows ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS member_vaults ON docvault.vaults;
CREATE POLICY member_vaults ON docvault.vaults FOR SELECT USING (vault_id IN (SELECT vault_id FROM docvault.members WHERE member = current_user));
DROP POLICY IF EXISTS own_membership ON docvault.members;
CREATE POLICY own_membership ON docvault.members FOR SELECT USING (member = current_user);
DROP POLICY IF EXISTS member_rows_read ON docvault.rows;
CREATE POLICY member_rows_read ON docvault.rows FOR SELECT USING (vault_id IN (SELECT vault_id FROM docvault.members WHERE member = current_user));
DROP POLICY IF EXISTS member_rows_insert ON docvault.rows;
CREATE POLICY member_rows_insert ON docvault.rows FOR INSERT WITH CHECK (vault_id IN (SELECT vault_id FROM docvault.members WHERE member = current_user));
`;

/** Where to connect: a URL (password allowed here, never stored) and a CA file when the server's is not public. */
export interface RemoteTarget {
  readonly url: string;
  readonly caFile?: string | undefined;
  /** A password from elsewhere (the app's key store); else PGPASSWORD or ~/.pgpass. */
  readonly password?: string | undefined;
  /** Connect timeout, ms (default 10 000). */
  readonly connectTimeoutMs?: number;
}

/** A remote vault's public record. */
export interface RemoteVaultRecord {
  /** 32 hex characters. */
  readonly vaultId: string;
  /** The KDF salt (hex) of a passphrase vault, so a clone derives the same key; null for a raw-key vault. */
  readonly kdfSalt: string | null;
  readonly check: Buffer;
}

/** A pulled row. */
export interface PulledSealedRow extends SealedRow {
  readonly seq: number;
}

const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const INSECURE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Maps anything node-postgres or TLS throws to a typed error that names the server but never a password. */
export function mapRemoteError(err: unknown, where: string): DocvaultError {
  if (isDocvaultError(err)) return err;
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  const message = e?.message ?? String(err);
  if (INSECURE_CODES.has(code) || /does not support SSL|certificate|self.signed/i.test(message))
    return new DocvaultError('Insecure', `${where}: the server's TLS could not be verified (${code || message}); nothing was sent`, { code }, { cause: err });
  if (code === '28P01' || code === '28000' || /client password must be a string/.test(message))
    return new DocvaultError(
      'Unauthorized',
      `${where}: the server refused the login (${code === '28000' ? 'no entry for this user or host' : 'wrong or missing password: set PGPASSWORD or ~/.pgpass'})`,
      { code },
      { cause: err },
    );
  if (code === '42501' || code === '42P01' || code === '3F000')
    return new DocvaultError('Unauthorized', `${where}: not allowed (${message}); is the database prepared (docvault remote init) and this user granted ${SYNC_ROLE}?`, { code }, { cause: err });
  if (OFFLINE_CODES.has(code) || /Connection terminated|timeout|ECONN|socket hang up|terminating connection/i.test(message))
    return new DocvaultError('Offline', `${where}: the server cannot be reached (${code || message}); nothing local is lost`, { code }, { cause: err });
  return new DocvaultError('Internal', `${where}: ${message}`, { code }, { cause: err });
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An open connection to a team vault's server. Close it with {@link PgRemote.close}. */
export class PgRemote {
  readonly url: RemoteUrl;
  readonly #client: pg.Client;
  #closed = false;

  private constructor(url: RemoteUrl, client: pg.Client) {
    this.url = url;
    this.#client = client;
  }

  /** Connects with TLS verify-full (`Insecure` otherwise, never a fallback), or fails typed. */
  static async connect(target: RemoteTarget): Promise<PgRemote> {
    const url = parseRemoteUrl(target.url);
    const caFile = target.caFile ?? url.caFile;
    let ca: string | undefined;
    if (caFile !== undefined) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (err) {
        throw new DocvaultError('NotFound', `CA file ${caFile} cannot be read: ${(err as Error).message}`, { path: caFile });
      }
    }
    const client = new pg.Client({
      host: url.host,
      port: url.port,
      ...(url.user === undefined ? {} : { user: url.user }),
      ...(url.database === undefined ? {} : { database: url.database }),
      ...(target.password !== undefined ? { password: target.password } : url.password !== undefined ? { password: url.password } : {}),
      // verify-full: the chain against `ca` (or Node's public CAs), and the host name or IP against the certificate.
      ssl: { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) },
      connectionTimeoutMillis: target.connectTimeoutMs ?? 10_000,
      application_name: 'docvault',
    });
    // A dropped connection later surfaces through the query that was running; keep the process alive.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw mapRemoteError(err, `Connecting to ${url.display}`);
    }
    return new PgRemote(url, client);
  }

  async #q<R extends pg.QueryResultRow>(where: string, config: pg.QueryConfig): Promise<R[]> {
    if (this.#closed) throw new DocvaultError('Closed', 'The remote connection is closed');
    try {
      return (await this.#client.query<R>(config)).rows;
    } catch (err) {
      throw mapRemoteError(err, where);
    }
  }

  /** Creates or updates the schema, the sync role and its grants (idempotent); `grant` adds login roles to the sync role. */
  async init(grant: readonly string[] = []): Promise<void> {
    for (const g of grant) if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(g)) throw new DocvaultError('Invalid', `grant: "${g}" is not a plain role name`, { field: 'grant' });
    await this.#q('remote init', { text: 'BEGIN' });
    try {
      await this.#q('remote init', { text: "SELECT pg_advisory_xact_lock(hashtext('docvault remote init'))" });
      await this.#q('remote init', { text: SCHEMA_SQL });
      for (const g of grant) await this.#q('remote init', { text: `GRANT ${SYNC_ROLE} TO "${g}"` });
      await this.#q('remote init', { text: 'COMMIT' });
    } catch (err) {
      await this.#client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** The vaults this login is a member of. */
  async vaults(): Promise<RemoteVaultRecord[]> {
    const rows = await this.#q<{ id: string; kdf_salt: Buffer | null; check_blob: Buffer }>('Listing remote vaults', {
      text: "SELECT replace(vault_id::text, '-', '') AS id, kdf_salt, check_blob FROM docvault.vaults ORDER BY created_at",
    });
    return rows.map((r) => ({ vaultId: r.id, kdfSalt: r.kdf_salt === null ? null : r.kdf_salt.toString('hex'), check: r.check_blob }));
  }

  /** One vault's record, or undefined. */
  async vault(vaultId: string): Promise<RemoteVaultRecord | undefined> {
    return (await this.vaults()).find((v) => v.vaultId === vaultId);
  }

  /** Creates a vault whose only member is this login. */
  async createVault(vaultId: string, kdfSalt: string | null, check: Buffer): Promise<void> {
    await this.#q('Creating the remote vault', {
      text: 'SELECT docvault.create_vault($1, $2, $3)',
      values: [uuidOf(vaultId), kdfSalt === null ? null : Buffer.from(kdfSalt, 'hex'), check],
    });
  }

  /**
   * Pushes sealed rows in one statement (one transaction); rows whose push id is already there are
   * dropped by the unique constraint. Returns how many were new.
   */
  async push(vaultId: string, rows: readonly SealedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await this.#q<{ n: string }>('Pushing', {
      name: 'docvault-push',
      text: `WITH ins AS (
               INSERT INTO docvault.rows (vault_id, seq, doc_hash, push_id, sealed)
               SELECT $1, 0, h, p, s FROM unnest($2::bytea[], $3::bytea[], $4::bytea[]) AS t(h, p, s)
               ON CONFLICT (vault_id, push_id) DO NOTHING RETURNING 1)
             SELECT count(*) AS n FROM ins`,
      values: [uuidOf(vaultId), rows.map((x) => x.docHash), rows.map((x) => x.pushId), rows.map((x) => x.sealed)],
    });
    return Number(r[0]?.n ?? 0);
  }

  /** Up to `limit` rows after sequence number `after`, in order. */
  async pull(vaultId: string, after: number, limit: number): Promise<PulledSealedRow[]> {
    const rows = await this.#q<{ seq: string; doc_hash: Buffer; push_id: Buffer; sealed: Buffer }>('Pulling', {
      name: 'docvault-pull',
      text: 'SELECT seq, doc_hash, push_id, sealed FROM docvault.rows WHERE vault_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      values: [uuidOf(vaultId), after, limit],
    });
    return rows.map((r) => ({ seq: Number(r.seq), docHash: r.doc_hash, pushId: r.push_id, sealed: r.sealed }));
  }

  /** The highest sequence number of a vault (0 when empty): clone progress. */
  async lastSeq(vaultId: string): Promise<number> {
    const r = await this.#q<{ n: string | null }>('Reading the remote vault', { text: 'SELECT max(seq) AS n FROM docvault.rows WHERE vault_id = $1', values: [uuidOf(vaultId)] });
    return Number(r[0]?.n ?? 0);
  }

  /**
   * Makes login role `role` a member of remote vault `vaultId` (idempotent; this login must be a member,
   * `Unauthorized` otherwise, before anything changes): grants it the sync role first when it lacks it and
   * this login may grant it (ADMIN on the role, or CREATEROLE). `NotFound` for no such role.
   * Returns whether the role can now sync (it holds the sync role).
   */
  async addMember(vaultId: string, role: string): Promise<{ canSync: boolean; granted: boolean }> {
    if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(role)) throw new DocvaultError('Invalid', `role: "${role}" is not a plain role name`, { field: 'role' });
    const where = `Adding ${role}`;
    const mine = await this.#q(where, { text: 'SELECT 1 FROM docvault.members WHERE vault_id = $1 AND member = session_user', values: [uuidOf(vaultId)] });
    if (mine.length === 0) throw new DocvaultError('Unauthorized', `${where}: this login is not a member of remote vault ${vaultId}; run it as one of its members`, { vault: vaultId });
    const r = await this.#q<{ exists: boolean; member: boolean | null }>(where, {
      text: `SELECT true AS exists, pg_has_role(rolname, '${SYNC_ROLE}', 'MEMBER') AS member FROM pg_roles WHERE rolname = $1`,
      values: [role],
    });
    if (r[0] === undefined) throw new DocvaultError('NotFound', `${where}: the server has no login role "${role}" (create it first: CREATE ROLE ${role} LOGIN PASSWORD …)`, { role });
    let granted = false;
    if (r[0].member !== true) {
      try {
        await this.#q(where, { text: `GRANT ${SYNC_ROLE} TO "${role}"` });
        granted = true;
      } catch (err) {
        // Only a login allowed to grant (ADMIN on the role, or CREATEROLE) can; the membership is added anyway.
        if (!isDocvaultError(err, 'Unauthorized')) throw err;
      }
    }
    await this.#q(where, { text: 'SELECT docvault.add_member($1, $2)', values: [uuidOf(vaultId), role] });
    return { canSync: r[0].member === true || granted, granted };
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.end().catch(() => undefined);
  }
}
