/** The rendered, sanitized preview of Markdown content (see ../markdown.ts for what is allowed and why). */
import { useDeferredValue, useMemo } from 'react';
import { renderMarkdown } from '../markdown';

/** Props of {@link MarkdownPreview}. */
export interface MarkdownPreviewProps {
  readonly source: string;
}

/** A read-only pane; rendering follows typing at a lower priority so the textarea stays responsive. */
export function MarkdownPreview({ source }: MarkdownPreviewProps) {
  const deferred = useDeferredValue(source);
  const html = useMemo(() => renderMarkdown(deferred), [deferred]);
  // The HTML comes from markdown-it with raw HTML off, then DOMPurify with an allow-list: safe to insert.
  return <div className="md-preview" data-testid="md-preview" aria-label="Preview" dangerouslySetInnerHTML={{ __html: html }} />;
}
