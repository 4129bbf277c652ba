/** Export file names: hostile titles become plain names inside the folder; clashes get suffixes. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NameAllocator, inside, safeBaseName } from '../../src/app/transfer/names';
import { readFrontMatter, writeFrontMatter } from '../../src/app/transfer/front-matter';

describe('export names', () => {
  it('never yields a path, a dot file, an empty or a reserved name', () => {
    for (const title of ['../../x', '..', '.', '/etc/passwd', 'a/b\\c', 'C:\\evil', `nul${String.fromCharCode(0)}byte`, '  ', '.hidden', 'con', 'LPT1', '💥'.repeat(3), 'x'.repeat(500)]) {
      const name = safeBaseName(title);
      expect(name, title).not.toMatch(/[/\\]|^\.|^$/);
      expect(name.includes(String.fromCharCode(0)), title).toBe(false);
      expect(name.length, title).toBeLessThanOrEqual(109);
      expect(inside('/tmp/out', `${name}.md`), title).toBe(join('/tmp/out', `${name}.md`));
    }
    expect(safeBaseName('../../x')).toBe('x');
    expect(safeBaseName('Grüße (2024)')).toBe('Grüße (2024)');
  });

  it('refuses to join anything that resolves outside the folder', () => {
    expect(() => inside('/tmp/out', '../x.md')).toThrow(/outside/);
    expect(() => inside('/tmp/out', '/etc/x')).toThrow(/outside/);
  });

  it('hands out distinct names, case-insensitively', () => {
    const a = new NameAllocator();
    expect([a.take('Note', '.md'), a.take('note', '.md'), a.take('NOTE', '.md')]).toEqual(['Note.md', 'note-2.md', 'NOTE-3.md']);
  });
});

describe('front matter', () => {
  it('writes JSON values that read back as the same YAML', () => {
    const fields = { id: 'a: b', title: '"quoted" # not a comment', tags: ['x', 'y: z'], metadata: { n: 1, nested: { ok: true } } };
    const { front, body } = readFrontMatter(writeFrontMatter(fields, '---\nbody\n'));
    expect(front).toEqual({ id: 'a: b', title: '"quoted" # not a comment', tags: ['x', 'y: z'], metadata: { n: 1, nested: { ok: true } } });
    expect(body).toBe('---\nbody\n');
  });

  it('keeps a file without front matter whole, and rejects YAML that is not a mapping', () => {
    expect(readFrontMatter('no front matter\n---\n')).toEqual({ front: { metadata: {} }, body: 'no front matter\n---\n' });
    expect(() => readFrontMatter('---\n- a list\n---\nx')).toThrow(/mapping/);
    expect(() => readFrontMatter('---\ntags: {a: 1}\n---\nx')).toThrow(/tags/);
  });
});
