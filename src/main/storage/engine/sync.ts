/**
 * The local side of team-vault sync: attaching to a remote, reading what is still to push, marking it
 * pushed, and applying what was pulled — each called inside the façade's transaction. Sealing and the
 * network are elsewhere (../sync/seal.ts, src/app/sync); this file sees plaintext payloads only.
 *
 * Numbering: local version numbers stay local. A version pulled from another device is appended as this
 * vault's next version of the document, and `sync_origin` records the device and its number there; that
 * pair (the global id) is what crosses the wire as a version's parent. A pulled version whose parent is the
 * local head (or that settles it) simply follows it; otherwise both sides changed the document from the
 * same base: the pulled version is appended too (nothing is overwritten; the older one stays in history)
 * and the document is flagged as a conflict until a new version settles it.
 */
import type { SyncConflict } from '../../../shared/team';
import { randomBytes } from 'node:crypto';
import { DocvaultError, assertNever, isDocvaultError } from '../../../shared/errors';
import { MAX_VERSION, VERSION_BITS, versionKey } from '../migrations';
import { sha256Hex } from '../integrity';
import type { GlobalId, SealedPayload, SealedTombstone, SealedVersion } from '../sync/seal';
import { checkVersion, versionDocumentOf, type HeadRow, type VersionRowWithContent } from './rows';
import type { ReadContext, WriteContext } from './statements';
import { createOne, purgeOne, trashOne, undeleteOne, updateOne } from './writes';

/** Where a vault syncs to and how far it has got. */
export interface SyncLocalState {
  /** The remote URL, without a password; undefined when the vault is not attached. */
  readonly remoteUrl: string | undefined;
  /** The CA file to verify the server with, when not a public CA. */
  readonly caFile: string | undefined;
  /** The remote vault id (hex), once attached. */
  readonly remoteVault: string | undefined;
  /** This device's id in the remote vault. */
  readonly device: string | undefined;
  /** The last server sequence number pulled. */
  readonly lastSeq: number;
  /** When the last sync finished (ms since the epoch), if ever. */
  readonly lastSync: number | undefined;
  /** Versions and tombstones still to push. */
  readonly pending: number;
  /** Documents with a conflict to settle. */
  readonly conflicts: number;
  /** Remote rows refused on pull (Integrity). */
  readonly rejected: number;
}

/** A document both sides changed from the same base (the type the window sees too). */
export type { SyncConflict };

/** One entry of the outbox, ready to seal. */
export interface OutboxEntry {
  readonly n: number;
  readonly payload: SealedPayload;
  /** Pushing it settles the document's conflict (it was written over the conflict). */
  readonly settles: boolean;
}

/** A pulled row, opened (or refused). */
export type PulledRow = { readonly seq: number; readonly payload: SealedPayload } | { readonly seq: number; readonly error: string };

/** What applying a batch of pulled rows did. */
export interface ApplyReport {
  /** Rows applied (versions appended, tombstones carried out). */
  readonly applied: number;
  /** Rows of this device's own pushes, skipped. */
  readonly own: number;
  /** New conflicts. */
  readonly conflicts: number;
  /** Rows refused (Integrity). */
  readonly rejected: number;
  /** Ids of the documents changed (the façade drops them from its cache). */
  readonly ids: readonly string[];
}

type Meta = 'remote_url' | 'ca_file' | 'remote_vault' | 'device' | 'last_seq' | 'last_sync';

function meta(ctx: ReadContext, key: Meta): string | number | undefined {
  const v = ctx.sql.get('SELECT value FROM sync_meta WHERE key = ?').pluck().get(key) as string | number | null | undefined;
  return v === null ? undefined : v;
}

