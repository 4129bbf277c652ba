/** `docvault import` / `export`: round trips with versions (JSON and Markdown), selections, and every bad-input case. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ok, run, type RunResult, secret, useScratch } from './helpers';

const dir = useScratch();
let n = 0;

function newVault() {
  const vault = join(dir(), `v${++n}.dvault`);
  const key = join(dir(), `v${n}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  secret(readFileSync(key, 'utf8').trim());
  const env = { DOCVAULT_VAULT: vault };
  return {
    dv: (args: string[], input = '') => ok([...args, '--key-file', key], { env, input }),
    raw: (args: string[], input = ''): RunResult => run([...args, '--key-file', key], { env, input }),
  };
}

/** Everything a reader sees of a vault, timestamps aside (an import writes its versions now). */
function snapshot(dv: (a: string[]) => string) {
  const ids = (JSON.parse(dv(['ls', '--json'])) as { items: { id: string }[] }).items.map((d) => d.id).sort();
  return ids.map((id) => {
    const history = JSON.parse(dv(['history', id, '--json'])) as { version: number; comment: string | null; title: string; tags: string[] }[];
    const doc = JSON.parse(dv(['get', id, '--json'])) as Record<string, unknown>;
    const versions = history.map((h) => ({ version: h.version, comment: h.comment, title: h.title, tags: h.tags, content: dv(['get', id, '--version', String(h.version)]) }));
    return { id, title: doc['title'], type: doc['type'], tags: doc['tags'], metadata: doc['metadata'], content: doc['content'], versions };
  });
}

function seed(dv: (a: string[], input?: string) => string): void {
  dv(['put', '--id', 'lease', '--title', 'Flat lease', '--type', 'contract', '--tag', 'home', '--tag', 'legal'], 'Signed 2024.\n');
  dv(['put', '--id', 'lease', '--comment', 'deposit added'], 'Signed 2024.\nDeposit 1200.\n');
  dv(['put', '--id', 'lease', '--title', 'Flat lease (renewed)', '--comment', 'renewal'], 'Renewed 2025.\n');
  dv(['put', '--id', 'evil', '--title', '../../x', '--type', 'note'], '---\nnot: front matter of ours\n---\nÜnïcödé ✓ 日本語\n');
  dv(['put', '--id', 'folder/deep', '--title', 'CON', '--tag', 'legal'], '');
}

