import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aeadDecrypt, aeadEncrypt, aesGmac, hmacMd5, hmacSha256, type AeadAlgorithm } from '../../src/crypto/aead.js';
import { NetsendError } from '../../src/status/error.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('AEAD wrappers', () => {
  it('AES-128-GCM: NIST GCM test case 4 (60-byte plaintext, 20-byte AAD, 96-bit IV)', () => {
    // McGrew & Viega GCM spec, test case 4.
    const key = hex('feffe9928665731c6d6a8f9467308308');
    const iv = hex('cafebabefacedbaddecaf888');
    const pt = hex(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    );
    const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const { ciphertext, tag } = aeadEncrypt('aes-128-gcm', key, iv, pt, aad);
    expect(ciphertext.toString('hex')).toBe(
      '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091',
    );
    expect(tag.toString('hex')).toBe('5bc94fbc3221a5db94fae95ae7121a47');
    expect(aeadDecrypt('aes-128-gcm', key, iv, ciphertext, tag, aad).equals(pt)).toBe(true);
  });

  it('AES-GMAC equals the GCM tag of an empty plaintext (GCM test case 1 has empty AAD too)', () => {
    // Test case 1: K = 0^128, IV = 0^96, no P, no A -> T = 58e2fccefa7e3061367f1d57a4e7455a.
    expect(aesGmac(Buffer.alloc(16), Buffer.alloc(12), Buffer.alloc(0)).toString('hex')).toBe('58e2fccefa7e3061367f1d57a4e7455a');
  });

  it('rejects wrong nonce and key sizes with usage errors', () => {
    expect(() => aeadEncrypt('aes-128-ccm', Buffer.alloc(16), Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0))).toThrow(NetsendError);
    expect(() => aeadEncrypt('aes-128-gcm', Buffer.alloc(16), Buffer.alloc(11), Buffer.alloc(1), Buffer.alloc(0))).toThrow(NetsendError);
    expect(() => aeadEncrypt('aes-256-gcm', Buffer.alloc(16), Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0))).toThrow(NetsendError);
  });

  const algs: AeadAlgorithm[] = ['aes-128-ccm', 'aes-256-ccm', 'aes-128-gcm', 'aes-256-gcm'];
  for (const alg of algs) {
    it(`${alg}: round trip, and any flipped bit in ciphertext/tag/AAD is rejected`, () => {
      const keyLen = alg.startsWith('aes-128') ? 16 : 32;
      const nonceLen = alg.endsWith('ccm') ? 11 : 12;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: keyLen, maxLength: keyLen }),
          fc.uint8Array({ minLength: nonceLen, maxLength: nonceLen }),
          fc.uint8Array({ maxLength: 200 }),
          fc.uint8Array({ minLength: 1, maxLength: 52 }),
          fc.nat(),
          fc.constantFrom('ct', 'tag', 'aad'),
          (key, nonce, pt, aad, pos, where) => {
            const { ciphertext, tag } = aeadEncrypt(alg, key, nonce, pt, aad);
            expect(tag.length).toBe(16);
            expect(ciphertext.length).toBe(pt.length);
            expect(aeadDecrypt(alg, key, nonce, ciphertext, tag, aad).equals(Buffer.from(pt))).toBe(true);
            const ct2 = Buffer.from(ciphertext);
            const tag2 = Buffer.from(tag);
            const aad2 = Buffer.from(aad);
            const target = where === 'ct' && ct2.length > 0 ? ct2 : where === 'aad' ? aad2 : tag2;
            target[pos % target.length]! ^= 0x80;
            expect(() => aeadDecrypt(alg, key, nonce, ct2, tag2, aad2)).toThrow(NetsendError);
          },
        ),
        { numRuns: 50 },
      );
    });
  }

  it('HMAC-MD5 (RFC 2202 test case 2) and HMAC-SHA256 (RFC 4231 test case 2), with split parts', () => {
    expect(hmacMd5(Buffer.from('Jefe'), Buffer.from('what do ya want '), Buffer.from('for nothing?')).toString('hex')).toBe(
      '750c783e6ab0b503eaa86e310a5db738',
    );
    expect(hmacSha256(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')).toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
