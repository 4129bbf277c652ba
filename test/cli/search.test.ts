/** `docvault search`: text and JSON output, filters, paging, the ranking window's note and --rank-all, and a malformed query as Invalid (exit 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Vault } from '../../src/main/storage';
import { SEARCH_RANK_WINDOW } from '../../src/shared/search';
import { ensureBuilt, fails, ok, run, scratch, secret } from './helpers';

let dir: string;
let cleanup: () => void;
let dv: (args: string[], input?: string) => string;
let args: (a: string[]) => string[];
let env: Record<string, string>;

beforeAll(() => {
  ensureBuilt();
  ({ dir, cleanup } = scratch());
  const vault = join(dir, 's.dvault');
  const key = join(dir, 's.key');
  ok(['init', '--vault', vault, '--key-file', key]);
  secret(readFileSync(key, 'utf8').trim());
  env = { DOCVAULT_VAULT: vault };
  args = (a) => [...a, '--key-file', key];
  dv = (a, input = '') => ok(args(a), { env, input });
  dv(['put', '--id', 'allergy', '--title', 'Penicillin allergy', '--type', 'medical', '--tag', 'health'], 'A rash after penicillin.');
  dv(['put', '--id', 'record', '--title', 'Visits', '--type', 'medical', '--tag', 'health', '--tag', 'clinic'], 'The medical record mentions penicillin.');
  dv(['put', '--id', 'cheese', '--title', 'Cheese', '--type', 'note'], 'Made with penicillium.');
});
afterAll(() => cleanup());

describe('docvault search', () => {
  it('prints the best hits with the matches in brackets', () => {
    expect(dv(['search', 'penicillin'])).toBe(
      'allergy  Penicillin allergy\n    A rash after [penicillin].\nrecord  Visits\n    The medical record mentions [penicillin].\n2 matches\n',
    );
    expect(dv(['search', 'nothing-like-this'])).toBe('No matches\n');
  });

  it('--json items carry id, title, snippet and score; filters and paging apply', () => {
    const page = JSON.parse(dv(['search', 'penic*', '--json'])) as { items: { id: string; title: string; snippet: string; score: number }[]; nextOffset: number | null };
    expect(page.items.map((i) => i.id).sort()).toEqual(['allergy', 'cheese', 'record']);
    for (const i of page.items) expect(i).toMatchObject({ id: expect.any(String), title: expect.any(String), snippet: expect.any(String), score: expect.any(Number) });
    const ids = (a: string[]) => (JSON.parse(dv(['search', ...a, '--json'])) as { items: { id: string }[] }).items.map((i) => i.id).sort();
    expect(ids(['penic*', '--type', 'note'])).toEqual(['cheese']);
    expect(ids(['penic*', '--tag', 'clinic'])).toEqual(['record']);
    expect(ids(['penic*', '--tag', 'health', '--tag', 'clinic', '--all-tags'])).toEqual(['record']);
    expect(ids(['"medical record"'])).toEqual(['record']);
    const first = JSON.parse(dv(['search', 'penic*', '--limit', '2', '--json'])) as { items: unknown[]; nextOffset: number };
    expect(first.items).toHaveLength(2);
    expect(first.nextOffset).toBe(2);
    expect(JSON.parse(dv(['search', 'penic*', '--offset', '2', '--json'])).items).toHaveLength(1);
  });

  it('a malformed query is Invalid with the reason, exit 2', () => {
    for (const q of ['"unterminated', 'AND OR', 'col:x', '*']) {
      const r = fails(args(['search', q]), 'Invalid', 2, { env });
      expect(r.stderr).not.toMatch(/fts5|sqlite/i);
    }
  });
});

describe('docvault search past the ranking window', () => {
  // The CLI opens vaults with the default window (10,000): one more matching document than that, the oldest
  // of them the best match (the word four times in its title), so ranking all of them finds it first.
  let vault: string;
  let keyFile: string;
  beforeAll(() => {
    vault = join(dir, 'window.dvault');
    keyFile = join(dir, 'window.key');
    ok(['init', '--vault', vault, '--key-file', keyFile]);
    const v = Vault.openSync(vault, { key: { rawKey: secret(readFileSync(keyFile, 'utf8').trim()) } });
    try {
      v.create({ id: 'oldest', title: 'apple apple apple apple', content: 'apple' });
      v.bulkCreate(Array.from({ length: SEARCH_RANK_WINDOW }, (_, i) => ({ id: `n${i}`, title: `note ${i}`, content: `apple ${'filler '.repeat(i % 7)}` })));
    } finally {
      v.close();
    }
  }, 60_000);

  it('says on stderr that the newest 10,000 were ranked; --rank-all ranks them all; --json carries the field', () => {
    const windowed = run(['search', 'apple', '--limit', '3', '--vault', vault, '--key-file', keyFile]);
    expect(windowed.code).toBe(0);
    expect(windowed.stderr).toBe('Best matches among the 10,000 newest of more than 10,000 matches; --rank-all ranks every match.\n');
    expect(windowed.stdout).not.toContain('oldest');
    expect(windowed.stdout).toContain('3 matches shown; more with --offset 3');
    const all = run(['search', 'apple', '--limit', '3', '--rank-all', '--vault', vault, '--key-file', keyFile]);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    expect(all.stdout.split('\n')[0]).toBe('oldest  apple apple apple apple');
    const json = JSON.parse(ok(['search', 'apple', '--limit', '1', '--json', '--vault', vault, '--key-file', keyFile])) as { ranking?: unknown; items: unknown[] };
    expect(json.ranking).toEqual({ window: 10_000, matchesAtLeast: 10_001, allCounted: false });
    const jsonAll = JSON.parse(ok(['search', 'apple', '--limit', '1', '--rank-all', '--json', '--vault', vault, '--key-file', keyFile])) as { ranking?: unknown; items: { id: string }[] };
    expect(jsonAll.ranking).toBeUndefined();
    expect(jsonAll.items[0]?.id).toBe('oldest');
    // The last page: the one document of the second window, and the exact count.
    const last = run(['search', 'apple', '--offset', '10000', '--vault', vault, '--key-file', keyFile]);
    expect(last.stdout.split('\n')[0]).toBe('oldest  apple apple apple apple');
    expect(last.stderr).toBe('Best matches among the 10,000 newest after the first 10,000, of 10,001 matches; --rank-all ranks every match.\n');
  });
});
