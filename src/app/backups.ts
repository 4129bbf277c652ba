/**
 * Where the app keeps backups of a vault, and what is there: `<vault dir>/backups/`, one file per backup
 * named after the vault and the time it was taken. The window and the web twin name backups by file name
 * only (never a path), so a caller can neither write nor restore outside this folder.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { BackupInfo } from '../shared/contract';
import type { Progress } from '../shared/types';

/** The backups folder of the vault at `vaultPath`. */
export function backupsDir(vaultPath: string): string {
  return join(dirname(vaultPath), 'backups');
}

/** A new backup's path: `<vault name>-<UTC time>.dvault` in the backups folder. */
export function newBackupPath(vaultPath: string, at: number): string {
  const stem = basename(vaultPath, extname(vaultPath)).replace(/[^A-Za-z0-9._-]/g, '_') || 'vault';
  return join(backupsDir(vaultPath), `${stem}-${new Date(at).toISOString().replace(/[:.]/g, '-')}.dvault`);
}

/** The backups in the folder, newest first (temporary files of a backup under way are left out). */
export function listBackups(vaultPath: string): BackupInfo[] {
  const dir = backupsDir(vaultPath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.dvault')) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isFile()) out.push({ name, path, bytes: st.size, createdAt: st.mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name));
}

/**
 * Progress of the copy step of a backup to `target`. `VACUUM INTO` runs as one statement on a storage
 * thread and reports nothing while it writes, so this watches the temporary file it writes beside the
 * target (`.<name>.partial-*`) every `everyMs` and reports its size in pages of the expected total (the
 * vault's pages less its free ones: what VACUUM writes). Returns a function that stops the watch.
 */
export function watchBackupCopy(target: string, expectedPages: number, pageSize: number, report: (p: Progress) => void, everyMs = 250): () => void {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.partial-`;
  const timer = setInterval(() => {
    let bytes = 0;
    try {
      for (const name of readdirSync(dir)) if (name.startsWith(prefix) && !name.endsWith('-wal') && !name.endsWith('-shm')) bytes = Math.max(bytes, statSync(join(dir, name)).size);
    } catch {
      return; // the folder is being created, or the file was just renamed: the next tick sees it
    }
    if (bytes > 0) report({ done: Math.min(expectedPages, Math.floor(bytes / pageSize)), total: expectedPages, phase: 'copy' });
  }, everyMs);
  return () => clearInterval(timer);
}
