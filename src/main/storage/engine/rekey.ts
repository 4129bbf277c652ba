/**
 * Changing a vault's key, by copy and swap, so that a process killed at any moment leaves a vault that
 * opens with the old key or the new one, never neither:
 *
 * 1. the vault is opened with the current key and verified in full (damage is never re-tagged as sound);
 * 2. a verified copy is made beside it (`Vault.backup`: `VACUUM INTO` + verify), and the vault closed;
 * 3. on the copy only: every integrity tag is re-derived under the new tag key (it is derived from the
 *    vault key), the journal switched to DELETE — SQLite3 Multiple Ciphers' rekey is not safe in WAL mode —
 *    and `PRAGMA rekey` re-encrypts every page with the new key and a new salt (which carries the KDF
 *    profile, for a passphrase), then back to WAL;
 * 4. the copy is opened with the new key and verified in full, fsynced, and renamed over the vault.
 *
 * Until the rename the vault file is untouched (old key); the rename is atomic (new key). A kill leaves at
 * most a hidden `.<vault>.rekey-*` file beside the vault.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DocvaultError } from '../../../shared/errors';
import type { HeadRow as Head } from './rows';
import type { Progress, VerifyReport } from '../../../shared/types';
import { fsyncDir, fsyncFile } from './backup';
import { mapSqliteError } from './db';
import { headMacV2, setTerm, stateMac, versionMacV2, xorInto } from '../integrity';
import { DEFAULT_KDF_PROFILE, KDF_PROFILES, deriveKey, deriveMacKey, newVaultSalt, parseRawKey, wipe, type KeySpec } from '../keys';
import { decodeState, encodeState } from '../vault-state';

/** The new key and the salt to write into the header, and the KDF record for `meta`. */
export interface NewKey {
  readonly rawKey: Buffer;
  readonly salt: Buffer;
  readonly kdf: Record<string, string | number>;
}

/** Resolves the new key: a passphrase is stretched with a fresh salt carrying its KDF profile. */
export async function resolveNewKey(spec: KeySpec): Promise<NewKey> {
  if ('encryption' in spec) throw new DocvaultError('Invalid', 'newKey: a vault cannot be re-keyed to no encryption', { field: 'newKey' });
  if ('rawKey' in spec) return { rawKey: parseRawKey(spec.rawKey), salt: randomBytes(16), kdf: { alg: 'raw' } };
  if (typeof spec.passphrase !== 'string' || spec.passphrase.length === 0)
    throw new DocvaultError('Invalid', 'newPassphrase: must not be empty', { field: 'newPassphrase' });
  const profile = spec.kdfProfile ?? DEFAULT_KDF_PROFILE;
  const params = KDF_PROFILES[profile];
  if (params === undefined) throw new DocvaultError('Invalid', `kdfProfile: unknown profile ${profile}`);
  const salt = newVaultSalt(profile);
  return { rawKey: await deriveKey(spec.passphrase, salt, params), salt, kdf: { alg: 'argon2id', profile, ...params } };
}

