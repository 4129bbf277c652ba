/**
 * The window's import and export jobs through the backend's channels: grants and typed paths, progress and
 * the summary, per-file errors, Cancel (committed batches stay, nothing half-written), one job at a time,
 * and a lock that stops a job before the store closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DocvaultBackend, type BackendOptions } from '../../src/app/backend';
import { serviceStoreFactory, vaultStoreFactory } from '../../src/app/store';
import { PathGrants, makeExportFolder } from '../../src/app/transfer/paths';
import { WINDOW_IMPORT_BATCH } from '../../src/app/transfer/jobs';
import { exportVault, type ExportSource } from '../../src/app/transfer/export';
import type { PushEvent } from '../../src/shared/contract';
import { isDocvaultError } from '../../src/shared/errors';
import type { TransferSummary } from '../../src/shared/transfer';
import { tempDir } from '../helpers/tmp';

let cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function backendWith(opts: Partial<BackendOptions> = {}) {
  const t = tempDir();
  const b = new DocvaultBackend({ vaultPath: join(t.dir, 'v.dvault'), kdfProfile: 2, storeFactory: vaultStoreFactory, typedPaths: true, ...opts });
  cleanups.push(t.cleanup, () => b.close());
  await b.create('pass phrase');
  const events: PushEvent[] = [];
  b.subscribe((e) => events.push(e));
  /** Resolves with the summary of `jobId` (events are pushed synchronously: polled between turns). */
  const done = async (jobId: string): Promise<TransferSummary> => {
    for (;;) {
      const e = events.find((x): x is Extract<PushEvent, { event: 'transfer.done' }> => x.event === 'transfer.done' && x.data.jobId === jobId);
      if (e !== undefined) return e.data;
      await new Promise((r) => setImmediate(r));
    }
  };
  return { b, dir: t.dir, events, done };
}

function folder(dir: string, files: Record<string, string | Buffer>): string {
  const root = join(dir, 'in');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), body);
  }
  return root;
}

