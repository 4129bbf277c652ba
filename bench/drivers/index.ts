/**
 * The driver registry. A new driver is one file in this folder implementing {@link BenchDriver}, plus one
 * line in {@link DRIVERS}. Peers load their library lazily (./peer.ts): one that did not install is
 * listed as unavailable by {@link driverAvailability}, and its trials come back skipped with the reason.
 */
import type { BenchDriver } from '../types';
import { docvaultDriver } from './docvault';
import { lmdbDriver } from './lmdb';
import { pouchdbCryptoDriver, pouchdbDriver } from './pouchdb';
import { serviceDriver } from './service';
import { signalDriver } from './signal';
import { plainDriver, rawDriver } from './sqlite';

/** Every driver, in the column order of the results table. */
export const DRIVERS: readonly BenchDriver[] = [docvaultDriver, serviceDriver, rawDriver, plainDriver, lmdbDriver, signalDriver, pouchdbDriver, pouchdbCryptoDriver];

/** The driver called `name`; throws with the list of known names otherwise. */
export function driverByName(name: string): BenchDriver {
  const d = DRIVERS.find((x) => x.name === name);
  if (d === undefined) throw new Error(`Unknown benchmark driver "${name}". Known drivers: ${DRIVERS.map((x) => x.name).join(', ')}`);
  return d;
}

/** One driver as the runner or the in-app panel lists it. */
export interface DriverAvailability {
  readonly name: string;
  readonly description: string;
  /** Why the driver cannot run here (its library did not load), or undefined when it can. */
  readonly unavailable?: string;
  /** Set when the driver is for `npm run bench` only and must not be offered in the app (with the reason). */
  readonly benchOnly?: string;
}

/** Every driver with whether it can run on this machine (loads each peer's library once). */
export async function driverAvailability(drivers: readonly BenchDriver[] = DRIVERS): Promise<DriverAvailability[]> {
  return Promise.all(
    drivers.map(async (d) => {
      const unavailable = await d.available?.();
      return {
        name: d.name,
        description: d.description,
        ...(unavailable === undefined ? {} : { unavailable }),
        ...(d.benchOnly === undefined ? {} : { benchOnly: d.benchOnly }),
      };
    }),
  );
}
