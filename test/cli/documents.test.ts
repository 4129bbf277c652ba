import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fails, ok, type RunOptions, secret, useScratch } from './helpers';

const dir = useScratch();
let n = 0;

/** A new vault with a raw key; returns a runner bound to it through the environment and --key-file. */
function newVault(): { dv: (args: string[], opts?: RunOptions) => string; bad: (args: string[], kind: string, code: number, opts?: RunOptions) => void; vault: string; key: string } {
  const vault = join(dir(), `d${++n}.dvault`);
  const key = join(dir(), `d${n}.key`);
  ok(['init', '--vault', vault, '--key-file', key]);
  secret(readFileSync(key, 'utf8').trim());
  const env = { DOCVAULT_VAULT: vault };
  return {
    vault,
    key,
    dv: (args, opts = {}) => ok([...args, '--key-file', key], { ...opts, env: { ...env, ...opts.env } }),
    bad: (args, kind, code, opts = {}) => void fails([...args, '--key-file', key], kind, code, { ...opts, env: { ...env, ...opts.env } }),
  };
}

describe('put and get', () => {
  it('puts from stdin and from a file; get prints the content exactly', () => {
    const { dv } = newVault();
    expect(dv(['put', '--id', 'note', '--title', 'First', '--type', 'memo', '--tag', 'a', '--tag', 'b'], { input: 'line 1\nline 2\n' })).toBe(
      'Created note version 1 (14 B)\n',
    );
    const file = join(dir(), 'content.txt');
    writeFileSync(file, 'no trailing newline');
    expect(dv(['put', '--id', 'note', '--file', file, '--comment', 'from a file'])).toBe('Updated note version 2 (19 B)\n');
    expect(dv(['get', 'note'])).toBe('no trailing newline');
    expect(dv(['get', 'note', '--version', '1'])).toBe('line 1\nline 2\n');
    // Title, type and tags given once are kept by later puts.
    const doc = JSON.parse(dv(['get', 'note', '--json']));
    expect(doc).toMatchObject({ id: 'note', version: 2, title: 'First', type: 'memo', tags: ['a', 'b'], content: 'no trailing newline', size: 19 });
  });

  it('round-trips UTF-8 byte for byte, BOM and CRLF included', () => {
    const { dv } = newVault();
    const text = '\uFEFFh\u00e9llo \u{1F600}\r\n\u4e2d\u6587\n\n';
    dv(['put', '--id', 'u'], { input: Buffer.from(text, 'utf8') });
    const bytes = Buffer.from(dv(['get', 'u']), 'utf8');
    expect(bytes.equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it('rejects invalid UTF-8 instead of storing replacement characters', () => {
    const { dv, bad } = newVault();
    bad(['put', '--id', 'bin'], 'Invalid', 2, { input: Buffer.from([0x61, 0xff, 0xfe, 0x62]) });
    bad(['get', 'bin'], 'NotFound', 3);
    expect(JSON.parse(dv(['ls', '--json'])).total).toBe(0);
  });

  it('put --json prints the document without its content; --clear-tags removes tags', () => {
    const { dv } = newVault();
    const out = JSON.parse(dv(['put', '--id', 'j', '--tag', 'x', '--json'], { input: 'body' }));
    expect(out).toMatchObject({ id: 'j', version: 1, tags: ['x'], size: 4 });
    expect(out).not.toHaveProperty('content');
    expect(JSON.parse(dv(['put', '--id', 'j', '--clear-tags', '--json'], { input: 'body' })).tags).toEqual([]);
  });

  it('--expected-version: Conflict (exit 4) when stale, success when current', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'c', '--expected-version', '0'], { input: 'v1' });
    bad(['put', '--id', 'c', '--expected-version', '0'], 'Conflict', 4, { input: 'again' });
    dv(['put', '--id', 'c', '--expected-version', '1'], { input: 'v2' });
    bad(['put', '--id', 'c', '--expected-version', '1'], 'Conflict', 4, { input: 'stale' });
    expect(dv(['get', 'c'])).toBe('v2');
    expect(JSON.parse(dv(['history', 'c', '--json']))).toHaveLength(2);
  });

  it('get of a missing document or version is NotFound', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'x'], { input: 'x' });
    bad(['get', 'nope'], 'NotFound', 3);
    bad(['get', 'x', '--version', '2'], 'NotFound', 3);
    bad(['get', 'x', '--version', 'two'], 'Invalid', 2);
  });

  it('invalid input is Invalid; oversized content is TooLarge', () => {
    const { bad } = newVault();
    bad(['put', '--id', ' spaced '], 'Invalid', 2, { input: 'x' });
    bad(['put', '--id', 't', '--title', 'x'.repeat(300)], 'Invalid', 2, { input: 'x' });
    bad(['put', '--id', 'big'], 'TooLarge', 7, { input: Buffer.alloc(16 * 1024 * 1024 + 1, 0x61) });
  });
});