describe('export and import', () => {
  it('round trip through JSON with versions: same documents, versions, comments and content', () => {
    const a = newVault();
    seed(a.dv);
    const out = join(dir(), 'json-export');
    expect(a.dv(['export', out, '--format', 'json', '--versions'])).toMatch(/^Exported 3 documents \(5 versions\) to 1 files/);
    expect(readdirSync(out)).toEqual(['docvault-export.jsonl']);
    const lines = readFileSync(join(out, 'docvault-export.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ format: 'docvault-export', formatVersion: 1, versions: true });
    const b = newVault();
    const summary = JSON.parse(b.dv(['import', join(out, 'docvault-export.jsonl'), '--json'])) as { imported: number; versions: number; failed: number };
    expect(summary).toMatchObject({ imported: 3, versions: 5, failed: 0 });
    expect(snapshot(b.dv)).toEqual(snapshot(a.dv));
  });

  it('round trip through Markdown with versions; safe file names that never leave DIR', () => {
    const a = newVault();
    seed(a.dv);
    // Two levels inside the scratch folder, so the escape this checks for would land in it, not in /tmp.
    const nest = join(dir(), 'nest');
    mkdirSync(nest);
    const out = join(nest, 'md-export');
    a.dv(['export', out, '--versions']);
    const files = readdirSync(out).sort();
    expect(files).toEqual(['Flat lease (renewed).md', 'Flat lease (renewed).v1.md', 'Flat lease (renewed).v2.md', 'document-CON.md', 'x.md']);
    expect(existsSync(resolve(out, '..', '..', 'x.md'))).toBe(false);
    expect(readFileSync(join(out, 'x.md'), 'utf8')).toContain('"id": "evil"');
    const b = newVault();
    expect(b.dv(['import', out])).toMatch(/^Imported 3 documents \(5 versions\)/);
    expect(snapshot(b.dv)).toEqual(snapshot(a.dv));
  });

  it('exports a selection by --type or --tag', () => {
    const a = newVault();
    seed(a.dv);
    const out = join(dir(), 'sel');
    a.dv(['export', out, '--format', 'json', '--tag', 'legal']);
    const ids = readFileSync(join(out, 'docvault-export.jsonl'), 'utf8').trimEnd().split('\n').slice(1).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.sort()).toEqual(['folder/deep', 'lease']);
  });

  it('imports a folder: front matter to fields; bad files reported one by one, the rest imported', () => {
    const src = join(dir(), 'folder-in');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.md'), '---\ntitle: Alpha\ntype: note\ntags: [x, y]\nauthor: Ann\n---\n# Alpha\n');
    writeFileSync(join(src, 'sub', 'b.txt'), 'plain text, id from the path');
    writeFileSync(join(src, 'latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    writeFileSync(join(src, 'dup1.md'), '---\nid: same\n---\none');
    writeFileSync(join(src, 'dup2.md'), '---\nid: same\n---\ntwo');
    writeFileSync(join(src, 'badyaml.md'), '---\ntitle: [unclosed\n---\nx');
    writeFileSync(join(src, 'big.md'), Buffer.alloc(16 * 1024 * 1024 + 1, 0x61));
    writeFileSync(join(dir(), 'outside.md'), 'secret outside the folder');
    symlinkSync(join(dir(), 'outside.md'), join(src, 'link.md'));
    writeFileSync(join(src, 'image.png'), 'not text');
    const a = newVault();
    a.dv(['put', '--id', 'a'], 'already here');
    const r = a.raw(['import', src, '--json']);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout) as { imported: number; errors: { source: string; kind: string; message: string }[] };
    // a.md's neighbour image.png has no text file of its name: a document of its own, with the file attached.
    expect(s.imported).toBe(2);
    const bySource = Object.fromEntries(s.errors.map((e) => [e.source, `${e.kind}: ${e.message}`]));
    expect(bySource).toMatchObject({
      'a.md': expect.stringMatching(/^AlreadyExists/) as unknown,
      'latin1.md': 'Invalid: not UTF-8 text',
      'dup1.md': expect.stringMatching(/^AlreadyExists: duplicate id "same"/) as unknown,
      'dup2.md': expect.stringMatching(/^AlreadyExists: duplicate id "same"/) as unknown,
      'badyaml.md': expect.stringMatching(/^Invalid: front matter: not valid YAML/) as unknown,
      'big.md': expect.stringMatching(/^TooLarge/) as unknown,
      'link.md': 'Invalid: a symbolic link: not followed',
    });
    expect(a.raw(['get', 'image', '--attachment', 'image.png']).stdout).toBe('not text');
    expect(a.dv(['get', 'sub/b'])).toBe('plain text, id from the path');
    expect(a.dv(['get', 'a'])).toBe('already here');
    expect(a.raw(['get', 'same']).code).toBe(3);
  });

  it('a JSON export with duplicate ids, broken lines or a foreign header: per-line errors, or refused whole', () => {
    const file = join(dir(), 'hand.jsonl');
    const v = (content: string) => ({ version: 1, title: 't', type: '', tags: [], metadata: {}, content, comment: null, createdAt: 0 });
    writeFileSync(
      file,
      [
        JSON.stringify({ format: 'docvault-export', formatVersion: 1, exportedAt: '', versions: false }),
        JSON.stringify({ id: 'one', createdAt: 0, updatedAt: 0, versions: [v('first')] }),
        JSON.stringify({ id: 'one', createdAt: 0, updatedAt: 0, versions: [v('again')] }),
        '{not json',
        JSON.stringify({ id: 'two', versions: [] }),
        JSON.stringify({ id: '../bad\u0000', versions: [v('x')] }),
        JSON.stringify({ id: 'three', createdAt: 0, updatedAt: 0, versions: [v('ok')] }),
      ].join('\n'),
    );
    const a = newVault();
    const r = a.raw(['import', file, '--json']);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout) as { imported: number; errors: { source: string; kind: string }[] };
    expect(s.imported).toBe(2);
    expect(s.errors.map((e) => `${e.source} ${e.kind}`)).toEqual(['line 3 AlreadyExists', 'line 4 Invalid', 'line 5 Invalid', 'line 6 Invalid']);
    expect(a.dv(['get', 'one'])).toBe('first');
    const foreign = join(dir(), 'foreign.jsonl');
    writeFileSync(foreign, '{"hello": 1}\n');
    const f = a.raw(['import', foreign]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^Invalid: .*not a docvault export/);
  });

  it('leaves no temporary files behind', () => {
    const a = newVault();
    seed(a.dv);
    const out = join(dir(), 'clean');
    a.dv(['export', out]);
    a.dv(['export', out, '--format', 'json']);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
