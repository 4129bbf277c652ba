/** Every `docvault` command, in the order `docvault --help` lists them. */
import type { Command } from '../command';
import { backupCommand, restoreBackupCommand } from './backup';
import { diffCommand } from './diff';
import { getCommand } from './get';
import { historyCommand } from './history';
import { initCommand } from './init';
import { lsCommand } from './ls';
import { putCommand } from './put';
import { rekeyCommand } from './rekey';
import { cloneCommand, remoteCommand, syncCommand } from './remote';
import { restoreCommand } from './restore';
import { rmCommand } from './rm';
import { searchCommand } from './search';
import { statsCommand } from './stats';
import { trashCommand, undeleteCommand } from './trash';
import { exportCommand, importCommand } from './transfer';
import { verifyCommand } from './verify';

/** The command table. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  putCommand,
  getCommand,
  lsCommand,
  searchCommand,
  rmCommand,
  trashCommand,
  undeleteCommand,
  historyCommand,
  diffCommand,
  restoreCommand,
  importCommand,
  exportCommand,
  verifyCommand,
  statsCommand,
  backupCommand,
  restoreBackupCommand,
  rekeyCommand,
  remoteCommand,
  syncCommand,
  cloneCommand,
];

/** The command called `name`, or undefined. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
