/**
 * Markdown/text files with YAML front matter, both ways. Parsing uses `yaml` (eemeli/yaml: YAML 1.2, no
 * dependencies, maintained) with the core schema, so a file cannot construct custom types. Writing puts
 * every value as JSON, which is valid YAML, so no string needs YAML escaping rules.
 */
import { parse } from 'yaml';
import { DocvaultError } from '../../shared/errors';

/** What the front matter of an imported file may set. Anything else goes to `metadata`. */
export interface FrontMatter {
  readonly id?: string;
  readonly title?: string;
  readonly type?: string;
  readonly tags?: readonly string[];
  readonly metadata: Record<string, unknown>;
}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function str(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DocvaultError('Invalid', `front matter: ${field} must be text`);
}

/** Splits `text` into its front matter (parsed) and body. A file without front matter is all body. */
export function readFrontMatter(text: string): { front: FrontMatter; body: string } {
  const m = FENCE.exec(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (m === null) return { front: { metadata: {} }, body: text };
  let data: unknown;
  try {
    data = parse(m[1] ?? '', { schema: 'core', maxAliasCount: 10 });
  } catch (err) {
    throw new DocvaultError('Invalid', `front matter: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new DocvaultError('Invalid', 'front matter: must be a mapping of keys to values');
  const { id, title, type, tags, metadata, ...rest } = data as Record<string, unknown>;
  let tagList: string[] | undefined;
  if (tags !== undefined && tags !== null) {
    if (typeof tags === 'string') tagList = tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
    else if (Array.isArray(tags)) tagList = tags.map((t, i) => str(t, `tags[${i}]`) ?? '');
    else throw new DocvaultError('Invalid', 'front matter: tags must be a list or a comma-separated text');
  }
  const meta = metadata !== undefined && metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  const idText = str(id, 'id');
  const titleText = str(title, 'title');
  const typeText = str(type, 'type');
  const front: FrontMatter = {
    ...(idText !== undefined ? { id: idText } : {}),
    ...(titleText !== undefined ? { title: titleText } : {}),
    ...(typeText !== undefined ? { type: typeText } : {}),
    ...(tagList !== undefined ? { tags: tagList } : {}),
    // Dates and other plain values survive as JSON (the core schema makes no Date objects).
    metadata: JSON.parse(JSON.stringify({ ...rest, ...meta })) as Record<string, unknown>,
  };
  return { front, body: text.slice(m[0].length + (text.startsWith('\uFEFF') ? 1 : 0)) };
}

/** A Markdown file: front matter with the document's fields, then its content. */
export function writeFrontMatter(fields: Readonly<Record<string, unknown>>, body: string): string {
  const lines = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}
