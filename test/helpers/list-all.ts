/** Every page of a list, following its cursors, as ids (the lists' migration and held-row tests). */
import type { Vault } from '../../src/main/storage';
import type { ListQuery } from '../../src/shared/types';

export function listAll(v: Vault, query: Omit<ListQuery, 'cursor'>): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = v.list({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}
