/** `docvault audit`: the vault's audit log, and whether its chain verifies. */
import { AUDIT_MAX_ENTRIES, type AuditEntry, type AuditRecord } from '../../shared/audit';
import type { Vault } from '../../main/storage';
import { usageError, wholeOpt } from '../args';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { plural, toJson } from '../format';

/** One line of the table: position, time (UTC), event, outcome, and the count or error kind. */
function line(e: AuditEntry): string {
  const extra = [e.count === null ? '' : `count ${e.count}`, e.detail ?? ''].filter((s) => s !== '').join(', ');
  return `${String(e.seq).padStart(6)}  ${new Date(e.at).toISOString()}  ${e.event.padEnd(18)} ${e.outcome.padEnd(7)}${extra === '' ? '' : ` ${extra}`}`;
}

/**
 * Records an event a command observed (backup, verify, export, import). Best effort: the command's work is
 * done, and a vault that cannot take the entry must not turn its success into a failure.
 */
export function recordQuietly(vault: Vault, record: AuditRecord): void {
  try {
    vault.recordAudit(record);
  } catch {
    // See above.
  }
}

/** `audit`: the newest audit entries, and the chain's breaks. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'show the audit log of security events (and check its chain)',
  usage: '[--limit N]',
  description: [
    'Prints the vault\'s audit log, newest first (default the newest 200 entries): time (UTC), event, outcome and',
    'a count (documents, or failed unlock attempts) or an error kind. The log never holds content, titles, ids',
    'or keys. Events: vault.create, vault.open (the window or web twin unlocked it), unlock.failed, rekey,',
    'backup, restore, document.create / delete / undelete / purge, integrity.failure (a verify that failed),',
    'export, import. Each entry is chained to the one before by HMAC; an entry edited, removed, reordered or',
    `forged is reported and the command exits ${EXIT.integrity} (Integrity). --json prints { entries, total, firstSeq, problems }.`,
  ].join('\n'),
  options: {
    limit: { type: 'string', value: 'N', help: `entries to show, 1..${AUDIT_MAX_ENTRIES} (default 200)` },
  },
  usesVault: true,
  args: [],
  async run(ctx) {
    const limit = wholeOpt(ctx.values, 'limit', 'audit', 1);
    if (limit !== undefined && limit > AUDIT_MAX_ENTRIES) throw usageError(`--limit: at most ${AUDIT_MAX_ENTRIES}, got ${limit}`, 'audit');
    const vault = await ctx.openVault();
    const page = vault.auditLog(limit === undefined ? {} : { limit });
    if (ctx.json) ctx.out(toJson(page));
    else {
      if (page.entries.length === 0) ctx.out('The audit log is empty.\n');
      else ctx.out(`${page.entries.map(line).join('\n')}\n`);
      const shown = page.entries.length < page.total ? `${page.entries.length} of ${page.total} entries shown` : `${page.total} ${page.total === 1 ? 'entry' : 'entries'}`;
      ctx.out(`${shown}${page.firstSeq > 1 ? ` (entries before ${page.firstSeq} were pruned)` : ''}\n`);
      for (const p of page.problems) ctx.out(`! ${p.message}\n`);
    }
    if (page.problems.length === 0) return EXIT.ok;
    ctx.note(`Integrity: the audit log's chain is broken (${plural(page.problems.length, 'problem')})`);
    return EXIT.integrity;
  },
};
