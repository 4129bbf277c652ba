/** The shared attachment rules: names, media types, and the change list history and compare show. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_TYPE, attachmentChanges, mediaTypeOf, validateAttachmentName, validateMediaType, type AttachmentInfo } from '../../src/shared/attachments';
import { isDocvaultError } from '../../src/shared/errors';

const a = (name: string, ref: string, mediaType = 'application/pdf'): AttachmentInfo => ({ name, size: 1, mediaType, ref: ref.repeat(64) });

describe('attachmentChanges', () => {
  it('lists added, removed and changed entries by name, unchanged ones left out', () => {
    const before = [a('same.pdf', '1'), a('gone.pdf', '2'), a('new-bytes.pdf', '3'), a('retyped', '4')];
    const after = [a('same.pdf', '1'), a('new-bytes.pdf', '5'), a('added.png', '6', 'image/png'), a('retyped', '4', 'text/plain')];
    expect(attachmentChanges(before, after).map((c) => [c.name, c.change])).toEqual([
      ['added.png', 'added'],
      ['gone.pdf', 'removed'],
      ['new-bytes.pdf', 'changed'],
      ['retyped', 'changed'],
    ]);
    expect(attachmentChanges(undefined, undefined)).toEqual([]);
    expect(attachmentChanges(after, after)).toEqual([]);
  });
});

describe('names and media types', () => {
  it('accepts file names people use and refuses paths, controls, direction marks and padding', () => {
    for (const ok of ['scan.pdf', 'Résumé (final) #2.pdf', '日本語.txt', '.hidden', 'a'.repeat(255)]) expect(validateAttachmentName(ok)).toBe(ok);
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'x\u0000', 'x\u001b[31m', 'x\u0085', 'invoice\u202Efdp.exe', 'x\u2067', ' x', 'x ', 'é'.repeat(128), 7, null])
      expect(() => validateAttachmentName(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ kind: 'Invalid' }) as unknown as Error);
  });

  it('media types: type/subtype, lowercased; parameters and junk refused; guessed from extensions', () => {
    expect(validateMediaType('Application/PDF')).toBe('application/pdf');
    expect(validateMediaType('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toMatch(/^application\//);
    for (const bad of ['pdf', 'text/plain; charset=utf-8', 'a/b/c', '', 'x'.repeat(130) + '/y'])
      expect(() => validateMediaType(bad)).toThrow(expect.objectContaining({ kind: 'Invalid' }) as unknown as Error);
    expect(mediaTypeOf('Scan.JPG')).toBe('image/jpeg');
    expect(mediaTypeOf('noext')).toBe(DEFAULT_MEDIA_TYPE);
    expect(mediaTypeOf('archive.unknown')).toBe(DEFAULT_MEDIA_TYPE);
    let thrown: unknown;
    try {
      validateAttachmentName('a/b');
    } catch (err) {
      thrown = err;
    }
    expect(isDocvaultError(thrown, 'Invalid')).toBe(true);
  });
});
