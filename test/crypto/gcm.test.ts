// AesGcmKey (src/crypto/gcm.ts): AES-GCM/GMAC from a key imported once per session (node:crypto KeyObject), checked
// against the GCM spec's test vectors and against node:crypto's one-shot AES-GCM (aead.ts) on random inputs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { AesGcmKey } from '../../src/crypto/gcm.js';
import { aeadDecrypt, aeadEncrypt } from '../../src/crypto/aead.js';
import { NetsendError } from '../../src/status/error.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** node:crypto's GMAC: GCM over nothing, `aad` authenticated. */
function nodeGmac(key: Buffer, nonce: Buffer, aad: Buffer): Buffer {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
  c.setAAD(aad);
  c.final();
  return c.getAuthTag();
}

describe('AesGcmKey', () => {
  it('GCM spec test cases 1 and 4 (McGrew & Viega): tag and ciphertext', () => {
    expect(new AesGcmKey(Buffer.alloc(16)).gmac(Buffer.alloc(12), Buffer.alloc(0)).toString('hex')).toBe('58e2fccefa7e3061367f1d57a4e7455a');
    const k = new AesGcmKey(hex('feffe9928665731c6d6a8f9467308308'));
    const iv = hex('cafebabefacedbaddecaf888');
    const pt = hex('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39');
    const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const { ciphertext, tag } = k.seal(iv, pt, aad);
    expect(ciphertext.toString('hex')).toBe('42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091');
    expect(tag.toString('hex')).toBe('5bc94fbc3221a5db94fae95ae7121a47');
    expect(k.open(iv, ciphertext, tag, aad).equals(pt)).toBe(true);
  });

  it('GMAC equals node:crypto for random keys (128/256), nonces and messages, the same key object reused (property)', () => {
    const keys = new Map<string, AesGcmKey>();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean(), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 300 }), (k16, wide, nonce, msg) => {
        const key = wide ? Buffer.concat([Buffer.from(k16), Buffer.from(k16).reverse()]) : Buffer.from(k16);
        const id = key.toString('hex');
        const k = keys.get(id) ?? new AesGcmKey(key);
        keys.set(id, k);
        expect(k.gmac(nonce, msg).equals(nodeGmac(key, Buffer.from(nonce), Buffer.from(msg)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('GMAC with a zeroed block equals GMAC of the message with those 16 bytes zero (the SMB2 signature field)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ minLength: 64, maxLength: 400 }), (key, nonce, msg) => {
        const zeroed = Buffer.from(msg);
        zeroed.fill(0, 48, 64);
        expect(new AesGcmKey(key).gmac(nonce, msg, 48).equals(nodeGmac(Buffer.from(key), Buffer.from(nonce), zeroed))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('seal/open agree with node:crypto both ways; a flipped bit anywhere is AEAD_AUTH_FAILED (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        (k32, wide, nonce, pt, aad, flip) => {
          const key = Buffer.from(wide ? k32 : k32.subarray(0, 16));
          const alg = wide ? 'aes-256-gcm' : 'aes-128-gcm';
          const k = new AesGcmKey(key);
          const ours = k.seal(nonce, pt, aad);
          const theirs = aeadEncrypt(alg, key, nonce, pt, aad);
          expect(ours.ciphertext.equals(theirs.ciphertext)).toBe(true);
          expect(ours.tag.equals(theirs.tag)).toBe(true);
          expect(k.open(nonce, theirs.ciphertext, theirs.tag, aad).equals(Buffer.from(pt))).toBe(true);
          expect(aeadDecrypt(alg, key, nonce, ours.ciphertext, ours.tag, aad).equals(Buffer.from(pt))).toBe(true);
          const all = Buffer.concat([ours.ciphertext, ours.tag, aad]);
          const bit = flip % (all.length * 8);
          all[bit >> 3] = all[bit >> 3]! ^ (1 << (bit & 7));
          const c = all.subarray(0, ours.ciphertext.length);
          const t = all.subarray(ours.ciphertext.length, ours.ciphertext.length + 16);
          const a = all.subarray(ours.ciphertext.length + 16);
          expect(() => k.open(nonce, c, t, a)).toThrow(expect.objectContaining({ name: 'AEAD_AUTH_FAILED' }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses wrong key, nonce and tag sizes', () => {
    expect(() => new AesGcmKey(Buffer.alloc(24))).toThrow(NetsendError);
    expect(() => new AesGcmKey(Buffer.alloc(16)).gmac(Buffer.alloc(11), Buffer.alloc(1))).toThrow(NetsendError);
    expect(() => new AesGcmKey(Buffer.alloc(16)).open(Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(15), Buffer.alloc(0))).toThrow(expect.objectContaining({ name: 'AEAD_AUTH_FAILED' }));
  });
});
