/** Chooses the two versions to compare (any two; the older is shown on the left). */
import type { VersionInfo } from '../../shared/types';

/** Props of {@link ComparePicker}. */
export interface ComparePickerProps {
  readonly versions: readonly VersionInfo[];
  readonly current: number;
  readonly left: number;
  readonly right: number;
  readonly onChange: (left: number, right: number) => void;
}

/** Two version selects and a swap button. */
export function ComparePicker({ versions, current, left, right, onChange }: ComparePickerProps) {
  const options = [...versions].reverse().map((v) => (
    <option key={v.version} value={v.version}>
      Version {v.version}
      {v.version === current ? ' (current)' : ''}
    </option>
  ));
  return (
    <div className="compare-picker">
      <label>
        Compare
        <select aria-label="Older version" value={left} onChange={(e) => onChange(Number(e.target.value), right)} data-testid="compare-left">
          {options}
        </select>
      </label>
      <label>
        with
        <select aria-label="Newer version" value={right} onChange={(e) => onChange(left, Number(e.target.value))} data-testid="compare-right">
          {options}
        </select>
      </label>
      <button type="button" onClick={() => onChange(right, left)} title="Swap the two sides">
        ⇄ Swap
      </button>
    </div>
  );
}