describe('ls', () => {
  it('prints an aligned table and a total; filters by type and tag; pages with --limit and --cursor', () => {
    const { dv } = newVault();
    dv(['put', '--id', 'alpha', '--title', 'Alpha doc', '--type', 'memo', '--tag', 'work'], { input: 'a' });
    dv(['put', '--id', 'beta', '--title', 'Beta', '--type', 'note', '--tag', 'work', '--tag', 'home'], { input: 'bb' });
    dv(['put', '--id', 'gamma-long-id', '--title', 'Gamma', '--type', 'note'], { input: 'ccc' });
    const table = dv(['ls']);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+VERSION\s+UPDATED\s+SIZE\s+TITLE$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('3 documents');
    // Columns line up: every row has its UPDATED column where the header has it.
    const at = (lines[0] as string).indexOf('UPDATED');
    for (const row of lines.slice(1, 4)) expect(row.slice(at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    expect(table).toMatch(/gamma-long-id\s+1\s+\S+\s+3 B\s+Gamma/);

    expect(JSON.parse(dv(['ls', '--type', 'note', '--json'])).items.map((d: { id: string }) => d.id).sort()).toEqual(['beta', 'gamma-long-id']);
    expect(JSON.parse(dv(['ls', '--tag', 'work', '--json'])).total).toBe(2);
    expect(dv(['ls', '--tag', 'home'])).toContain('1 document\n');

    const page1 = JSON.parse(dv(['ls', '--limit', '2', '--sort', 'title', '--json']));
    expect(page1.items.map((d: { id: string }) => d.id)).toEqual(['alpha', 'beta']);
    expect(page1.total).toBe(3);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const human = dv(['ls', '--limit', '2', '--sort', 'title']);
    expect(human).toContain(`2 of 3 documents; next page: --cursor ${page1.nextCursor}`);
    const page2 = JSON.parse(dv(['ls', '--limit', '2', '--sort', 'title', '--cursor', page1.nextCursor, '--json']));
    expect(page2.items.map((d: { id: string }) => d.id)).toEqual(['gamma-long-id']);
    expect(page2.nextCursor).toBeNull();
  });

  it('escapes control characters in titles', () => {
    const { dv } = newVault();
    dv(['put', '--id', 'evil', '--title', 'red\x1b[31m\ttab'], { input: 'x' });
    const table = dv(['ls']);
    expect(table).not.toContain('\x1b');
    expect(table).toContain('red\\x1b[31m\\x09tab');
  });

  it('refuses ids with bidirectional or control characters, and escapes them in titles and tags', () => {
    const { dv, bad } = newVault();
    bad(['put', '--id', 'abc\u202Etxt.exe'], 'Invalid', 2, { input: 'x' });
    bad(['get', 'abc\u202Etxt.exe'], 'Invalid', 2);
    dv(['put', '--id', 'spoof', '--title', 'invoice\u202Efdp.exe', '--type', 'memo\u2067', '--tag', 'x\u202Ey'], { input: 'x' });
    const table = dv(['ls']);
    expect(table).not.toMatch(/[\u202E\u2067]/);
    expect(table).toContain('invoice\\u202efdp.exe');
    const history = dv(['history', 'spoof']);
    expect(history).toContain('invoice\\u202efdp.exe');
    const stats = dv(['stats']);
    expect(stats).not.toMatch(/[\u202E\u2067]/);
    // --json keeps the exact text: JSON escapes nothing here, but a program reads it, not a person.
    expect(JSON.parse(dv(['ls', '--json'])).items[0].title).toBe('invoice\u202Efdp.exe');
  });

  it('rejects bad --limit, --sort and --cursor values', () => {
    const { bad } = newVault();
    bad(['ls', '--limit', '0'], 'Invalid', 2);
    bad(['ls', '--limit', '1001'], 'Invalid', 2);
    bad(['ls', '--sort', 'size'], 'Invalid', 2);
    bad(['ls', '--limit', '5', '--cursor', 'garbage'], 'Invalid', 2);
  });
});

describe('rm, history, diff, restore', () => {
  it('history lists versions with comments; rm deletes every version', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'h', '--title', 'T1'], { input: 'one' });
    dv(['put', '--id', 'h', '--title', 'T2', '--comment', 'second draft'], { input: 'two' });
    const hist = dv(['history', 'h']).trimEnd().split('\n');
    expect(hist[0]).toMatch(/^VERSION\s+WRITTEN\s+SIZE\s+SHA256\s+TITLE\s+COMMENT$/);
    expect(hist[1]).toMatch(/^\s+1\s+\S+Z\s+3 B\s+[0-9a-f]{12}\s+T1$/);
    expect(hist[2]).toMatch(/^\s+2\s+\S+Z\s+3 B\s+[0-9a-f]{12}\s+T2\s+second draft$/);
    expect(hist[3]).toBe('2 versions');
    const json = JSON.parse(dv(['history', 'h', '--json']));
    expect(json.map((v: { version: number; comment: string | null }) => [v.version, v.comment])).toEqual([
      [1, null],
      [2, 'second draft'],
    ]);

    bad(['rm', 'h', '--expected-version', '1'], 'Conflict', 4);
    expect(dv(['rm', 'h'])).toBe('Moved h to the Trash (docvault undelete h brings it back)\n');
    bad(['get', 'h'], 'NotFound', 3);
    bad(['history', 'h'], 'NotFound', 3);
    bad(['rm', 'h'], 'NotFound', 3);
    dv(['put', '--id', 'again'], { input: 'x' });
    expect(JSON.parse(dv(['rm', '--json', 'again']))).toEqual({ id: 'again', trashed: true });
  });

  it('trash lists what rm moved there; undelete brings it back', () => {
    const { dv, bad } = newVault();
    expect(dv(['trash'])).toBe('The Trash is empty\n');
    dv(['put', '--id', 'a', '--title', 'Alpha'], { input: 'one' });
    dv(['put', '--id', 'a'], { input: 'two' });
    dv(['put', '--id', 'b', '--title', 'Beta'], { input: 'bee' });
    dv(['put', '--id', 'c'], { input: 'sea' });
    dv(['rm', 'a']);
    dv(['rm', 'b']);
    const lines = dv(['trash']).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+VERSION\s+DELETED\s+SIZE\s+TITLE$/);
    expect(lines[1]).toMatch(/^b\s+1\s+\d{4}-\d\d-\d\dT\S+Z\s+3 B\s+Beta$/);
    expect(lines[2]).toMatch(/^a\s+2\s+\S+Z\s+3 B\s+Alpha$/);
    expect(lines[3]).toBe('2 documents in the Trash');
    const json = JSON.parse(dv(['trash', '--json']));
    expect(json.total).toBe(2);
    expect(json.items.map((d: { id: string; trashedAt: number }) => [d.id, typeof d.trashedAt])).toEqual([
      ['b', 'number'],
      ['a', 'number'],
    ]);
    expect(JSON.parse(dv(['ls', '--json'])).total).toBe(1);
    bad(['put', '--id', 'a'], 'AlreadyExists', 4, { input: 'new' });

    expect(dv(['undelete', 'a'])).toBe('Brought back a at version 2 (3 B)\n');
    expect(dv(['get', 'a'])).toBe('two');
    bad(['undelete', 'a'], 'NotFound', 3);
    bad(['undelete', 'nope'], 'NotFound', 3);
  });

  it('rm --purge and trash --empty delete forever', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'a'], { input: 'two' });
    dv(['put', '--id', 'b'], { input: 'bee' });
    dv(['put', '--id', 'c'], { input: 'sea' });
    dv(['rm', 'b']);
    bad(['rm', 'c', '--purge', '--expected-version', '2'], 'Conflict', 4);
    expect(dv(['rm', 'c', '--purge', '--expected-version', '1'])).toBe('Deleted c forever\n');
    expect(JSON.parse(dv(['rm', 'a', '--purge', '--json']))).toEqual({ id: 'a', purged: true });
    bad(['rm', 'a', '--purge'], 'NotFound', 3);
    bad(['undelete', 'a'], 'NotFound', 3);
    expect(JSON.parse(dv(['trash', '--empty', '--json']))).toEqual({ purged: 1 });
    expect(dv(['trash'])).toBe('The Trash is empty\n');
    expect(JSON.parse(dv(['stats', '--json']))).toMatchObject({ documents: 0, versions: 0, trashed: 0 });
  });

  it('diff prints a unified diff between two versions', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'd'], { input: 'one\ntwo\nthree\n' });
    dv(['put', '--id', 'd'], { input: 'one\n2\nthree\nfour\n' });
    const out = dv(['diff', 'd', '1', '2']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^--- d@v1\t\d{4}-\d\d-\d\dT\S+Z$/);
    expect(lines[1]).toMatch(/^\+\+\+ d@v2\t\d{4}-\d\d-\d\dT\S+Z$/);
    expect(lines.slice(2)).toEqual(['@@ -1,3 +1,4 @@', ' one', '-two', '+2', ' three', '+four', '']);
    expect(out).not.toContain('\x1b'); // no colour into a pipe
    // B defaults to the current version; reversed order; zero context.
    expect(dv(['diff', 'd', '1'])).toBe(out);
    const reversed = dv(['diff', 'd', '2', '1', '--context', '0']);
    expect(reversed).toMatch(/^--- d@v2\t/);
    expect(reversed).toContain('@@ -2,1 +2,1 @@\n-2\n+two\n');
    expect(reversed).not.toContain(' one');
    expect(dv(['diff', 'd', '2', '2'])).toBe('');
    const json = JSON.parse(dv(['diff', 'd', '1', '2', '--json']));
    expect(json).toMatchObject({ id: 'd', from: 1, to: 2, added: 2, removed: 1 });
    expect(json.hunks).toHaveLength(1);
    expect(json.hunks[0].lines[1]).toEqual({ kind: 'removed', oldNumber: 2, newNumber: null, text: 'two', eol: true });
    bad(['diff', 'd', '1', '9'], 'NotFound', 3);
    bad(['diff', 'd'], 'Invalid', 2);
    bad(['diff', 'd', 'x', '2'], 'Invalid', 2);
  });

  it('restore writes a new version equal to the old one', () => {
    const { dv, bad } = newVault();
    dv(['put', '--id', 'r', '--title', 'Original', '--tag', 't'], { input: 'first' });
    dv(['put', '--id', 'r', '--title', 'Changed', '--clear-tags'], { input: 'second' });
    expect(dv(['restore', 'r', '1'])).toBe('Restored r version 1 as version 3 (5 B)\n');
    const doc = JSON.parse(dv(['get', 'r', '--json']));
    expect(doc).toMatchObject({ version: 3, content: 'first', title: 'Original', tags: ['t'] });
    const hist = JSON.parse(dv(['history', 'r', '--json']));
    expect(hist[2].comment).toBe('restored from version 1');
    expect(JSON.parse(dv(['restore', 'r', '2', '--json']))).toMatchObject({ id: 'r', version: 4, title: 'Changed' });
    dv(['restore', 'r', '1', '--comment', 'back to the first']);
    expect(JSON.parse(dv(['history', 'r', '--json']))[4].comment).toBe('restored from version 1: back to the first');
    bad(['restore', 'r', '9'], 'NotFound', 3);
    bad(['restore', 'r', '1', '--expected-version', '1'], 'Conflict', 4);
    bad(['restore', 'r'], 'Invalid', 2);
  });
});
