/**
 * The versions of a document, newest first: number, time, size, comment and integrity state. A
 * version that failed its integrity check says why.
 */
import { SafeText } from '../components/SafeText';
import type { HistoryState } from './history-state';
import { integrityProblem } from './history-state';
import { formatSize, formatTime } from './format';
import { AttachmentChanges } from './AttachmentChanges';

/** Props of {@link VersionTimeline}. */
export interface VersionTimelineProps {
  readonly state: HistoryState;
  readonly current: number;
  readonly onSelect: (version: number) => void;
}

/** The timeline; each version is a button that selects it. */
export function VersionTimeline({ state, current, onSelect }: VersionTimelineProps) {
  const versions = [...(state.versions ?? [])].reverse();
  const byNumber = new Map((state.versions ?? []).map((v) => [v.version, v]));
  return (
    <ol className="timeline" aria-label="Versions, newest first" data-testid="timeline">
      {versions.map((v) => {
        const problem = integrityProblem(state, v.version);
        const verified = problem === undefined && state.docs.has(v.version);
        const selected = state.selected === v.version;
        return (
          <li key={v.version} className={problem !== undefined ? 'bad' : undefined}>
            <button type="button" className={selected ? 'version selected' : 'version'} aria-current={selected ? 'true' : undefined} onClick={() => onSelect(v.version)} data-version={v.version}>
              <span className="version-line">
                <strong>Version {v.version}</strong>
                {v.version === current && <span className="pill">current</span>}
                <span className="spacer" />
                {problem !== undefined ? (
                  <span className="integrity bad">⚠ failed check</span>
                ) : (
                  <span className="integrity" title={verified ? 'Record and content verified' : 'Record verified; the content is verified when opened'}>
                    {verified ? '✓ verified' : '✓ record'}
                  </span>
                )}
              </span>
              <span className="muted small">
                {formatTime(v.createdAt)} · {formatSize(v.size)}
              </span>
              {v.comment !== null && (
                <span className="comment small">
                  <SafeText text={v.comment} />
                </span>
              )}
              <AttachmentChanges before={byNumber.get(v.version - 1)?.attachments} after={v.attachments} testId="version-attachments" />
              {problem !== undefined && <span className="problem small">{problem}</span>}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
