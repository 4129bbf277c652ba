/** The one error conversion and what an error shows. */
import { describe, expect, it } from 'vitest';
import { CallError, describeError, toSerializedError } from '../../src/renderer/errors';

describe('toSerializedError', () => {
  it('keeps the kind of a CallError and turns anything else into Internal', () => {
    expect(toSerializedError(new CallError({ kind: 'Conflict', message: 'x' }))).toEqual({ kind: 'Conflict', message: 'x' });
    expect(toSerializedError(new TypeError('boom'))).toEqual({ kind: 'Internal', message: 'boom' });
    expect(toSerializedError('plain')).toEqual({ kind: 'Internal', message: 'plain' });
  });
});

describe('describeError', () => {
  it('shows one message for a wrong passphrase (defect 10)', () => {
    const d = describeError({ kind: 'WrongKey', message: 'Wrong key or not a docvault vault' });
    expect(d.title).toBe('Wrong passphrase');
    expect(d.hint).toContain('does not open this vault');
    expect(d.detail).toBeUndefined();
  });
  it('a full disk and a read-only location have titles of their own and say nothing was written', () => {
    const full = describeError({ kind: 'DiskFull', message: 'update: the disk is full; nothing was written' });
    expect(full.title).toBe('The disk is full');
    expect(full.hint).toContain('Nothing was written');
    const ro = describeError({ kind: 'ReadOnly', message: 'Cannot open the vault v.dvault: it is on a read-only file system.' });
    expect(ro.title).toBe('The vault cannot be written');
    expect(ro.detail).toContain('read-only file system');
  });
  it('keeps the server message where it adds something', () => {
    expect(describeError({ kind: 'Invalid', message: 'title: too long' }).detail).toBe('title: too long');
  });
});
