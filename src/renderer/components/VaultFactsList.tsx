/** The open vault's facts: path, encryption, KDF, schema, sizes, counts, creation time. */
import { useEffect, useState } from 'react';
import type { AttachmentTotals } from '../../shared/attachments';
import type { VaultFacts } from '../../shared/live';
import { formatBytes } from '../model/live-series';
import { useApi } from '../state';

/** "3 files · 1.2 MB stored · 2.4 MB as listed by versions", or "none". */
function attachmentsLine(a: AttachmentTotals): string {
  if (a.files === 0) return 'none';
  return `${a.files.toLocaleString()} ${a.files === 1 ? 'file' : 'files'} · ${formatBytes(a.storedBytes)} stored · ${formatBytes(a.referencedBytes)} as the versions list them`;
}

/** Reads `vault.facts` once when shown. */
export function VaultFactsList() {
  const { call } = useApi();
  const [facts, setFacts] = useState<VaultFacts | undefined>(undefined);
  useEffect(() => {
    call('vault.facts', {})
      .then(setFacts)
      .catch(() => undefined);
  }, [call]);
  if (facts === undefined) return null;
  return (
    <fieldset>
      <legend>This vault</legend>
      <dl className="facts" data-testid="vault-facts">
        <dt>Path</dt>
        <dd className="path-full">{facts.path}</dd>
        <dt>Encryption</dt>
        <dd>{facts.encrypted ? (facts.cipher ?? 'encrypted') : 'none: anyone who can read the file can read the documents'}</dd>
        <dt>Key derivation</dt>
        <dd>{facts.kdf}</dd>
        <dt>Schema version</dt>
        <dd>{facts.schemaVersion}</dd>
        <dt>Memory mode (open now)</dt>
        <dd>{facts.memoryMode}</dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(facts.fileBytes)} · WAL {formatBytes(facts.walBytes)}
        </dd>
        <dt>Documents</dt>
        <dd>
          {facts.documents.toLocaleString()} · {facts.versions.toLocaleString()} versions
        </dd>
        <dt>Attachments</dt>
        <dd data-testid="facts-attachments">{attachmentsLine(facts.attachments)}</dd>
        <dt>Created</dt>
        <dd>{facts.createdAt === null ? 'not recorded' : new Date(facts.createdAt).toLocaleString()}</dd>
      </dl>
    </fieldset>
  );
}
