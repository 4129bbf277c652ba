/** Writes by another process (the CLI, a second app) reach the windows as `docs.changed { external: true }`. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DocvaultBackend } from '../../src/app/backend';
import { Vault } from '../../src/main/storage';
import type { PushEvent } from '../../src/shared/contract';
import { tempDir } from '../helpers/tmp';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('outside changes', () => {
  it('a commit by another connection is announced once; the app\'s own writes are not "external"', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'v.dvault');
    const b = new DocvaultBackend({ vaultPath: path, kdfProfile: 2, statsIntervalMs: 50 });
    await b.create('pass phrase');
    const events: PushEvent[] = [];
    const ticks = () => events.filter((e) => e.event === 'stats.tick').length;
    b.subscribe((e) => events.push(e));
    // Live ticks (same period as the outside-change check) show that time has passed with the check running.
    await b.channels['stats.subscribe']({});
    await b.channels['doc.create']({ document: { id: 'own', content: 'x' } });
    await until(() => ticks() >= 3, 'three ticks');
    expect(events.some((e) => e.event === 'docs.changed')).toBe(false);

    const other = await Vault.open(path, { key: { passphrase: 'pass phrase' } });
    try {
      other.create({ id: 'cli', content: 'from elsewhere' });
    } finally {
      other.close();
    }
    await until(() => events.some((e) => e.event === 'docs.changed'), 'docs.changed');
    expect(events.find((e) => e.event === 'docs.changed')?.data).toEqual({ count: 0, external: true });
    expect((await b.channels['doc.list']({})).items.map((d) => d.id).sort()).toEqual(['cli', 'own']);
    await b.close();
  });
});
