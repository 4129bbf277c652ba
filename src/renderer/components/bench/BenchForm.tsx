/** What to run: trials, drivers (unavailable ones shown with the reason), size; Run and Cancel. */
import { useState } from 'react';
import type { BenchCatalog, BenchRequest, BenchSize } from '../../../shared/bench';

const SIZE_TEXT: Readonly<Record<BenchSize, string>> = {
  quick: 'quick — 200 × 1 KB, short runs (a smoke test, seconds)',
  '10k': '10k — 10,000 × 1 KB, full timing (minutes)',
};

/** Props of {@link BenchForm}. */
export interface BenchFormProps {
  readonly catalog: BenchCatalog;
  readonly running: boolean;
  readonly onRun: (r: BenchRequest) => void;
  readonly onCancel: () => void;
}

function toggle(set: readonly string[], name: string, on: boolean): string[] {
  return on ? [...set.filter((x) => x !== name), name] : set.filter((x) => x !== name);
}

/** The form. */
export function BenchForm({ catalog, running, onRun, onCancel }: BenchFormProps) {
  const [trials, setTrials] = useState<readonly string[]>(['get-hot', 'save']);
  const [drivers, setDrivers] = useState<readonly string[]>(['docvault', 'raw']);
  const [size, setSize] = useState<BenchSize>('quick');
  const ordered = (chosen: readonly string[], all: readonly { name: string }[]) => all.map((x) => x.name).filter((n) => chosen.includes(n));
  return (
    <form
      className="bench-form"
      onSubmit={(e) => {
        e.preventDefault();
        onRun({ trials: ordered(trials, catalog.trials), drivers: ordered(drivers, catalog.drivers), size });
      }}
    >
      <fieldset disabled={running}>
        <legend>Trials</legend>
        <div className="choices">
          {catalog.trials.map((t) => (
            <label key={t.name} className="check" title={t.what}>
              <input type="checkbox" name={`trial-${t.name}`} checked={trials.includes(t.name)} onChange={(e) => setTrials(toggle(trials, t.name, e.target.checked))} />
              {t.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset disabled={running}>
        <legend>Drivers</legend>
        <div className="choices">
          {catalog.drivers.map((d) => (
            <label key={d.name} className="check" title={d.unavailable ?? d.description}>
              <input
                type="checkbox"
                name={`driver-${d.name}`}
                disabled={d.unavailable !== undefined}
                checked={d.unavailable === undefined && drivers.includes(d.name)}
                onChange={(e) => setDrivers(toggle(drivers, d.name, e.target.checked))}
              />
              {d.name}
              {d.unavailable !== undefined && <span className="muted small"> (unavailable)</span>}
            </label>
          ))}
        </div>
        {catalog.drivers
          .filter((d) => d.unavailable !== undefined)
          .map((d) => (
            <p key={d.name} className="muted small" data-testid={`unavailable-${d.name}`}>
              {d.name}: {d.unavailable}
            </p>
          ))}
      </fieldset>
      <fieldset disabled={running}>
        <legend>Size</legend>
        {catalog.sizes.map((s) => (
          <label key={s} className="check">
            <input type="radio" name="size" value={s} checked={size === s} onChange={() => setSize(s)} />
            {SIZE_TEXT[s]}
          </label>
        ))}
      </fieldset>
      <div className="bench-row">
        <button type="submit" className="primary" disabled={running || trials.length === 0 || drivers.length === 0}>
          Run benchmark
        </button>
        <button type="button" onClick={onCancel} disabled={!running}>
          Cancel
        </button>
      </div>
    </form>
  );
}
