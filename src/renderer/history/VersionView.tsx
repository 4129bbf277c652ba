/** One version, read-only: title, type, tags, metadata and content. */
import type { Document } from '../../shared/types';
import { formatBytes } from '../model/attachments';
import { SafeText } from '../components/SafeText';

/** Shows a version as it was written. */
export function VersionView({ doc }: { doc: Document }) {
  const metadata = Object.entries(doc.metadata);
  return (
    <article className="version-view" aria-label={`Version ${doc.version} (read-only)`} data-testid="version-view">
      <h3>{doc.title === '' ? '(untitled)' : <SafeText text={doc.title} />}</h3>
      <dl className="version-fields">
        <dt>Type</dt>
        <dd>{doc.type === '' ? <span className="muted">none</span> : <SafeText text={doc.type} />}</dd>
        <dt>Tags</dt>
        <dd>{doc.tags.length === 0 ? <span className="muted">none</span> : doc.tags.map((t) => (
              <span key={t} className="pill">
                <SafeText text={t} />
              </span>
            ))}</dd>
        {metadata.length > 0 && (
          <>
            <dt>Metadata</dt>
            <dd>
              {metadata.map(([k, v]) => (
                <div key={k}>
                  <code>
                    <SafeText text={k} />
                  </code>
                  : <SafeText text={JSON.stringify(v)} />
                </div>
              ))}
            </dd>
          </>
        )}
        {doc.attachments !== undefined && doc.attachments.length > 0 && (
          <>
            <dt>Attachments</dt>
            <dd data-testid="version-attachment-list">
              {doc.attachments.map((a) => (
                <div key={a.name}>
                  <SafeText text={a.name} /> <span className="muted small">{formatBytes(a.size)} · {a.mediaType}</span>
                </div>
              ))}
            </dd>
          </>
        )}
      </dl>
      <pre className="version-content" tabIndex={0} aria-label="Content" data-testid="version-content">
        {doc.content}
      </pre>
    </article>
  );
}
