/**
 * 64 concurrent callers against one service for a few seconds: no lost update, every conflict real,
 * read-your-writes, versions strictly increasing, a clean verify at the end.
 */
import { describe, expect, it } from 'vitest';
import { isDocvaultError } from '../../src/shared/errors';
import type { Document } from '../../src/shared/types';
import { Vault } from '../../src/main/storage/vault';
import { prng } from '../../bench/data';
import { makeService, useWorkerBundle } from './helpers';

const worker = useWorkerBundle();

const CALLERS = 64;
const SHARED = 24;
const RUN_MS = 2500;


describe('64 concurrent callers', () => {
  it('keep every acknowledged write, see their own writes, and leave a clean vault', async () => {
    const ctx = await makeService(worker);
    const s = ctx.service;
    const shared = Array.from({ length: SHARED }, (_, i) => `s-${i}`);
    await s.bulkCreate(shared.map((id) => ({ id, content: 'seed' })));

    /** id -> version -> content of every acknowledged write. */
    const acked = new Map<string, Map<number, string>>();
    const problems: string[] = [];
    const conflicts: { id: string; expected: number }[] = [];
    const record = (doc: Document): void => {
      let m = acked.get(doc.id);
      if (m === undefined) acked.set(doc.id, (m = new Map()));
      if (m.has(doc.version)) problems.push(`version ${doc.version} of ${doc.id} acknowledged twice`);
      m.set(doc.version, doc.content);
    };
    for (const id of shared) record({ id, version: 1, content: 'seed' } as Document);
    let ops = 0;
    const deadline = Date.now() + RUN_MS;

    const caller = async (c: number): Promise<void> => {
      const rand = prng(c + 1);
      const seen = new Map<string, number>();
      const mine: string[] = [];
      let n = 0;
      const see = (id: string, version: number, what: string): void => {
        const last = seen.get(id) ?? 0;
        if (version < last) problems.push(`caller ${c}: ${what} of ${id} went back from version ${last} to ${version}`);
        seen.set(id, Math.max(last, version));
      };
      const update = async (sid: string, expected: number, content: string): Promise<void> => {
        try {
          const d = await s.update(sid, { content }, { expectedVersion: expected });
          record(d);
          if (d.version !== expected + 1) problems.push(`update of ${sid} at ${expected} produced version ${d.version}`);
          see(sid, d.version, 'update');
          const again = await s.get(sid);
          if (again.version < d.version) problems.push(`caller ${c} wrote ${sid} v${d.version} but then read v${again.version}`);
          see(sid, again.version, 'get after write');
        } catch (err) {
          if (!isDocvaultError(err, 'Conflict')) throw err;
          conflicts.push({ id: sid, expected });
          const actual = Number(err.details?.['actual']);
          if (!(actual > expected)) problems.push(`conflict on ${sid}: expected ${expected}, actual ${actual}`);
          see(sid, actual, 'conflict');
        }
      };
      // Every caller starts by updating the same document from its seed version at once: one of them wins
      // and every other one must get Conflict (so the load surely contains conflicts to check).
      await update(shared[0] as string, 1, `${c}:race`);
      while (Date.now() < deadline) {
        n++;
        ops++;
        const r = rand();
        const sid = shared[Math.floor(rand() * SHARED)] as string;
        if (r < 0.35) {
          const d = await s.get(sid);
          see(sid, d.version, 'get');
        } else if (r < 0.6) {
          await update(sid, seen.get(sid) ?? (await s.get(sid)).version, `${c}:${n}`);
        } else if (r < 0.7) {
          const d = await s.put({ id: sid, content: `${c}:${n}:put` });
          record(d);
          see(sid, d.version, 'put');
        } else if (r < 0.8) {
          const id = `p-${c}-${n}`;
          const d = await s.create({ id, content: `${c}:${n}:new`, tags: ['mine'] });
          record(d);
          mine.push(id);
          const back = await s.get(id);
          if (back.content !== d.content || back.version !== 1) problems.push(`caller ${c} created ${id} but read ${back.content}@${back.version}`);
        } else if (r < 0.86 && mine.length > 0) {
          const id = mine.splice(Math.floor(rand() * mine.length), 1)[0] as string;
          await s.delete(id);
          acked.delete(id);
          if (await s.exists(id)) problems.push(`caller ${c} deleted ${id} but it still exists`);
          try {
            await s.get(id);
            problems.push(`caller ${c} deleted ${id} but could still get it`);
          } catch (err) {
            if (!isDocvaultError(err, 'NotFound')) throw err;
          }
        } else if (r < 0.94) {
          const ids = Array.from({ length: 5 }, () => shared[Math.floor(rand() * SHARED)] as string);
          const items = await s.bulkGet(ids);
          for (const it of items) {
            if (it.status !== 'ok') problems.push(`bulkGet ${it.id}: ${it.status}`);
            else see(it.id, it.value.version, 'bulkGet');
          }
        } else {
          const ids = [`b-${c}-${n % 3}`, `b-${c}-${(n + 1) % 3}`];
          const res = await s.bulkPut(ids.map((id) => ({ id, content: `${c}:${n}:bulk:${id}` })));
          if (!res.committed) problems.push(`bulkPut by ${c} did not commit`);
          for (const it of res.items) if (it.status === 'ok') record(it.value);
          for (const id of ids) {
            const back = await s.get(id);
            if (back.content !== `${c}:${n}:bulk:${id}`) problems.push(`caller ${c} bulkPut ${id} but read ${back.content}`);
          }
        }
      }
    };

    await Promise.all(Array.from({ length: CALLERS }, (_, c) => caller(c)));
    const stats = await s.stats();
    const report = await s.verify();
    await s.close();

    expect(problems).toEqual([]);
    expect(ops).toBeGreaterThan(CALLERS);
    // The opening race alone gives CALLERS - 1 conflicts; the checks below then have something to check.
    expect(conflicts.filter((x) => x.id === shared[0] && x.expected === 1)).toHaveLength(CALLERS - 1);
    expect(conflicts.length).toBeGreaterThanOrEqual(CALLERS - 1);
    expect(report.ok).toBe(true);
    expect(stats.service.groupCommit.maxSize).toBeGreaterThan(1);

    // The vault's history is exactly the acknowledged writes: none lost, none invented, versions 1..n.
    const v = Vault.openSync(ctx.path, { key: { rawKey: ctx.key } });
    try {
      for (const [id, versions] of acked) {
        const history = v.versions(id).map((x) => x.version);
        expect(history, id).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
        expect(history.length, id).toBe(versions.size);
        for (const [version, content] of versions) expect(v.getVersion(id, version).content, `${id}@${version}`).toBe(content);
      }
      // Every conflict was real: someone else's acknowledged write took that version.
      for (const { id, expected } of conflicts) expect(acked.get(id)?.has(expected + 1), `${id} conflict at ${expected}`).toBe(true);
      expect(v.verify().ok).toBe(true);
    } finally {
      v.close();
      await ctx.cleanup();
    }
  });
});