/** A hidden temporary name beside the vault. */
export function rekeyTempPath(vaultPath: string): string {
  return join(dirname(vaultPath), `.${basename(vaultPath)}.rekey-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Refuses while the vault is open somewhere (its -wal or -shm is there). */
export function refuseIfOpen(vaultPath: string, what: string): void {
  const abs = resolve(vaultPath);
  for (const side of ['-wal', '-shm'])
    if (existsSync(abs + side))
      throw new DocvaultError(
        'Overloaded',
        `${what}: the vault is open (or was not closed cleanly: ${basename(abs + side)} is there). Close every docvault window and command using it, then retry`,
        { path: abs },
      );
}

const SPAN = 2 ** 24;
const BATCH = 256;

/** The head fields the new tags cover: the row codec's head without the old tags. */
type HeadRow = Omit<Head, 'head_mac' | 'version_mac'>;

interface VersionRow {
  vid: number;
  version: number;
  created_at: number;
  size: number;
  checksum: string;
  comment: string | null;
  title: string;
  type: string;
  tags: string;
  metadata: string;
  attachments: string | null;
}

/**
 * Re-derives every tag of a (verified) schema-3 copy under `macKey`: each document's chain of version
 * tags, its head tag and current-version copy, and the vault state (same sequence number). One transaction.
 */
function retag(db: Database.Database, macKey: Uint8Array, onProgress?: (p: Progress) => void): void {
  const total = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  const heads = db.prepare(
    'SELECT doc, id, created_at, updated_at, version, title, type, tags, metadata, size, checksum, author, trashed_at FROM documents WHERE doc > ? ORDER BY doc LIMIT ?',
  );
  // Attachment lists are covered by the version tags; the files' own addresses use the attachment key,
  // which a rekey keeps (see attachments-schema.ts), so no stored byte is read again.
  const versions = db.prepare(
    'SELECT vid, version, created_at, size, checksum, comment, title, type, tags, metadata, (SELECT a.list FROM version_attachments a WHERE a.vid = versions.vid) AS attachments FROM versions WHERE vid BETWEEN ? AND ? ORDER BY vid',
  );
  const setVersionMac = db.prepare('UPDATE versions SET mac = ? WHERE vid = ?');
  const setHead = db.prepare('UPDATE documents SET head_mac = ?, version_mac = ? WHERE doc = ?');
  const stateRow = db.prepare("SELECT b FROM counters WHERE key = 'state'").pluck();
  const setState = db.prepare("UPDATE counters SET b = ? WHERE key = 'state'");
  db.transaction(() => {
    const acc = Buffer.alloc(32);
    let last = 0;
    let done = 0;
    for (;;) {
      const page = heads.all(last, BATCH) as HeadRow[];
      if (page.length === 0) break;
      for (const h of page) {
        last = h.doc;
        let prev: Buffer | null = null;
        let current: Buffer | undefined;
        for (const v of versions.all(h.doc * SPAN + 1, h.doc * SPAN + SPAN - 1) as VersionRow[]) {
          const next = versionMacV2(
            macKey,
            { id: h.id, version: v.version, docCreatedAt: h.created_at, createdAt: v.created_at, title: v.title, type: v.type, tags: v.tags, metadata: v.metadata, size: v.size, checksum: v.checksum, comment: v.comment, attachments: v.attachments },
            prev,
          );
          setVersionMac.run(next, v.vid);
          prev = next;
          if (v.version === h.version) current = next;
        }
        if (current === undefined) throw new DocvaultError('Integrity', `rekey: document "${h.id}" has no current version`, { id: h.id });
        const tag = headMacV2(macKey, {
          id: h.id,
          version: h.version,
          createdAt: h.created_at,
          updatedAt: h.updated_at,
          title: h.title,
          type: h.type,
          tags: h.tags,
          metadata: h.metadata,
          size: h.size,
          checksum: h.checksum,
          author: h.author,
          trashedAt: h.trashed_at,
          versionMac: current,
        });
        setHead.run(tag, current, h.doc);
        xorInto(acc, setTerm(macKey, h.id, tag));
        done++;
      }
      onProgress?.({ done, total, phase: 'retag' });
    }
    const state = decodeState(stateRow.get());
    if (state === undefined) throw new DocvaultError('Integrity', 'rekey: the vault state row is missing or damaged');
    setState.run(encodeState({ seq: state.seq, acc, tag: stateMac(macKey, state.seq, acc) }));
  })();
}

/**
 * Steps 3 of the file comment, on `copy` (a verified same-key copy of the vault): re-tag, rekey, back to WAL.
 * `oldRawKey` opens the copy (undefined with `oldPassphrase`: a vault keyed by SQLCipher's own KDF).
 */
export function rekeyCopy(copy: string, old: { rawKey?: Buffer; passphrase?: string }, next: NewKey, nativeBinding: string | undefined, onProgress?: (p: Progress) => void): void {
  const db = new Database(copy, { fileMustExist: true, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  try {
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    if (old.rawKey !== undefined) db.pragma(`key = "x'${old.rawKey.toString('hex')}'"`);
    else if (old.passphrase !== undefined) db.key(Buffer.from(old.passphrase, 'utf8'));
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.pragma('secure_delete = ON');
    const vaultId = db.prepare("SELECT value FROM meta WHERE key = 'vault_id'").pluck().get() as Buffer;
    const macKey = deriveMacKey(next.rawKey, vaultId);
    try {
      retag(db, macKey, onProgress);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'kdf'").run(JSON.stringify(next.kdf));
    } finally {
      wipe(macKey);
    }
    onProgress?.({ done: 0, total: 1, phase: 'rekey' });
    db.pragma(`rekey = "x'${next.rawKey.toString('hex')}${next.salt.toString('hex')}'"`);
    db.pragma('journal_mode = WAL');
    onProgress?.({ done: 1, total: 1, phase: 'rekey' });
  } finally {
    db.close();
  }
}

/** Renames the finished copy over the vault (the one atomic step). */
export function swapIn(copy: string, vaultPath: string): void {
  renameSync(copy, vaultPath);
}

/** Removes a copy and its side files after a failure. */
export function removeCopy(copy: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(copy + suffix, { force: true });
}

/** What {@link rekeyVault} did. */
export interface RekeyReport {
  readonly documents: number;
  readonly versions: number;
  readonly durationMs: number;
}

/** The two steps that need a Vault (its open, backup and verify), handed in by `Vault.rekey`. */
export interface RekeySteps {
  /** Writes a copy of the vault verified under its current key; returns that key for SQLCipher's rekey. */
  copyUnderOldKey(copy: string, onProgress?: (p: Progress) => void): Promise<{ rawKey?: Buffer; passphrase?: string }>;
  /** Opens the re-keyed copy read-only with `rawKey` and verifies it. */
  verifyCopy(copy: string, rawKey: Buffer, onProgress?: (p: Progress) => void): VerifyReport;
}

/**
 * Changes the key of the closed vault at `path` by copy and swap (see the file comment): killed at any
 * moment, the vault opens with the old key or the new one.
 */
export async function rekeyVault(
  path: string,
  opts: { readonly newKey: KeySpec; readonly onProgress?: (p: Progress) => void; readonly nativeBinding?: string },
  steps: RekeySteps,
): Promise<RekeyReport> {
  const t0 = performance.now();
  refuseIfOpen(path, 'rekey');
  const progress = opts.onProgress;
  const next = await resolveNewKey(opts.newKey);
  const copy = rekeyTempPath(path);
  try {
    // The copy is verified under the old key before anything is re-tagged: damage is never laundered.
    const old = await steps.copyUnderOldKey(copy, progress === undefined ? undefined : (p) => progress({ ...p, phase: p.phase === 'copy' ? 'copy' : 'check' }));
    try {
      rekeyCopy(copy, old, next, opts.nativeBinding, progress);
    } finally {
      wipe(old.rawKey);
    }
    const report = steps.verifyCopy(copy, next.rawKey, progress === undefined ? undefined : (p) => progress({ ...p, phase: 'verify' }));
    if (!report.ok)
      throw new DocvaultError('Internal', `rekey: the re-keyed copy did not verify (${report.problems[0]?.message ?? 'unknown problem'}); the vault is unchanged`);
    removeCopy(`${copy}-wal`);
    removeCopy(`${copy}-shm`);
    fsyncFile(copy);
    refuseIfOpen(path, 'rekey'); // opened by someone meanwhile: their writes would go to the old file
    swapIn(copy, path);
    fsyncDir(dirname(path));
    return { documents: report.documents, versions: report.versions, durationMs: performance.now() - t0 };
  } catch (err) {
    removeCopy(copy);
    throw mapSqliteError(err, 'Changing the key');
  } finally {
    wipe(next.rawKey);
  }
}
