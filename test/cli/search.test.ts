/** `docvault search`: text and JSON output, filters, paging, and a malformed query as Invalid (exit 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, fails, ok, scratch, secret } from './helpers';

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
