/**
 * Markdown to safe HTML for the preview. markdown-it (CommonMark, maintained, no dependencies of note) with
 * `html: false`, so raw HTML in a document is shown as text; then DOMPurify with a short allow-list as a
 * second wall. Nothing remote is loaded or followed: images render as their alt text and links as text with
 * the address in a tooltip (the window never navigates, and the CSP would block a remote image anyway).
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Images: never fetched, whatever the source; the alt text stands in.
md.renderer.rules['image'] = (tokens, idx) => {
  const token = tokens[idx];
  const alt = token?.children?.map((c) => c.content).join('') ?? '';
  return `<span class="md-image" title="Image not loaded">[image${alt !== '' ? `: ${md.utils.escapeHtml(alt)}` : ''}]</span>`;
};
// Links: the text, with where it points in a tooltip; nothing to click.
md.renderer.rules['link_open'] = (tokens, idx) => `<span class="md-link" title="${md.utils.escapeHtml(tokens[idx]?.attrGet('href') ?? '')}">`;
md.renderer.rules['link_close'] = () => '</span>';

const ALLOWED_TAGS = ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span'];

/** `source` rendered as sanitized HTML: no script, no event handlers, no remote content, no links to follow. */
export function renderMarkdown(source: string): string {
  return DOMPurify.sanitize(md.render(source), { ALLOWED_TAGS, ALLOWED_ATTR: ['class', 'title', 'start'] });
}
