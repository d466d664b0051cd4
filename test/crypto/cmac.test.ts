import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { AesCmacKey, aesCmac } from '../../src/crypto/cmac.js';
import { NetsendError } from '../../src/status/error.js';

// RFC 4493 §4.
const K = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const M = Buffer.from(
  '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
  'hex',
);
const EXAMPLES: Array<[number, string]> = [
  [0, 'bb1d6929e95937287fa37d129b756746'],
  [16, '070a16b46b4d4144f79bdd9dd04a287c'],
  [40, 'dfa66747de9ae63030ca32611497c827'],
  [64, '51f0bebf7e3b9d92fc49741779363cfe'],
];

describe('aesCmac (RFC 4493 §4)', () => {
  for (const [len, tag] of EXAMPLES) {
    it(`example with Mlen = ${len}`, () => {
      expect(aesCmac(K, M.subarray(0, len)).toString('hex')).toBe(tag);
    });
  }

  it('subkeys follow the key: alternating keys, and a key buffer overwritten in place, give each key its own tag', () => {
    const other = Buffer.alloc(16, 0x5a);
    const otherTag = aesCmac(other, M.subarray(0, 16)).toString('hex');
    for (let i = 0; i < 3; i++) {
      expect(aesCmac(K, M.subarray(0, 16)).toString('hex')).toBe(EXAMPLES[1]![1]);
      expect(aesCmac(other, M.subarray(0, 16)).toString('hex')).toBe(otherTag);
    }
    const reused = Buffer.from(K);
    expect(aesCmac(reused, M.subarray(0, 16)).toString('hex')).toBe(EXAMPLES[1]![1]);
    other.copy(reused);
    expect(aesCmac(reused, M.subarray(0, 16)).toString('hex')).toBe(otherTag);
  });

  it('rejects a non-16-byte key', () => {
    expect(() => aesCmac(Buffer.alloc(32), Buffer.alloc(1))).toThrow(NetsendError);
  });

  it('property: matches a straightforward block-by-block CMAC for any length', () => {
    // Independent formulation: explicit XOR chain with AES-ECB per block.
    const enc = (k: Buffer, b: Buffer): Buffer => {
      const c = createCipheriv('aes-128-ecb', k, null);
      c.setAutoPadding(false);
      return c.update(b);
    };
    const shift = (b: Buffer): Buffer => {
      const v = (BigInt('0x' + b.toString('hex')) << 1n) & ((1n << 128n) - 1n);
      const r = Buffer.from(v.toString(16).padStart(32, '0'), 'hex');
      if (b[0]! & 0x80) r[15]! ^= 0x87;
      return r;
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 100 }), (k, m) => {
        const key = Buffer.from(k);
        const k1 = shift(enc(key, Buffer.alloc(16)));
        const k2 = shift(k1);
        const blocks: Buffer[] = [];
        for (let i = 0; i < Math.max(1, Math.ceil(m.length / 16)); i++) blocks.push(Buffer.from(m.subarray(i * 16, i * 16 + 16)));
        let last: Buffer = blocks.pop()!;
        if (last.length === 16) last = Buffer.from(last.map((x, i) => x ^ k1[i]!));
        else {
          const p = Buffer.alloc(16);
          last.copy(p);
          p[last.length] = 0x80;
          last = Buffer.from(p.map((x, i) => x ^ k2[i]!));
        }
        let x: Buffer = Buffer.alloc(16);
        for (const b of [...blocks, last]) x = enc(key, Buffer.from(x.map((v, i) => v ^ b[i]!)));
        expect(aesCmac(key, m).equals(x)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('AesCmacKey (one CBC cipher for every message of a key)', () => {
  it('RFC 4493 §4 examples, one key object for all four in turn (the chaining value carried over is undone)', () => {
    const k = new AesCmacKey(K);
    for (const [len, tag] of [...EXAMPLES, ...EXAMPLES]) expect(k.mac(M.subarray(0, len)).toString('hex')).toBe(tag);
  });

  it('equals aesCmac over a sequence of random messages, and with a zeroed 16-byte field (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 8 }), (key, msgs) => {
        const k = new AesCmacKey(key);
        for (const m of msgs) {
          expect(k.mac(m).equals(aesCmac(key, m))).toBe(true);
          if (m.length >= 64) {
            const zeroed = Buffer.from(m);
            zeroed.fill(0, 48, 64);
            expect(k.mac(m, 48).equals(aesCmac(key, zeroed))).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a key that is not 16 bytes', () => {
    expect(() => new AesCmacKey(Buffer.alloc(32))).toThrow(NetsendError);
  });
});