function setMeta(ctx: WriteContext, key: Meta, value: string | number | null): void {
  if (value === null) ctx.sql.get('DELETE FROM sync_meta WHERE key = ?').run(key);
  else ctx.sql.get('INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

function count(ctx: ReadContext, table: 'sync_outbox' | 'sync_conflicts' | 'sync_rejected'): number {
  return ctx.sql.get(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** The sync state. */
export function syncState(ctx: ReadContext): SyncLocalState {
  const str = (k: Meta): string | undefined => {
    const v = meta(ctx, k);
    return typeof v === 'string' ? v : undefined;
  };
  const lastSync = meta(ctx, 'last_sync');
  return {
    remoteUrl: str('remote_url'),
    caFile: str('ca_file'),
    remoteVault: str('remote_vault'),
    device: str('device'),
    lastSeq: Number(meta(ctx, 'last_seq') ?? 0),
    lastSync: typeof lastSync === 'number' ? lastSync : undefined,
    pending: count(ctx, 'sync_outbox'),
    conflicts: count(ctx, 'sync_conflicts'),
    rejected: count(ctx, 'sync_rejected'),
  };
}

/** The conflicts to settle, by document id. */
export function syncConflicts(ctx: ReadContext): SyncConflict[] {
  const rows = ctx.sql.get('SELECT id, local_version, remote_version, reason, at FROM sync_conflicts ORDER BY id').all() as {
    id: string; local_version: number; remote_version: number | null; reason: string; at: number;
  }[];
  return rows.map((r) => ({ id: r.id, localVersion: r.local_version, remoteVersion: r.remote_version, reason: r.reason, at: r.at }));
}

/** What {@link attachRemote} records. */
export interface AttachOptions {
  /** The URL without a password (the caller strips it; this refuses one). */
  readonly url: string;
  readonly caFile?: string;
  /** The remote vault id, 32 hex characters. */
  readonly remoteVault: string;
}

/**
 * Attaches the vault to a remote vault. The first attach (or a different remote vault) gives this vault a
 * device id and queues every version and Trash state it already has; attaching again to the same remote
 * vault only updates the URL and CA file.
 */
export function attachRemote(ctx: WriteContext, opts: AttachOptions): void {
  if (!/^[0-9a-f]{32}$/.test(opts.remoteVault)) throw new DocvaultError('Invalid', 'remote vault id: 32 hexadecimal characters');
  if (/:\/\/[^/@]*:[^/@]*@/.test(opts.url)) throw new DocvaultError('Invalid', 'The remote URL to store must not hold a password');
  setMeta(ctx, 'remote_url', opts.url);
  setMeta(ctx, 'ca_file', opts.caFile ?? null);
  if (meta(ctx, 'remote_vault') === opts.remoteVault) return;
  setMeta(ctx, 'device', randomBytes(8).toString('hex'));
  setMeta(ctx, 'last_seq', 0);
  setMeta(ctx, 'last_sync', null);
  ctx.sql.get('DELETE FROM sync_outbox').run();
  ctx.sql.get('DELETE FROM sync_rejected').run();
  // Everything already here is this device's to push, oldest first by document; Trash states after.
  ctx.sql.get("INSERT INTO sync_outbox (kind, vid) SELECT 'version', vid FROM versions ORDER BY vid").run();
  setMeta(ctx, 'remote_vault', opts.remoteVault);
  ctx.sql
    .get(
      `INSERT INTO sync_outbox (kind, id, head_device, head_version, at)
       SELECT 'trash', d.id, coalesce(o.device, @device), coalesce(o.version, d.version), d.trashed_at
       FROM documents d LEFT JOIN sync_origin o ON o.vid = d.doc * ${2 ** VERSION_BITS} + d.version WHERE d.trashed_at IS NOT NULL ORDER BY d.doc`,
    )
    .run({ device: meta(ctx, 'device') });
}

/** The remote a vault was attached to, as {@link detachRemote} reports it. */
export interface DetachedRemote {
  readonly remoteUrl: string;
  readonly remoteVault: string;
  readonly caFile: string | undefined;
}

/**
 * Retires this vault's device id: every version it wrote under that id (those without an origin) gets the
 * id as its origin, so it keeps its global id for good — pushed again under the id (to the same remote
 * vault) it has the same push id and the server drops it; pulled back, it is known and skipped. After
 * this the vault has no device id; the caller gives it a new one or detaches it.
 */
function retireDevice(ctx: WriteContext): void {
  const me = meta(ctx, 'device');
  if (typeof me !== 'string') return;
  ctx.sql
    .get(`INSERT INTO sync_origin (vid, device, version, seq, sum) SELECT vid, ?, vid % ${2 ** VERSION_BITS}, 0, checksum FROM versions WHERE vid NOT IN (SELECT vid FROM sync_origin)`)
    .run(me);
  setMeta(ctx, 'device', null);
}

/**
 * Detaches the vault from its remote: forgets the URL, CA file, remote vault, device id (retired: see
 * above), last sequence number and sync time, and empties the outbox, the conflict flags and the refused
 * rows. Every document and version stays, with the origins of pulled versions, so attaching to the same
 * remote vault again adds nothing twice. Returns what it was attached to (undefined: it was not).
 */
export function detachRemote(ctx: WriteContext): DetachedRemote | undefined {
  const s = syncState(ctx);
  retireDevice(ctx);
  for (const k of ['remote_url', 'ca_file', 'remote_vault', 'last_seq', 'last_sync'] as const) setMeta(ctx, k, null);
  for (const t of ['sync_outbox', 'sync_conflicts', 'sync_rejected'] as const) ctx.sql.get(`DELETE FROM ${t}`).run();
  return s.remoteUrl === undefined || s.remoteVault === undefined ? undefined : { remoteUrl: s.remoteUrl, remoteVault: s.remoteVault, caFile: s.caFile };
}

/**
 * Gives an attached vault a new device id (a vault restored from a backup: the old id's numbers past the
 * backup were pushed already, and may be reused here for other versions). The old id is retired (see
 * above); the outbox, last sequence number and flags stay, so the next sync re-pushes what the backup had
 * not pushed (dropped by the server when it had) and pulls what came after — the versions this device
 * pushed after the backup come back as another device's, and a conflict with them is flagged. Returns
 * whether the vault was attached.
 */
export function renewDevice(ctx: WriteContext): boolean {
  if (typeof meta(ctx, 'remote_vault') !== 'string') return false;
  retireDevice(ctx);
  setMeta(ctx, 'device', randomBytes(8).toString('hex'));
  return true;
}

/** Records the end of a sync. */
export function markSynced(ctx: WriteContext): void {
  setMeta(ctx, 'last_sync', ctx.clock());
}

function device(ctx: ReadContext): string {
  const d = meta(ctx, 'device');
  if (typeof d !== 'string') throw new DocvaultError('Invalid', 'This vault is not attached to a remote: run `docvault remote set URL` first');
  return d;
}

/** The global id of local version `vid`: its origin, or this device and its own number. */
function globalIdOf(ctx: ReadContext, vid: number, me: string): GlobalId {
  const o = ctx.sql.get('SELECT device, version FROM sync_origin WHERE vid = ?').get(vid) as { device: string; version: number } | undefined;
  return o === undefined ? [me, vid % 2 ** VERSION_BITS] : [o.device, o.version];
}

function sameId(a: GlobalId | null, b: GlobalId): boolean {
  return a !== null && a[0] === b[0] && a[1] === b[1];
}

/** The next `limit` outbox entries, oldest first, as plaintext payloads. `Integrity` if a local version fails its check. */
export function readOutbox(ctx: ReadContext, limit: number): OutboxEntry[] {
  const me = device(ctx);
  const rows = ctx.sql.get('SELECT n, kind, vid, id, head_device, head_version, at FROM sync_outbox ORDER BY n LIMIT ?').all(limit) as {
    n: number; kind: 'version' | 'trash' | 'undelete' | 'purge'; vid: number | null; id: string | null; head_device: string | null; head_version: number | null; at: number | null;
  }[];
  const out: OutboxEntry[] = [];
  const docOf = ctx.sql.get('SELECT id FROM documents WHERE doc = ?').pluck();
  const conflictOf = ctx.sql.get('SELECT local_version, remote_version FROM sync_conflicts WHERE id = ?');
  for (const r of rows) {
    if (r.kind !== 'version') {
      const t: SealedTombstone = {
        k: r.kind, dev: me, n: r.n, id: r.id ?? '', head: r.head_device === null || r.head_version === null ? null : [r.head_device, r.head_version], at: r.at ?? 0,
      };
      out.push({ n: r.n, payload: t, settles: false });
      continue;
    }
    const vid = r.vid ?? 0;
    const doc = Math.floor(vid / 2 ** VERSION_BITS);
    const version = vid % 2 ** VERSION_BITS;
    const id = docOf.get(doc) as string | undefined;
    if (id === undefined) throw new DocvaultError('Integrity', `Outbox entry ${r.n} names a version of a document that is not there`);
    const row = ctx.r.getVersion.get({ id, version }) as VersionRowWithContent | undefined;
    if (row === undefined) throw new DocvaultError('Integrity', `Document "${id}" has no version ${version} to push`, { id, version });
    checkVersion(ctx.macKey, row, row.prev_mac);
    if (sha256Hex(row.content) !== row.checksum) throw new DocvaultError('Integrity', `Document "${id}" version ${version}: content checksum mismatch`, { id, version });
    const d = versionDocumentOf(row);
    const c = conflictOf.get(id) as { local_version: number; remote_version: number | null } | undefined;
    const settles = c !== undefined && version > Math.max(c.local_version, c.remote_version ?? 0);
    const merged: GlobalId[] = [];
    if (settles) {
      merged.push(globalIdOf(ctx, versionKey(doc, c.local_version), me));
      if (c.remote_version !== null) merged.push(globalIdOf(ctx, versionKey(doc, c.remote_version), me));
    }
    const [dev, ver] = globalIdOf(ctx, vid, me);
    const v: SealedVersion = {
      k: 'v', dev, ver, id, parent: version > 1 ? globalIdOf(ctx, vid - 1, me) : null, merged,
      title: d.title, type: d.type, tags: d.tags, metadata: d.metadata, content: d.content, comment: row.comment, at: row.created_at, sum: row.checksum, mac: row.mac.toString('hex'),
    };
    out.push({ n: r.n, payload: v, settles });
  }
  return out;
}

/** Removes pushed entries from the outbox; a pushed version written over a conflict settles it. */
export function markPushed(ctx: WriteContext, entries: readonly Pick<OutboxEntry, 'n' | 'settles' | 'payload'>[]): void {
  const del = ctx.sql.get('DELETE FROM sync_outbox WHERE n = ?');
  const settle = ctx.sql.get('DELETE FROM sync_conflicts WHERE id = ?');
  for (const e of entries) {
    del.run(e.n);
    if (e.settles) settle.run(e.payload.id);
  }
}

function headOf(ctx: ReadContext, id: string): HeadRow | undefined {
  return ctx.r.getHead.get(id) as HeadRow | undefined;
}

function flag(ctx: WriteContext, id: string, localVersion: number, remoteVersion: number | null, reason: string): void {
  ctx.sql
    .get(
      `INSERT INTO sync_conflicts (id, local_version, remote_version, reason, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET local_version = excluded.local_version, remote_version = excluded.remote_version, reason = excluded.reason, at = excluded.at`,
    )
    .run(id, localVersion, remoteVersion, reason, ctx.clock());
}

/** Appends a pulled version; returns whether it made a conflict. */
function applyVersion(ctx: WriteContext, p: SealedVersion, seq: number, me: string): boolean {
  const head = headOf(ctx, p.id);
  const fields = { content: p.content, title: p.title, type: p.type, tags: p.tags, metadata: p.metadata };
  const opts = p.comment === null ? undefined : { comment: p.comment };
  let conflict = false;
  let before = 0;
  if (head === undefined) createOne(ctx, { id: p.id, ...fields }, opts);
  else {
    before = head.version;
    const g = globalIdOf(ctx, versionKey(head.doc, head.version), me);
    const follows = sameId(p.parent, g) || p.merged.some((m) => sameId(m, g));
    if (head.trashed_at !== null) undeleteOne(ctx, p.id); // an edit from elsewhere brings it back: nothing is lost
    if (head.version >= MAX_VERSION) throw new DocvaultError('TooLarge', `Document "${p.id}" has no version numbers left`);
    updateOne(ctx, p.id, fields, opts);
    if (follows && p.merged.length > 0) ctx.sql.get('DELETE FROM sync_conflicts WHERE id = ?').run(p.id);
    conflict = !follows;
  }
  const now = headOf(ctx, p.id) as HeadRow;
  if (conflict) flag(ctx, p.id, before, now.version, `edited on this device and on device ${p.dev}`);
  ctx.sql.get('INSERT INTO sync_origin (vid, device, version, seq, sum) VALUES (?, ?, ?, ?, ?)').run(versionKey(now.doc, now.version), p.dev, p.ver, seq, p.sum);
  return conflict;
}

/** Carries out a pulled tombstone; returns whether it made a conflict (a change here the other device had not seen). */
function applyTombstone(ctx: WriteContext, t: SealedTombstone, me: string): boolean {
  const head = headOf(ctx, t.id);
  if (head === undefined) return false;
  const seen = sameId(t.head, globalIdOf(ctx, versionKey(head.doc, head.version), me));
  switch (t.k) {
    case 'trash':
      if (head.trashed_at !== null) return false;
      if (!seen) {
        flag(ctx, t.id, head.version, null, `moved to the Trash on device ${t.dev} without this device's newer version; kept here`);
        return true;
      }
      trashOne(ctx, t.id, undefined);
      return false;
    case 'undelete':
      if (head.trashed_at !== null) undeleteOne(ctx, t.id);
      return false;
    case 'purge':
      if (!seen) {
        flag(ctx, t.id, head.version, null, `purged on device ${t.dev} without this device's newer version; kept here`);
        return true;
      }
      purgeOne(ctx, t.id);
      return false;
    default:
      return assertNever(t.k, 'tombstone kind');
  }
}

/**
 * Applies pulled rows in sequence order and records `lastSeq`, all in the caller's transaction: a crash
 * leaves the batch wholly applied or not at all. A row of this device's own is skipped; a refused row is
 * recorded in `sync_rejected` and the rest goes on.
 */
export function applyPulled(ctx: WriteContext, rows: readonly PulledRow[], lastSeq: number): ApplyReport {
  const me = device(ctx);
  const outboxTop = (ctx.sql.get('SELECT coalesce(max(n), 0) FROM sync_outbox').pluck().get() as number);
  let applied = 0;
  let own = 0;
  let conflicts = 0;
  let rejected = 0;
  const ids = new Set<string>();
  const reject = ctx.sql.get('INSERT OR REPLACE INTO sync_rejected (seq, reason, at) VALUES (?, ?, ?)');
  for (const r of rows) {
    if ('error' in r) {
      reject.run(r.seq, r.error, ctx.clock());
      rejected++;
      continue;
    }
    const p = r.payload;
    if (p.dev === me) {
      own++;
      continue;
    }
    try {
      if (p.k === 'v') {
        // A row seen before adds nothing. Its checksum is part of what "seen" means: a device restored
        // from a backup may write a different version under a number it had already pushed.
        if (originHas(ctx, p)) continue;
        if (applyVersion(ctx, p, r.seq, me)) conflicts++;
      } else if (applyTombstone(ctx, p, me)) conflicts++;
      applied++;
      ids.add(p.id);
    } catch (err) {
      // A pulled version this vault cannot take (over a limit, or the local head fails its check) is refused alone.
      if (!isDocvaultError(err)) throw err;
      reject.run(r.seq, `${err.kind}: ${err.message}`, ctx.clock());
      rejected++;
    }
  }
  // What the triggers queued while applying came from elsewhere: nothing to push back.
  ctx.sql.get('DELETE FROM sync_outbox WHERE n > ?').run(outboxTop);
  setMeta(ctx, 'last_seq', lastSeq);
  return { applied, own, conflicts, rejected, ids: [...ids] };
}

function originHas(ctx: ReadContext, p: SealedVersion): boolean {
  const head = headOf(ctx, p.id);
  if (head === undefined) return false;
  const lo = versionKey(head.doc, 1);
  return (
    ctx.sql.get('SELECT 1 FROM sync_origin WHERE device = ? AND version = ? AND sum = ? AND vid BETWEEN ? AND ?').pluck().get(p.dev, p.ver, p.sum, lo, lo + MAX_VERSION - 1) !== undefined
  );
}
