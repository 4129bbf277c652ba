/** Export and import carry attachments: Markdown (NAME.files/ beside each version) and JSON (side files), with versions, byte for byte. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureBuilt, ok, run, scratch, secret, type RunResult } from './helpers';

let dir: string;
let cleanup: () => void;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = scratch());
});
afterAll(() => cleanup());

function newVault() {
  const vault = join(dir, `t${++n}.dvault`);
  const key = join(dir, `t${n}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  secret(readFileSync(key, 'utf8').trim());
  const env = { DOCVAULT_VAULT: vault };
  return {
    dv: (args: string[], input: string | Buffer = '') => ok([...args, '--key-file', key], { env, input }),
    raw: (args: string[], input: string | Buffer = ''): RunResult => run([...args, '--key-file', key], { env, input }),
  };
}

type V = ReturnType<typeof newVault>;

/** Every version's content and every attachment's bytes (hex digests would hide nothing here: compare bytes). */
function snapshot(v: V, ids: readonly string[]) {
  return ids.map((id) => {
    const history = JSON.parse(v.dv(['history', id, '--json'])) as { version: number; comment: string | null }[];
    return history.map((h) => {
      const list = JSON.parse(v.dv(['attachments', id, '--version', String(h.version), '--json'])) as { name: string; size: number; mediaType: string }[];
      return {
        version: h.version,
        comment: h.comment,
        content: v.dv(['get', id, '--version', String(h.version)]),
        files: list.map((a) => ({ name: a.name, size: a.size, mediaType: a.mediaType, bytes: v.raw(['get', id, '--attachment', a.name, '--version', String(h.version)]).stdoutBytes.toString('base64') })),
      };
    });
  });
}

function seed(v: V): { big: Buffer } {
  const big = randomBytes(300_000);
  const small = randomBytes(1000);
  const file = (name: string, bytes: Buffer): string => {
    const p = join(dir, `${n}-${name}`);
    writeFileSync(p, bytes);
    return p;
  };
  v.dv(['put', '--id', 'lease', '--title', 'Flat lease'], 'Signed.\n');
  v.dv(['attach', 'lease', file('lease.pdf', big), '--name', 'lease.pdf']);
  v.dv(['put', '--id', 'lease', '--comment', 'edited'], 'Signed and filed.\n');
  v.dv(['attach', 'lease', file('stamp.png', small), '--name', 'stamp.png']);
  v.dv(['detach', 'lease', 'lease.pdf']);
  v.dv(['put', '--id', 'plain'], 'no files');
  v.dv(['put', '--id', 'copy', '--title', 'Copy'], 'same file');
  v.dv(['attach', 'copy', file('again.pdf', big), '--name', 'again.pdf']);
  return { big };
}

describe('export and import with attachments', () => {
  it.each(['json', 'md'])('round trip with --versions (%s) keeps every version and every file byte for byte', (format) => {
    const a = newVault();
    seed(a);
    const ids = ['copy', 'lease', 'plain'];
    const before = snapshot(a, ids);
    expect(before[1]).toHaveLength(5);
    const out = join(dir, `out-${format}-${n}`);
    a.dv(['export', out, '--format', format, '--versions']);
    if (format === 'json') {
      // One side file per distinct stored file: the two copies of the big file are one.
      expect(readdirSync(join(out, 'attachments'))).toHaveLength(2);
    } else {
      expect(readdirSync(out).filter((f) => f.endsWith('.files')).sort()).toEqual(['Copy.files', 'Flat lease.files', 'Flat lease.v2.files', 'Flat lease.v3.files', 'Flat lease.v4.files']);
      expect(readFileSync(join(out, 'Flat lease.files', 'stamp.png')).length).toBe(1000);
    }
    const b = newVault();
    const summary = JSON.parse(b.dv(['import', format === 'json' ? join(out, 'docvault-export.jsonl') : out, '--json'])) as { imported: number; failed: number };
    expect(summary).toMatchObject({ imported: 3, failed: 0 });
    const after = snapshot(b, ids);
    // Markdown carries no media type: it is guessed again from the name (the same here).
    expect(after).toEqual(before);
    expect(b.dv(['verify'])).toMatch(/ok|OK|no problems/i);
  }, 180_000);

  it('a folder: NAME.files/ beside NAME.md, loose files to the note of their name or a document of their own; links and escapes refused', () => {
    const src = join(dir, `folder-${n}`);
    mkdirSync(join(src, 'receipt.files'), { recursive: true });
    writeFileSync(join(src, 'receipt.md'), '---\ntitle: Receipt\n---\nPaid.\n');
    writeFileSync(join(src, 'receipt.files', 'scan.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
    writeFileSync(join(src, 'receipt.pdf'), '%PDF-1.7 receipt');
    writeFileSync(join(src, 'photo.heic'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'outside.bin'), 'outside');
    symlinkSync(join(dir, 'outside.bin'), join(src, 'receipt.files', 'link.bin'));
    const a = newVault();
    const r = a.raw(['import', src, '--json']);
    const s = JSON.parse(r.stdout) as { imported: number; errors: { source: string; kind: string }[] };
    expect(s.imported).toBe(2);
    expect(s.errors).toEqual([expect.objectContaining({ source: 'receipt.files/link.bin', kind: 'Invalid' })]);
    const list = JSON.parse(a.dv(['attachments', 'receipt', '--json'])) as { name: string; mediaType: string }[];
    expect(list.map((x) => [x.name, x.mediaType])).toEqual([
      ['scan.jpg', 'image/jpeg'],
      ['receipt.pdf', 'application/pdf'],
    ]);
    expect(a.raw(['get', 'photo', '--attachment', 'photo.heic']).stdoutBytes.equals(Buffer.from([1, 2, 3]))).toBe(true);
    // A JSON export whose file would be read from outside its folder: that document is refused, the rest imported.
    const file = join(dir, `hand-${n}.jsonl`);
    const v = { version: 1, title: 't', type: '', tags: [], metadata: {}, content: 'c', comment: null, createdAt: 0 };
    writeFileSync(
      file,
      [
        JSON.stringify({ format: 'docvault-export', formatVersion: 1, exportedAt: '', versions: false }),
        JSON.stringify({ id: 'escape', createdAt: 0, updatedAt: 0, versions: [{ ...v, attachments: [{ name: 'x', mediaType: 'text/plain', size: 7, file: '../outside.bin' }] }] }),
        JSON.stringify({ id: 'fine', createdAt: 0, updatedAt: 0, versions: [v] }),
      ].join('\n'),
    );
    const b = newVault();
    const r2 = JSON.parse(b.raw(['import', file, '--json']).stdout) as { imported: number; errors: { id?: string; kind: string }[] };
    expect(r2.imported).toBe(1);
    expect(r2.errors).toEqual([expect.objectContaining({ id: 'escape', kind: 'Invalid' })]);
    expect(b.raw(['get', 'escape']).code).toBe(3);
    expect(existsSync(join(dir, 'outside.bin'))).toBe(true);
  }, 120_000);
});
