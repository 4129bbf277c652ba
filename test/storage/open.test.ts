/**
 * Creating and opening vaults: keys, wrong keys, files that are not vaults, the on-disk format.
 */
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../src/main/storage';
import { hexKey, tempDir } from '../helpers/tmp';

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function expectKind(p: Promise<unknown> | (() => unknown), kind: string): Promise<void> {
  const promise = typeof p === 'function' ? Promise.resolve().then(p) : p;
  await expect(promise).rejects.toMatchObject({ name: 'DocvaultError', kind });
}

describe('create and open', () => {
  it('round-trips a document through close and reopen with a raw key', () => {
    const path = join(dir(), 'v.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'doc', content: 'hello' });
    v.close();
    const again = Vault.openSync(path, { key: { rawKey: key } });
    expect(again.get('doc').content).toBe('hello');
    expect(again.stats().encrypted).toBe(true);
    again.close();
  });

  it('opens with a passphrase (Argon2id light profile) and refuses a wrong one', async () => {
    const path = join(dir(), 'p.dvault');
    const v = await Vault.create(path, { key: { passphrase: 'correct horse battery staple', kdfProfile: 2 } });
    v.create({ id: 'd', content: 'secret' });
    v.close();
    const before = sha(path);
    await expectKind(Vault.open(path, { key: { passphrase: 'wrong horse' } }), 'WrongKey');
    expect(sha(path)).toBe(before);
    const ok = await Vault.open(path, { key: { passphrase: 'correct horse battery staple' } });
    expect(ok.get('d').content).toBe('secret');
    ok.close();
  });

  it('uses the default Argon2id profile and a per-vault salt: the same passphrase gives different files', async () => {
    const d = dir();
    const a = await Vault.create(join(d, 'a.dvault'), { key: { passphrase: 'same passphrase' } });
    const b = await Vault.create(join(d, 'b.dvault'), { key: { passphrase: 'same passphrase' } });
    a.close();
    b.close();
    const saltA = readFileSync(join(d, 'a.dvault')).subarray(0, 16);
    const saltB = readFileSync(join(d, 'b.dvault')).subarray(0, 16);
    expect(saltA.equals(saltB)).toBe(false);
    expect(saltA[15]).toBe(1); // the default KDF profile id travels in the salt
    const again = await Vault.open(join(d, 'a.dvault'), { key: { passphrase: 'same passphrase' } });
    again.close();
  });

  it('leaves the file byte-identical after a wrong raw key', async () => {
    const path = join(dir(), 'w.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'x', content: 'y' });
    v.close();
    const before = sha(path);
    const size = statSync(path).size;
    await expectKind(() => Vault.openSync(path, { key: { rawKey: hexKey() } }), 'WrongKey');
    expect(sha(path)).toBe(before);
    expect(statSync(path).size).toBe(size);
  });

  it('refuses a key for a plain vault and no key for an encrypted one', async () => {
    const d = dir();
    const plain = Vault.createSync(join(d, 'plain.dvault'), { key: { encryption: false } });
    expect(plain.stats().encrypted).toBe(false);
    plain.close();
    await expectKind(() => Vault.openSync(join(d, 'plain.dvault'), { key: { rawKey: hexKey() } }), 'WrongKey');
    await expectKind(Vault.open(join(d, 'plain.dvault'), { key: { passphrase: 'x' } }), 'WrongKey');
    const enc = Vault.createSync(join(d, 'enc.dvault'), { key: { rawKey: hexKey() } });
    enc.close();
    await expectKind(() => Vault.openSync(join(d, 'enc.dvault'), { key: { encryption: false } }), 'WrongKey');
  });

  it('says NotAVault for a text file, an empty file, a truncated vault and a foreign SQLite database', async () => {
    const d = dir();
    writeFileSync(join(d, 'text.txt'), 'just some text, not a vault at all\n'.repeat(200));
    await expectKind(() => Vault.openSync(join(d, 'text.txt'), { key: { rawKey: hexKey() } }), 'NotAVault');
    writeFileSync(join(d, 'empty'), '');
    await expectKind(() => Vault.openSync(join(d, 'empty'), { key: { rawKey: hexKey() } }), 'NotAVault');

    const key = hexKey();
    const v = Vault.createSync(join(d, 't.dvault'), { key: { rawKey: key } });
    for (let i = 0; i < 50; i++) v.create({ id: `d${i}`, content: 'x'.repeat(2000) });
    v.close();
    truncateSync(join(d, 't.dvault'), 4096 * 3 + 100);
    await expectKind(() => Vault.openSync(join(d, 't.dvault'), { key: { rawKey: key } }), 'NotAVault');

    const foreign = new Database(join(d, 'foreign.db'));
    foreign.exec('CREATE TABLE t (x)');
    foreign.close();
    await expectKind(() => Vault.openSync(join(d, 'foreign.db'), { key: { encryption: false } }), 'NotAVault');
  });

  it('detects a vault truncated on a page boundary when its pages are read', () => {
    const d = dir();
    const key = hexKey();
    const path = join(d, 'cut.dvault');
    const v = Vault.createSync(path, { key: { rawKey: key } });
    for (let i = 0; i < 200; i++) v.create({ id: `d${i}`, content: `content ${i} `.repeat(300) });
    v.close();
    truncateSync(path, 4096 * 4);
    let kind: string;
    try {
      const again = Vault.openSync(path, { key: { rawKey: key } });
      try {
        const r = again.verify();
        kind = r.ok ? 'ok' : 'problems';
      } finally {
        again.close();
      }
    } catch (err) {
      kind = (err as { kind: string }).kind;
    }
    // Truncated pages read as damage (Corrupt) once the key is proven, or fail the open itself.
    expect(['NotAVault', 'Corrupt', 'problems']).toContain(kind);
  });

  it('says NotFound for a missing file and AlreadyExists rather than overwriting', async () => {
    const d = dir();
    await expectKind(() => Vault.openSync(join(d, 'nope.dvault'), { key: { rawKey: hexKey() } }), 'NotFound');
    writeFileSync(join(d, 'taken'), 'precious');
    await expectKind(() => Vault.createSync(join(d, 'taken'), { key: { rawKey: hexKey() } }), 'AlreadyExists');
    expect(readFileSync(join(d, 'taken'), 'utf8')).toBe('precious');
  });

  it('rejects malformed raw keys and empty passphrases with Invalid', async () => {
    const d = dir();
    await expectKind(() => Vault.createSync(join(d, 'a'), { key: { rawKey: 'abc' } }), 'Invalid');
    await expectKind(() => Vault.createSync(join(d, 'b'), { key: { rawKey: new Uint8Array(16) } }), 'Invalid');
    await expectKind(Vault.create(join(d, 'c'), { key: { passphrase: '' } }), 'Invalid');
    await expectKind(Vault.create(join(d, 'c2'), { key: { passphrase: 'x', kdfProfile: 99 } }), 'Invalid');
    await expectKind(() => Vault.createSync(join(d, 'e'), { key: { passphrase: 'needs kdf' } }), 'Invalid');
  });

  it('writes no document text in plaintext to the vault or its WAL', () => {
    const d = dir();
    const path = join(d, 'leak.dvault');
    const v = Vault.createSync(path, { key: { rawKey: hexKey() } });
    const marker = 'TOP-SECRET-MARKER-4242';
    v.create({ id: 'secret-id-9999', content: `${marker} `.repeat(100), title: 'Secret title 777', tags: ['secret-tag-55'] });
    const wal = readFileSync(path + '-wal');
    v.close();
    const file = readFileSync(path);
    for (const needle of [marker, 'secret-id-9999', 'Secret title 777', 'secret-tag-55', 'SQLite format 3']) {
      expect(file.includes(Buffer.from(needle))).toBe(false);
      expect(wal.includes(Buffer.from(needle))).toBe(false);
    }
  });

  it('produces SQLCipher 4 pages: page 1 decrypts with AES-256-CBC and authenticates with HMAC-SHA512 (checked with node:crypto)', () => {
    const d = dir();
    const path = join(d, 'fmt.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'x', content: 'y' });
    v.close();
    const file = readFileSync(path);
    const decryptPage1 = (rawKey: Buffer): Buffer | null => {
      // SQLCipher 4 defaults: 4096-byte pages, 80 reserved bytes (16 IV + 64 HMAC-SHA512), the salt in
      // the first 16 bytes, HMAC key = PBKDF2-HMAC-SHA512(key, salt ^ 0x3a, 2 iterations).
      const salt = file.subarray(0, 16);
      const page = file.subarray(0, 4096);
      const data = page.subarray(16, 4096 - 80);
      const iv = page.subarray(4096 - 80, 4096 - 64);
      const mac = page.subarray(4096 - 64);
      const macKey = pbkdf2Sync(rawKey, Buffer.from(salt.map((b) => b ^ 0x3a)), 2, 32, 'sha512');
      const pgno = Buffer.alloc(4);
      pgno.writeUInt32LE(1);
      const expected = createHmac('sha512', macKey).update(data).update(iv).update(pgno).digest();
      if (!expected.equals(mac)) return null;
      const decipher = createDecipheriv('aes-256-cbc', rawKey, iv).setAutoPadding(false);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    };
    const plain = decryptPage1(Buffer.from(key, 'hex'));
    expect(plain).not.toBeNull();
    // Bytes 16.. of the SQLite header: page size 4096 (big-endian 0x1000), WAL file format (2, 2), 80 reserved bytes.
    expect(plain!.readUInt16BE(0)).toBe(4096);
    expect([plain![2], plain![3]]).toEqual([2, 2]);
    expect(plain![4]).toBe(80);
    expect(decryptPage1(randomBytes(32))).toBeNull();
  });

  it('opens in a second connection the way stock SQLCipher 4 does: PRAGMA key with the raw key only', () => {
    const d = dir();
    const path = join(d, 'stock.dvault');
    const key = hexKey();
    const v = Vault.createSync(path, { key: { rawKey: key } });
    v.create({ id: 'x', content: 'readable by sqlcipher' });
    v.close();
    const db = new Database(path);
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${key}'"`);
    expect(db.prepare('SELECT content FROM versions').pluck().get()).toBe('readable by sqlcipher');
    db.close();
  });

  it('creates the file with owner-only permissions', () => {
    const path = join(dir(), 'perm.dvault');
    Vault.createSync(path, { key: { rawKey: hexKey() } }).close();
    expect(statSync(path).mode & 0o077).toBe(0);
  });
});