describe('transfer jobs', () => {
  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('imports a folder with per-file errors in the summary, then exports it (%s)', async (_n, storeFactory) => {
    const { b, dir, events, done } = await backendWith({ storeFactory });
    const root = folder(dir, {
      'a.md': '---\ntitle: Alpha\ntags: [x]\n---\nalpha body',
      'sub/b.txt': 'bee',
      'bad.md': Buffer.from([0xff, 0xfe, 0x00]),
      'dup1.md': '---\nid: same\n---\none',
      'dup2.md': '---\nid: same\n---\ntwo',
      'photo.png': Buffer.from([1, 2, 3]),
    });
    symlinkSync(join(root, 'a.md'), join(root, 'link.md'));
    const { jobId } = await b.channels['transfer.import']({ source: { path: root } });
    const s = await done(jobId);
    // photo.png has no note of its name: it becomes the attachment of a new empty document `photo`.
    expect(s).toMatchObject({ kind: 'import', outcome: 'done', documents: 3, where: root });
    const bySource = Object.fromEntries(s.issues.map((i) => [i.source, i.kind]));
    expect(bySource).toEqual({ 'bad.md': 'Invalid', 'dup1.md': 'AlreadyExists', 'dup2.md': 'AlreadyExists', 'link.md': 'Invalid' });
    expect((await b.channels['doc.get']({ id: 'a' })).title).toBe('Alpha');
    expect((await b.channels['doc.get']({ id: 'sub/b' })).content).toBe('bee');
    expect((await b.channels['attachments.list']({ id: 'photo' })).map((a) => [a.name, a.size])).toEqual([['photo.png', 3]]);
    expect(events.some((e) => e.event === 'docs.changed' && e.data.count === 3)).toBe(true);
    // In the audit log as the CLI's import is: four files failed.
    expect((await b.channels['audit.list']({})).entries[0]).toMatchObject({ event: 'import', outcome: 'failed', count: 3 });
    expect(events.some((e) => e.event === 'transfer.progress' && e.data.jobId === jobId)).toBe(true);

    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'not touched');
    const ex = await b.channels['transfer.export']({ target: { path: out }, format: 'md', versions: false, selection: { ids: ['a'] } });
    const es = await done(ex.jobId);
    expect(es).toMatchObject({ kind: 'export', outcome: 'done', documents: 1, files: 1 });
    // Into a new folder of its own, beside what was there.
    expect(es.where.startsWith(join(out, 'docvault-export-'))).toBe(true);
    expect(readdirSync(es.where)).toEqual(['Alpha.md']);
    expect(readFileSync(join(es.where, 'Alpha.md'), 'utf8')).toContain('alpha body');
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('not touched');
    expect((await b.channels['transfer.info']({})).last?.jobId).toBe(ex.jobId);
    expect((await b.channels['audit.list']({})).entries[0]).toMatchObject({ event: 'export', outcome: 'ok', count: 1 });
  });

  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('round trip through a JSON export with every version, into a second vault (%s)', async (_n, storeFactory) => {
    const a = await backendWith({ storeFactory });
    await a.b.channels['doc.create']({ document: { id: 'x', content: 'one', title: 'X', tags: ['t'] }, comment: 'first' });
    await a.b.channels['doc.update']({ id: 'x', patch: { content: 'two' }, expectedVersion: 1, comment: 'second' });
    await a.b.channels['doc.create']({ document: { id: 'y', content: 'only' } });
    const out = join(a.dir, 'out');
    mkdirSync(out);
    const ex = await a.done((await a.b.channels['transfer.export']({ target: { path: out }, format: 'json', versions: true })).jobId);
    expect(ex).toMatchObject({ outcome: 'done', documents: 2, versions: 3, files: 1 });
    const b = await backendWith({ storeFactory });
    // A document already there: reported as such, the rest imported.
    await b.b.channels['doc.create']({ document: { id: 'y', content: 'mine' } });
    const im = await b.done((await b.b.channels['transfer.import']({ source: { path: join(ex.where, 'docvault-export.jsonl') } })).jobId);
    expect(im).toMatchObject({ outcome: 'done', documents: 1, versions: 2 });
    expect(im.issues).toEqual([expect.objectContaining({ source: 'line 3', id: 'y', kind: 'AlreadyExists' })]);
    const history = await b.b.channels['doc.versions']({ id: 'x' });
    expect(history.map((v) => v.comment)).toEqual(['first', 'second']);
    expect((await b.b.channels['doc.getVersion']({ id: 'x', version: 1 })).content).toBe('one');
    expect((await b.b.channels['doc.get']({ id: 'x' })).content).toBe('two');
  });

  it.each([
    ['StorageService', serviceStoreFactory],
    ['Vault adapter', vaultStoreFactory],
  ])('attachments: imported from NAME.files/ and loose files, exported as JSON side files and imported again byte for byte (%s)', async (_n, storeFactory) => {
    const { b, dir, done } = await backendWith({ storeFactory });
    const big = randomBytes(300 * 1024); // more than one upload piece
    const root = folder(dir, {
      'r.md': '---\nid: r\ntitle: Receipt\n---\nthe note',
      'r.files/blob.bin': big,
      'r.pdf': Buffer.from('%PDF-1.4 loose'),
      'scan.jpg': Buffer.from([0xff, 0xd8, 0xff, 0x00]),
    });
    symlinkSync(join(root, 'r.pdf'), join(root, 'r.files', 'link.pdf'));
    const s = await done((await b.channels['transfer.import']({ source: { path: root } })).jobId);
    expect(s).toMatchObject({ outcome: 'done', documents: 2 });
    expect(s.issues.map((i) => [i.source, i.kind])).toEqual([['r.files/link.pdf', 'Invalid']]);
    const read = async (bk: DocvaultBackend, id: string, name: string): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for (let offset = 0; ; ) {
        const p = await bk.channels['attachments.read']({ id, name, offset });
        parts.push(Buffer.from(p.data, 'base64'));
        offset += parts[parts.length - 1]?.length ?? 0;
        if (p.eof) return Buffer.concat(parts);
      }
    };
    expect((await b.channels['attachments.list']({ id: 'r' })).map((a) => a.name)).toEqual(['blob.bin', 'r.pdf']);
    expect((await read(b, 'r', 'blob.bin')).equals(big)).toBe(true);
    expect((await read(b, 'scan', 'scan.jpg')).equals(Buffer.from([0xff, 0xd8, 0xff, 0x00]))).toBe(true);

    const out = join(dir, 'out');
    mkdirSync(out);
    const es = await done((await b.channels['transfer.export']({ target: { path: out }, format: 'json', versions: true })).jobId);
    expect(es).toMatchObject({ outcome: 'done', documents: 2 });
    expect(readdirSync(join(es.where, 'attachments')).length).toBe(3);

    const other = await backendWith({ storeFactory });
    const is = await other.done((await other.b.channels['transfer.import']({ source: { path: join(es.where, 'docvault-export.jsonl') } })).jobId);
    expect(is).toMatchObject({ outcome: 'done', documents: 2, issues: [] });
    expect((await read(other.b, 'r', 'blob.bin')).equals(big)).toBe(true);
    expect((await read(other.b, 'r', 'r.pdf')).toString()).toBe('%PDF-1.4 loose');
    expect((await other.b.channels['doc.get']({ id: 'r' })).content).toBe('the note');
  });

  it('cancel: committed batches stay, the rest is not written, and the summary says so', async () => {
    const { b, dir, events, done } = await backendWith({ holdTransfersForTests: true });
    const files: Record<string, string> = {};
    for (let i = 0; i < WINDOW_IMPORT_BATCH * 3; i++) files[`d${String(i).padStart(4, '0')}.md`] = `doc ${i}`;
    const root = folder(dir, files);
    const { jobId } = await b.channels['transfer.import']({ source: { path: root } });
    // Held after its first batch: running, with that batch committed.
    for (;;) {
      const p = events.find((e): e is Extract<PushEvent, { event: 'transfer.progress' }> => e.event === 'transfer.progress' && e.data.phase === 'writing' && e.data.done > 0);
      if (p !== undefined) break;
      await new Promise((r) => setImmediate(r));
    }
    expect((await b.channels['transfer.info']({})).running?.jobId).toBe(jobId);
    await expect(b.channels['transfer.import']({ source: { path: root } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Conflict'));
    await b.channels['transfer.cancel']({ jobId });
    const s = await done(jobId);
    expect(s).toMatchObject({ outcome: 'cancelled', documents: WINDOW_IMPORT_BATCH });
    expect(await b.channels['doc.count']({})).toBe(WINDOW_IMPORT_BATCH);
    expect((await b.channels['transfer.info']({})).running).toBeNull();
  });

  it('a lock stops the job first, and a cancelled JSON export leaves no file', async () => {
    const { b, dir, done, events } = await backendWith({ holdTransfersForTests: true });
    await b.channels['doc.bulkPut']({ documents: Array.from({ length: 5 }, (_, i) => ({ id: `k${i}`, content: 'x' })) });
    const files: Record<string, string> = {};
    for (let i = 0; i < WINDOW_IMPORT_BATCH + 1; i++) files[`n${i}.md`] = 'n';
    const { jobId } = await b.channels['transfer.import']({ source: { path: folder(dir, files) } });
    while (!events.some((e) => e.event === 'transfer.progress' && e.data.phase === 'writing' && e.data.done > 0)) await new Promise((r) => setImmediate(r));
    await b.lock();
    expect((await done(jobId)).outcome).toBe('cancelled');
    await b.unlock({ passphrase: 'pass phrase' });
    expect(await b.channels['doc.count']({})).toBe(5 + WINDOW_IMPORT_BATCH);

    // A JSON export is one file: cancelled after its first document (which has an attachment, written as a
    // side file first), nothing is left in the folder.
    const out = join(dir, 'json-out');
    mkdirSync(out);
    const target = makeExportFolder(out);
    const docs = ['p', 'q', 'r'].map((id) => ({
      id,
      title: id,
      type: '',
      tags: [],
      metadata: {},
      content: id,
      version: 1,
      createdAt: 1,
      updatedAt: 1,
      ...(id === 'p' ? { attachments: [{ name: 'f.bin', size: 2, mediaType: 'application/octet-stream', ref: 'a'.repeat(64) }] } : {}),
    }));
    let sideFiles = 0;
    const source: ExportSource = {
      list: () => ({ items: docs.map((d) => ({ ...d, bytes: 1 })), nextCursor: null }) as never,
      count: () => docs.length,
      get: (id) => docs.find((d) => d.id === id) as never,
      versions: () => [{ version: 1, comment: null, createdAt: 1 }] as never,
      getVersion: (id) => docs.find((d) => d.id === id) as never,
      readAttachment: () => {
        sideFiles++;
        return { data: new Uint8Array([1, 2]), offset: 0, size: 2, eof: true };
      },
    };
    const ac = new AbortController();
    const r = await exportVault(source, target, { format: 'json', versions: true, signal: ac.signal, onProgress: () => ac.abort() });
    expect(r).toMatchObject({ cancelled: true, files: 0, exported: 0 });
    expect(sideFiles).toBe(1);
    expect(readdirSync(target)).toEqual([]);
  });

  it('refuses what a window must not name', async () => {
    const { b, dir } = await backendWith({ typedPaths: false });
    await expect(b.channels['transfer.import']({ source: { path: dir } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    await expect(b.channels['transfer.import']({ source: { grant: '0'.repeat(32) } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    await expect(b.channels['transfer.pick']({ purpose: 'importFolder' })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    const typed = await backendWith();
    await expect(typed.b.channels['transfer.import']({ source: { path: 'relative/path' } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    await expect(typed.b.channels['transfer.import']({ source: { path: join(dir, 'missing') } })).rejects.toSatisfy((e) => isDocvaultError(e, 'NotFound'));
    symlinkSync(dir, join(typed.dir, 'link'));
    await expect(typed.b.channels['transfer.import']({ source: { path: join(typed.dir, 'link') } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    await expect(typed.b.channels['transfer.export']({ target: { path: join(typed.dir, 'link') }, format: 'md', versions: false })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
  });

  it('grants: picked by the system dialog, one use, for their purpose only', async () => {
    const { b, dir, done } = await backendWith({ typedPaths: false, pathPicker: async (purpose) => (purpose === 'exportFolder' ? dir : undefined) });
    expect(await b.channels['transfer.pick']({ purpose: 'importFolder' })).toBeNull();
    const g = await b.channels['transfer.pick']({ purpose: 'exportFolder' });
    expect(g?.label).toBe(dir);
    const grant = g?.grant ?? '';
    await expect(b.channels['transfer.import']({ source: { grant } })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    const g2 = await b.channels['transfer.pick']({ purpose: 'exportFolder' });
    const { jobId } = await b.channels['transfer.export']({ target: { grant: g2?.grant ?? '' }, format: 'json', versions: true });
    const s = await done(jobId);
    expect(existsSync(join(s.where, 'docvault-export.jsonl'))).toBe(true);
    await expect(b.channels['transfer.export']({ target: { grant: g2?.grant ?? '' }, format: 'json', versions: true })).rejects.toSatisfy((e) => isDocvaultError(e, 'Invalid'));
    let now = 0;
    const grants = new PathGrants(() => now);
    const old = grants.add('/x', 'importFolder');
    now += 31 * 60 * 1000;
    expect(() => grants.take(old.grant, ['importFolder'])).toThrow(/expired/);
  });
});
