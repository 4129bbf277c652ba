/**
 * Migration 3's data step: checks every v1 tag and rewrites it as v2 (integrity.ts), builds the
 * current-version tag copy beside each head and the vault state. A row whose v1 tag fails gets a tag
 * that never verifies, so the damage stays reported after the upgrade instead of being laundered.
 * Runs inside the migration's transaction.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { DocvaultError } from '../../shared/errors';
import { POISONED_TAG, headMac, headMacV2, macEqual, setTerm, stateMac, versionMac, versionMacV2, xorInto } from './integrity';
import { encodeState, initialState } from './vault-state';

interface Head {
  doc: number;
  id: string;
  created_at: number;
  updated_at: number;
  version: number;
  title: string;
  type: string;
  tags: string;
  metadata: string;
  size: number;
  checksum: string;
  head_mac: Buffer;
  author: string | null;
  trashed_at: number | null;
}

interface Version {
  vid: number;
  version: number;
  created_at: number;
  mac: Buffer;
  size: number;
  checksum: string;
  comment: string | null;
  title: string;
  type: string;
  tags: string;
  metadata: string;
}

const BATCH = 256;
const SPAN = 2 ** 24;

/** Rewrites every tag of a schema-2 vault as v2 and writes the `state` row of `counters`. */
export function retagV2(db: Database.Database, macKey: Uint8Array | undefined): void {
  const count = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
  if (macKey === undefined) {
    if (count > 0) throw new DocvaultError('Internal', 'Migration 3 rewrites integrity tags and needs the vault key');
    // A fresh schema being built before the vault has a key (tests): an empty state the first write re-tags.
    db.prepare("INSERT INTO counters (key, n, b) VALUES ('state', 0, ?)").run(encodeState(initialState(Buffer.alloc(32))));
    return;
  }
  const heads = db.prepare(
    'SELECT doc, id, created_at, updated_at, version, title, type, tags, metadata, size, checksum, head_mac, author, trashed_at FROM documents WHERE doc > ? ORDER BY doc LIMIT ?',
  );
  const versions = db.prepare(
    'SELECT vid, version, created_at, mac, size, checksum, comment, title, type, tags, metadata FROM versions WHERE vid BETWEEN ? AND ? ORDER BY vid',
  );
  const setVersionMac = db.prepare('UPDATE versions SET mac = ? WHERE vid = ?');
  const setHead = db.prepare('UPDATE documents SET head_mac = ?, version_mac = ? WHERE doc = ?');
  const acc = Buffer.alloc(32);
  let last = 0;
  for (;;) {
    const page = heads.all(last, BATCH) as Head[];
    if (page.length === 0) break;
    for (const h of page) {
      last = h.doc;
      let prev: Buffer | null = null;
      let current: Buffer | undefined;
      for (const v of versions.all(h.doc * SPAN + 1, h.doc * SPAN + SPAN - 1) as Version[]) {
        const fields = {
          id: h.id,
          version: v.version,
          docCreatedAt: h.created_at,
          createdAt: v.created_at,
          title: v.title,
          type: v.type,
          tags: v.tags,
          metadata: v.metadata,
          size: v.size,
          checksum: v.checksum,
          comment: v.comment,
        };
        const next: Buffer = macEqual(versionMac(macKey, fields), v.mac) ? versionMacV2(macKey, fields, prev) : POISONED_TAG;
        setVersionMac.run(next, v.vid);
        prev = next;
        if (v.version === h.version) current = next;
      }
      const headFields = {
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
      };
      const versionMacValue = current ?? POISONED_TAG;
      const tag = macEqual(headMac(macKey, headFields), h.head_mac)
        ? headMacV2(macKey, { ...headFields, author: h.author, trashedAt: h.trashed_at, versionMac: versionMacValue })
        : POISONED_TAG;
      setHead.run(tag, versionMacValue, h.doc);
      xorInto(acc, setTerm(macKey, h.id, tag));
    }
  }
  db.prepare("INSERT INTO counters (key, n, b) VALUES ('state', 0, ?)").run(encodeState({ seq: 0, acc, tag: stateMac(macKey, 0, acc) }));
}
