/**
 * The text of one diff line, with its changed words marked as <del> / <ins>. Screen readers do not
 * announce those elements by default, so each carries visually hidden "removed:" / "added:" text;
 * an invisible carriage return and a missing final newline are shown as visible marks.
 */
import type { DiffLine } from '../../shared/diff';

/** Props of {@link DiffText}. */
export interface DiffTextProps {
  readonly line: DiffLine;
}

/** Text with `\r` shown as a mark (a CRLF/LF change would otherwise look like nothing changed). */
function Visible({ text }: { text: string }) {
  if (!text.includes('\r')) return <>{text}</>;
  const parts = text.split('\r');
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && (
            <span className="diff-mark" title="carriage return (Windows line end)">
              ␍
            </span>
          )}
        </span>
      ))}
    </>
  );
}

/** One line's text, word highlights included. */
export function DiffText({ line }: DiffTextProps) {
  const removed = line.kind === 'removed';
  const words = line.words;
  return (
    <>
      {words === undefined ? (
        <Visible text={line.text} />
      ) : (
        words.map((w, i) =>
          !w.changed ? (
            <Visible key={i} text={w.text} />
          ) : removed ? (
            <del key={i}>
              <span className="sr-only">[removed: </span>
              <Visible text={w.text} />
              <span className="sr-only">]</span>
            </del>
          ) : (
            <ins key={i}>
              <span className="sr-only">[added: </span>
              <Visible text={w.text} />
              <span className="sr-only">]</span>
            </ins>
          ),
        )
      )}
      {line.eolChanged === true && <span className="diff-mark">{line.eol ? ' (newline at end)' : ' (no newline at end)'}</span>}
    </>
  );
}

/** What a screen reader hears before a line: its kind and number. */
export function lineLabel(line: DiffLine): string {
  if (line.kind === 'removed') return `removed line ${line.oldNumber ?? ''}: `;
  if (line.kind === 'added') return `added line ${line.newNumber ?? ''}: `;
  return '';
}
