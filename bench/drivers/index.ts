/**
 * The driver registry. A new driver (e.g. `service`, the async worker-thread StorageService) is one file
 * in this folder implementing {@link BenchDriver}, plus one line in {@link DRIVERS}.
 */
import type { BenchDriver } from '../types';
import { docvaultDriver } from './docvault';
import { pouchdbDriver } from './pouchdb';
import { serviceDriver } from './service';
import { plainDriver, rawDriver } from './sqlite';

/** Every driver, in the column order of the results table. */
export const DRIVERS: readonly BenchDriver[] = [docvaultDriver, serviceDriver, rawDriver, plainDriver, pouchdbDriver];

/** The driver called `name`; throws with the list of known names otherwise. */
export function driverByName(name: string): BenchDriver {
  const d = DRIVERS.find((x) => x.name === name);
  if (d === undefined) throw new Error(`Unknown benchmark driver "${name}". Known drivers: ${DRIVERS.map((x) => x.name).join(', ')}`);
  return d;
}
