/**
 * The app's settings, kept as JSON in app data (`preferences.json` next to the app's other files, never in a
 * vault). A missing or damaged file gives the defaults; unknown or out-of-range values are dropped one by
 * one, so a hand-edited file cannot stop the app from starting.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, type AppSettings } from '../shared/live';
import { INPUT_SCHEMAS } from '../shared/schemas';

/** File name of the settings inside the app's data directory. */
export const SETTINGS_FILE = 'preferences.json';

/** Parses stored settings, keeping each valid field and the default for the rest. */
export function parseSettings(raw: unknown): AppSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
  const schema = INPUT_SCHEMAS['settings.set'];
  let out: AppSettings = DEFAULT_SETTINGS;
  for (const [k, v] of Object.entries(raw)) {
    const r = schema.safeParse({ [k]: v });
    if (r.success) out = { ...out, ...r.data };
  }
  return out;
}

/** Settings in memory, written through to a file when one is given. */
export class SettingsStore {
  readonly #file: string | undefined;
  #value: AppSettings;

  constructor(file: string | undefined) {
    this.#file = file;
    let raw: unknown;
    try {
      raw = file === undefined ? undefined : JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      raw = undefined;
    }
    this.#value = parseSettings(raw);
  }

  /** The current settings. */
  get value(): AppSettings {
    return this.#value;
  }

  /** Applies a (validated) change and saves it; returns the new settings. */
  set(change: Partial<AppSettings>): AppSettings {
    const next = { ...this.#value };
    for (const [k, v] of Object.entries(change)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    this.#value = next;
    if (this.#file !== undefined) {
      mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
      // Write then rename, so a crash mid-write leaves the old file, not half a file.
      const tmp = `${this.#file}.tmp`;
      writeFileSync(tmp, JSON.stringify(next, null, 2), { mode: 0o600 });
      renameSync(tmp, this.#file);
    }
    return next;
  }
}
