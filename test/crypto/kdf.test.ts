import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { smb3Keys, sp800108CounterHmacSha256 } from '../../src/crypto/kdf.js';
import { NetsendError } from '../../src/status/error.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const a = (s: string): Buffer => Buffer.from(s, 'latin1');

// Expected values computed independently with OpenSSL 3.0's KBKDF (counter mode, HMAC-SHA256),
// e.g. `openssl kdf -keylen 16 -kdfopt digest:SHA256 -kdfopt mac:HMAC -kdfopt hexkey:<Ki>
//       -kdfopt hexsalt:<label> -kdfopt hexinfo:<context> KBKDF`.
const KI = hex('000102030405060708090a0b0c0d0e0f');
const KI2 = hex('270e1ba896585eeb7af3472d3b4c75a7');
const CTX64 = Buffer.alloc(64, 0x78); // 64 bytes of 'x', standing in for a preauth hash

function openssl(ki: Buffer, label: Buffer, context: Buffer, bytes: number): Buffer | null {
  try {
    const out = execFileSync(
      'openssl',
      ['kdf', '-keylen', String(bytes), '-kdfopt', 'digest:SHA256', '-kdfopt', 'mac:HMAC', '-kdfopt', `hexkey:${ki.toString('hex')}`,
        '-kdfopt', `hexsalt:${label.toString('hex')}`, '-kdfopt', `hexinfo:${context.toString('hex')}`, 'KBKDF'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return Buffer.from(out.trim().replace(/:/g, ''), 'hex');
  } catch {
    return null;
  }
}
const haveOpenssl = openssl(KI, a('x'), a('y'), 16) !== null;

describe('SP800-108 counter-mode HMAC-SHA256 KDF', () => {
  it('3.0 signing label/context (fixed vector from OpenSSL KBKDF)', () => {
    expect(sp800108CounterHmacSha256(KI, a('SMB2AESCMAC\0'), a('SmbSign\0'), 128).toString('hex')).toBe('6234814cbb8ea9227440ebfeb5eacbe1');
  });
  it('3.1.1 labels with a 64-byte context, L = 128 and 256 (fixed vectors from OpenSSL KBKDF)', () => {
    expect(sp800108CounterHmacSha256(KI2, a('SMBC2SEncryptionKey\0'), CTX64, 128).toString('hex')).toBe('90a6fb142118afc3b49659f7f6c7c8f2');
    expect(sp800108CounterHmacSha256(KI2, a('SMBSigningKey\0'), CTX64, 128).toString('hex')).toBe('f4e2b83354c6f5d60038ee85a6c21be3');
    expect(sp800108CounterHmacSha256(KI2, a('SMBC2SEncryptionKey\0'), CTX64, 256).toString('hex')).toBe(
      'a6c0e6758fc21fe07b0d0cc03afaa08d6f27cec595fd050e07e0586d83adb039',
    );
    expect(sp800108CounterHmacSha256(KI2, a('SMBSigningKey\0'), CTX64, 256).toString('hex')).toBe(
      'f6722c27a02ed284c058213ed056fbc0978c9c7f5f13bfac2b17193ea0f12dc6',
    );
  });

  it.runIf(haveOpenssl)('property: agrees with openssl KBKDF on random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 24 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom(16, 32, 48),
        (ki, label, ctx, bytes) => {
          const want = openssl(Buffer.from(ki), Buffer.from(label), Buffer.from(ctx), bytes);
          expect(want).not.toBeNull();
          expect(sp800108CounterHmacSha256(ki, label, ctx, bytes * 8).equals(want!)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('rejects bad lengths', () => {
    expect(() => sp800108CounterHmacSha256(KI, a('x'), a('y'), 0)).toThrow(NetsendError);
    expect(() => sp800108CounterHmacSha256(KI, a('x'), a('y'), 12)).toThrow(NetsendError);
  });
});

describe('smb3Keys', () => {
  it('3.0 / 3.0.2 use fixed labels and contexts ("ServerIn " has a space)', () => {
    for (const d of [0x0300, 0x0302, '3.0', '3.0.2'] as const) {
      const k = smb3Keys(KI, d);
      expect(k.signingKey.toString('hex')).toBe('6234814cbb8ea9227440ebfeb5eacbe1');
      expect(k.encryptionKey.equals(sp800108CounterHmacSha256(KI, a('SMB2AESCCM\0'), a('ServerIn \0'), 128))).toBe(true);
      expect(k.decryptionKey.equals(sp800108CounterHmacSha256(KI, a('SMB2AESCCM\0'), a('ServerOut\0'), 128))).toBe(true);
      expect(k.applicationKey.equals(sp800108CounterHmacSha256(KI, a('SMB2APP\0'), a('SmbRpc\0'), 128))).toBe(true);
    }
  });

  it('3.1.1 uses the preauth hash as context; cipher keys follow cipherKeyBits, signing stays 128', () => {
    const k = smb3Keys(KI2, 0x0311, CTX64, 256);
    expect(k.signingKey.toString('hex')).toBe('f4e2b83354c6f5d60038ee85a6c21be3');
    // [MS-SMB2] §3.2.5.3.1: "SMBC2SCipherKey\0" / "SMBS2CCipherKey\0" (Samba refuses any other label).
    expect(k.encryptionKey.equals(sp800108CounterHmacSha256(KI2, a('SMBC2SCipherKey\0'), CTX64, 256))).toBe(true);
    expect(k.decryptionKey.length).toBe(32);
    expect(k.applicationKey.length).toBe(16);
    const k128 = smb3Keys(KI2, '3.1.1', CTX64);
    expect(k128.encryptionKey.equals(sp800108CounterHmacSha256(KI2, a('SMBC2SCipherKey\0'), CTX64, 128))).toBe(true);
    expect(k128.decryptionKey.equals(sp800108CounterHmacSha256(KI2, a('SMBS2CCipherKey\0'), CTX64, 128))).toBe(true);
  });

  it.runIf(haveOpenssl)('3.1.1 decryption and application keys agree with openssl', () => {
    const k = smb3Keys(KI2, 0x0311, CTX64, 128);
    expect(k.decryptionKey.equals(openssl(KI2, a('SMBS2CCipherKey\0'), CTX64, 16)!)).toBe(true);
    expect(k.applicationKey.equals(openssl(KI2, a('SMBAppKey\0'), CTX64, 16)!)).toBe(true);
  });

  it('3.1.1 without a 64-byte preauth hash, 3.0 with 256-bit keys, or 2.1 are usage errors', () => {
    expect(() => smb3Keys(KI, 0x0311)).toThrow(NetsendError);
    expect(() => smb3Keys(KI, 0x0311, Buffer.alloc(32))).toThrow(NetsendError);
    expect(() => smb3Keys(KI, 0x0300, undefined, 256)).toThrow(NetsendError);
    expect(() => smb3Keys(KI, 0x0210 as 0x0300)).toThrow(NetsendError);
    expect(() => smb3Keys(KI, '2.1' as '3.0')).toThrow(NetsendError);
  });
});
