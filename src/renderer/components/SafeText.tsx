import { printableParts } from '../../shared/printable';

/**
 * User text shown safely: isolated from what surrounds it (`<bdi>`), and with every control, bidirectional
 * or invisible format character written out as a marked escape — a title holding U+202E cannot reverse
 * itself or its neighbours, and the user sees that the character is there (issue 9, defect 3).
 */
export function SafeText({ text, className }: { text: string; className?: string }) {
  const parts = printableParts(text);
  return (
    <bdi className={className}>
      {parts.map((p, i) =>
        p.escaped ? (
          <span key={i} className="escaped-char" title="An invisible or control character, shown escaped">
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </bdi>
  );
}
